//! The one checked way from parameters to a [`SearchRequest`], shared by `/api/search`,
//! `/api/entries/{id}/similar`, `edusearch search` and `edusearch similar`.
//!
//! Parameters arrive as decoded `name=value` [`Pairs`]: from a query string ([`Pairs::parse`]) or
//! from CLI flags. [`request`] checks them against the [`Param`] vocabulary of the endpoint with the
//! same rules everywhere: unknown or repeated names, case (closed sets ignore it), ranges (years,
//! `limit`, `offset`), lengths; a bad one is a [`ParamError`] worded in English and in Russian.

use chrono::NaiveDate;

use super::{DEFAULT_LIMIT, SearchRequest};
use crate::vocabulary::{Endpoint, Param, ValueKind};

/// Longest accepted free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Longest accepted value of any other parameter, in characters.
pub const MAX_VALUE_CHARS: usize = 300;
/// Most values accepted for one repeatable parameter.
pub const MAX_VALUES: usize = 50;
/// Most `name=value` pairs accepted in one query string.
pub const MAX_PAIRS: usize = 200;
/// Smallest and largest year accepted in year filters.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;
/// Default number of similar entries.
pub const DEFAULT_SIMILAR_LIMIT: usize = 10;
/// Default number of documents of a page of the list of documents.
pub const DEFAULT_DOCUMENTS_LIMIT: usize = 50;

/// A bad parameter: a stable code and a message in English and in Russian.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    /// Machine-readable code: `bad_parameter`, `unknown_parameter`, `repeated_parameter`,
    /// `missing_parameter`, `parameter_too_long`, `too_many_values`, `too_many_parameters`,
    /// `bad_encoding`.
    pub code: &'static str,
    /// English message.
    pub message: String,
    /// Russian message.
    pub message_ru: String,
}

impl ParamError {
    /// A `bad_parameter` error.
    pub fn bad(message: String, message_ru: String) -> ParamError {
        ParamError::new("bad_parameter", message, message_ru)
    }

    /// An error with its code.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        message_ru: impl Into<String>,
    ) -> ParamError {
        ParamError {
            code,
            message: message.into(),
            message_ru: message_ru.into(),
        }
    }
}

/// Decoded `name=value` pairs, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// Parses a raw query string (`application/x-www-form-urlencoded`: `+` is a space).
    ///
    /// Fails on invalid UTF-8 after decoding (`%FF`), on control characters other than
    /// tab/CR/LF (`%00`), and on more than [`MAX_PAIRS`] pairs.
    pub fn parse(raw: Option<&str>) -> Result<Pairs, ParamError> {
        let mut pairs = Pairs::default();
        for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            pairs.push(decode(name)?, decode(value)?)?;
        }
        Ok(pairs)
    }

    /// Adds a pair (checked like those of a query string).
    pub fn push(&mut self, name: String, value: String) -> Result<(), ParamError> {
        if self.0.len() == MAX_PAIRS {
            return Err(ParamError::new(
                "too_many_parameters",
                format!("more than {MAX_PAIRS} query parameters"),
                format!("Больше {MAX_PAIRS} параметров запроса"),
            ));
        }
        check_controls(&name, &value)?;
        self.0.push((name, value));
        Ok(())
    }

    /// Fails with `unknown_parameter` if a name is not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ParamError> {
        match self.0.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
            None => Ok(()),
            Some((name, _)) => Err(unknown_parameter(name, allowed)),
        }
    }

    /// The value of a parameter given at most once; empty (or blank) counts as absent.
    pub fn one(&self, name: &str) -> Result<Option<&str>, ParamError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ParamError::new(
                "repeated_parameter",
                format!("parameter '{name}' may be given only once"),
                format!("Параметр «{name}» можно указать только один раз"),
            ));
        }
        Ok(first
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty()))
    }

    /// The value of a required parameter given once.
    pub fn required(&self, name: &str) -> Result<&str, ParamError> {
        self.one(name)?.ok_or_else(|| {
            ParamError::new(
                "missing_parameter",
                format!("parameter '{name}' is required"),
                format!("Не задан обязательный параметр «{name}»"),
            )
        })
    }

    /// The non-blank values of `param` under its name or an alias, in order.
    fn values_of(&self, param: Param) -> Result<Vec<&str>, ParamError> {
        let given: Vec<&str> = self
            .0
            .iter()
            .filter(|(n, _)| Param::named(n) == Some(param))
            .map(|(_, v)| v.as_str())
            .collect();
        let name = param.name();
        if !param.repeatable() && given.len() > 1 {
            return Err(ParamError::new(
                "repeated_parameter",
                format!("parameter '{name}' may be given only once"),
                format!("Параметр «{name}» можно указать только один раз"),
            ));
        }
        let values: Vec<&str> = given.into_iter().filter(|v| !v.trim().is_empty()).collect();
        if values.len() > MAX_VALUES {
            return Err(ParamError::new(
                "too_many_values",
                format!("parameter '{name}' is given more than {MAX_VALUES} times"),
                format!("Параметр «{name}» указан больше {MAX_VALUES} раз"),
            ));
        }
        let max = match param.kind() {
            ValueKind::Query => MAX_QUERY_CHARS,
            _ => MAX_VALUE_CHARS,
        };
        for v in &values {
            check_length(name, v, max)?;
        }
        Ok(values)
    }
}

fn unknown_parameter(name: &str, allowed: &[&str]) -> ParamError {
    let (list, list_ru) = if allowed.is_empty() {
        ("none".to_owned(), "нет".to_owned())
    } else {
        let quoted: Vec<String> = allowed.iter().map(|a| format!("«{a}»")).collect();
        (allowed.join(", "), quoted.join(", "))
    };
    ParamError::new(
        "unknown_parameter",
        format!("unknown parameter '{name}'; accepted: {list}"),
        format!("Неизвестный параметр «{name}»; допустимые: {list_ru}"),
    )
}

/// The names (and aliases) `endpoint` accepts, in documentation order.
pub fn accepted_names(endpoint: Endpoint) -> Vec<&'static str> {
    Param::of(endpoint)
        .flat_map(|p| std::iter::once(p.name()).chain(p.aliases().iter().copied()))
        .collect()
}

/// The checked request of `endpoint` from `pairs`: the one way parameters become a search.
pub fn request(pairs: &Pairs, endpoint: Endpoint) -> Result<SearchRequest, ParamError> {
    if let Some((name, _)) = pairs
        .0
        .iter()
        .find(|(n, _)| !Param::named(n).is_some_and(|p| p.takes(endpoint)))
    {
        return Err(unknown_parameter(name, &accepted_names(endpoint)));
    }
    let mut req = SearchRequest {
        limit: match endpoint {
            Endpoint::Search => DEFAULT_LIMIT,
            Endpoint::Similar => DEFAULT_SIMILAR_LIMIT,
            Endpoint::Documents => DEFAULT_DOCUMENTS_LIMIT,
        },
        ..SearchRequest::default()
    };
    for &param in Param::ALL {
        let values = pairs.values_of(param)?;
        for v in values {
            set(&mut req, param, v)?;
        }
    }
    if let (Some(from), Some(to)) = (req.year_from, req.year_to)
        && from > to
    {
        return Err(ParamError::bad(
            format!("year_from ({from}) is after year_to ({to})"),
            format!("Начальный год year_from ({from}) больше конечного year_to ({to})"),
        ));
    }
    Ok(req)
}

/// Checks one value of `param` and puts it into the request.
fn set(req: &mut SearchRequest, param: Param, v: &str) -> Result<(), ParamError> {
    let name = param.name();
    match param {
        Param::Q => req.q = v.to_owned(),
        Param::Addressee => req.addressee.push(v.to_owned()),
        Param::Topic => req.topic.push(v.to_owned()),
        Param::Region => req.region.push(v.to_owned()),
        Param::Year => req.year.push(year(name, v)?),
        Param::YearFrom => req.year_from = Some(year(name, v)?),
        Param::YearTo => req.year_to = Some(year(name, v)?),
        Param::Level => req.level.push(term(name, v)?),
        Param::Kind => req.kind.push(term(name, v)?),
        Param::EntryType => req.entry_type.push(term(name, v)?),
        Param::Sort => req.sort = term(name, v)?,
        Param::DeadlineBefore => req.deadline_before = Some(date(name, v)?),
        Param::DeadlineAfter => req.deadline_after = Some(date(name, v)?),
        Param::Limit => req.limit = count(param, v)?,
        Param::Offset => req.offset = count(param, v)?,
        Param::Facets => req.skip_facets = !boolean(name, v)?,
    }
    Ok(())
}

fn term<T: crate::vocabulary::Term>(name: &str, v: &str) -> Result<T, ParamError> {
    crate::vocabulary::parse_term::<T>(v).map_err(|e| {
        ParamError::bad(
            format!("{name}: unknown value '{v}'; accepted: {}", e.accepted),
            format!(
                "{name}: неизвестное значение «{v}»; допустимые: {}",
                e.accepted_ru
            ),
        )
    })
}

fn year(name: &str, v: &str) -> Result<i32, ParamError> {
    match v.parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        _ => Err(ParamError::bad(
            format!(
                "{name}: '{v}' is not a year between {} and {}",
                YEARS.start(),
                YEARS.end()
            ),
            format!(
                "{name}: «{v}» — не год от {} до {}",
                YEARS.start(),
                YEARS.end()
            ),
        )),
    }
}

fn date(name: &str, v: &str) -> Result<NaiveDate, ParamError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        ParamError::bad(
            format!("{name}: '{v}' is not a date in the form YYYY-MM-DD"),
            format!("{name}: «{v}» — не дата в формате ГГГГ-ММ-ДД"),
        )
    })
}

fn count(param: Param, v: &str) -> Result<usize, ParamError> {
    let ValueKind::Count { min, max } = param.kind() else {
        return Err(ParamError::bad(
            format!("{}: not a number parameter", param.name()),
            format!("{}: параметр не числовой", param.name()),
        ));
    };
    bounded(param.name(), v, min, max)
}

/// A whole number in `min..=max` (the same rule for every count parameter of the API and CLI).
pub fn bounded(name: &str, v: &str, min: usize, max: usize) -> Result<usize, ParamError> {
    match v.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ParamError::bad(
            format!("{name}: '{v}' is not an integer between {min} and {max}"),
            format!("{name}: «{v}» — не целое число от {min} до {max}"),
        )),
    }
}

/// A number in `0..=1` (a similarity threshold).
pub fn fraction(name: &str, v: &str) -> Result<f32, ParamError> {
    match v.trim().parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(ParamError::bad(
            format!("{name}: '{v}' is not a number between 0 and 1"),
            format!("{name}: «{v}» — не число от 0 до 1"),
        )),
    }
}

fn boolean(name: &str, v: &str) -> Result<bool, ParamError> {
    match v {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ParamError::bad(
            format!("{name}: '{v}' is not a boolean; accepted: true, false, 1, 0"),
            format!(
                "{name}: «{v}» — не логическое значение; допустимые: «true», «false», «1», «0»"
            ),
        )),
    }
}

fn check_length(name: &str, v: &str, max: usize) -> Result<(), ParamError> {
    if v.chars().count() > max {
        return Err(ParamError::new(
            "parameter_too_long",
            format!("parameter '{name}' is longer than {max} characters"),
            format!("Параметр «{name}» длиннее {max} символов"),
        ));
    }
    Ok(())
}

fn check_controls(name: &str, value: &str) -> Result<(), ParamError> {
    let bad = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    if bad(name) || bad(value) {
        return Err(ParamError::new(
            "bad_encoding",
            "control characters (such as NUL) are not allowed in parameters",
            "Управляющие символы (например, «NUL») в параметрах недопустимы",
        ));
    }
    Ok(())
}

/// Percent-decodes one query-string component (`+` → space). Malformed escapes (`%G1`, a trailing
/// `%`) are kept literally, as browsers do; bytes that are not UTF-8 are an error.
pub fn decode(s: &str) -> Result<String, ParamError> {
    decode_bytes(s, true)
}

/// Percent-decodes one path segment (`+` stays `+`).
pub fn decode_path(s: &str) -> Result<String, ParamError> {
    decode_bytes(s, false)
}

fn decode_bytes(s: &str, plus_is_space: bool) -> Result<String, ParamError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        ParamError::new(
            "bad_encoding",
            "the request is not valid UTF-8 after percent-decoding",
            "Запрос после раскодирования не является корректным текстом в кодировке «UTF-8»",
        )
    })
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocKind, EntryType, Level};
    use crate::search::SortOrder;

    fn req(raw: &str) -> Result<SearchRequest, ParamError> {
        request(&Pairs::parse(Some(raw))?, Endpoint::Search)
    }

    #[test]
    fn decodes_plus_percent_and_cyrillic() {
        let p = Pairs::parse(Some(
            "q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0+%C2%AB%D1%91%C2%BB&x",
        ))
        .unwrap();
        assert_eq!(
            p.0,
            vec![
                ("q".into(), "школа «ё»".into()),
                ("x".into(), String::new())
            ]
        );
    }

    #[test]
    fn malformed_escapes_are_literal_but_bad_utf8_is_an_error() {
        assert_eq!(decode("100%").unwrap(), "100%");
        assert_eq!(decode("%G1%4").unwrap(), "%G1%4");
        assert_eq!(decode("%FF").unwrap_err().code, "bad_encoding");
        assert_eq!(decode_path("a+b").unwrap(), "a+b");
    }

    #[test]
    fn nul_is_rejected() {
        assert_eq!(
            Pairs::parse(Some("q=a%00b")).unwrap_err().code,
            "bad_encoding"
        );
        assert!(Pairs::parse(Some("q=a%0Ab%09")).is_ok());
    }

    #[test]
    fn builds_a_full_request() {
        let r = req(
            "q=школа&addressee=school_heads&addressee=Министерство&year=2021&year=2020&topic=a\
             &level=municipal&kind=decision&region=Саратовская+область&type=recommendation\
             &deadline_before=2022-01-01&deadline_after=2021-01-01&limit=5&offset=10&sort=deadline\
             &year_from=2019&year_to=2022&entry_type=Finding",
        )
        .unwrap();
        assert_eq!(r.q, "школа");
        assert_eq!(r.addressee, vec!["school_heads", "Министерство"]);
        assert_eq!(r.year, vec![2021, 2020]);
        assert_eq!(r.level, vec![Level::Municipal]);
        assert_eq!(r.kind, vec![DocKind::Decision]);
        assert_eq!(r.region, vec!["Саратовская область"]);
        assert_eq!(
            r.entry_type,
            vec![EntryType::Recommendation, EntryType::Finding]
        );
        assert_eq!(r.deadline_before, NaiveDate::from_ymd_opt(2022, 1, 1));
        assert_eq!(r.deadline_after, NaiveDate::from_ymd_opt(2021, 1, 1));
        assert_eq!((r.limit, r.offset, r.sort), (5, 10, SortOrder::Deadline));
        assert_eq!((r.year_from, r.year_to), (Some(2019), Some(2022)));
    }

    #[test]
    fn defaults_and_empty_values() {
        let r = req("q=&year=&limit=").unwrap();
        assert_eq!(r.q, "");
        assert!(r.year.is_empty());
        assert_eq!(
            (r.limit, r.offset, r.sort),
            (DEFAULT_LIMIT, 0, SortOrder::Relevance)
        );
        let similar = request(&Pairs::default(), Endpoint::Similar).unwrap();
        assert_eq!(similar.limit, DEFAULT_SIMILAR_LIMIT);
    }

    #[test]
    fn rejects_bad_values() {
        for raw in [
            "limit=-1",
            "limit=0",
            "limit=101",
            "limit=abc",
            "limit=99999999999999999999999",
            "offset=10001",
            "year=abc",
            "year=99999",
            "year_from=2022&year_to=2020",
            "deadline_before=2021-02-30",
            "deadline_after=tomorrow",
            "sort=random",
            "level=galactic",
            "type=recommendations",
        ] {
            let e = req(raw).unwrap_err();
            assert_eq!(e.code, "bad_parameter", "{raw}");
            assert!(!e.message_ru.contains(" is "), "{raw}: {}", e.message_ru);
        }
        assert_eq!(req("q=a&q=b").unwrap_err().code, "repeated_parameter");
        assert_eq!(
            req("limit=1&limit=2").unwrap_err().code,
            "repeated_parameter"
        );
        assert_eq!(req("foo=1").unwrap_err().code, "unknown_parameter");
        let long = format!("q={}", "я".repeat(MAX_QUERY_CHARS + 1));
        assert_eq!(req(&long).unwrap_err().code, "parameter_too_long");
        let many = "year=2021&".repeat(MAX_VALUES + 1);
        assert_eq!(req(&many).unwrap_err().code, "too_many_values");
        let similar = |raw: &str| request(&Pairs::parse(Some(raw))?, Endpoint::Similar);
        assert_eq!(similar("q=x").unwrap_err().code, "unknown_parameter");
        assert_eq!(
            similar("level=Municipal&level=regional")
                .unwrap()
                .level
                .len(),
            2
        );
    }

    #[test]
    fn unknown_values_are_listed_in_both_languages() {
        let e = req("level=district").unwrap_err();
        assert_eq!(
            e.message,
            "level: unknown value 'district'; accepted: federal, regional, municipal"
        );
        assert!(
            e.message_ru
                .contains("«federal» (Федеральный), «regional» (Региональный)"),
            "{}",
            e.message_ru
        );
    }
}
