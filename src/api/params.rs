//! Query-string parsing: our own, so that repeated parameters, bad percent-encoding and
//! unknown names all end as precise 400 JSON errors rather than axum's plain-text rejections.

use chrono::NaiveDate;

use super::ApiError;
use crate::model::{DocKind, EntryType, Level};
use crate::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, SearchRequest, SortOrder};

/// Longest accepted free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Longest accepted value of any other parameter, in characters.
pub const MAX_VALUE_CHARS: usize = 300;
/// Most values accepted for one repeatable parameter.
pub const MAX_VALUES: usize = 50;
/// Most `name=value` pairs accepted in one query string.
pub const MAX_PAIRS: usize = 200;
/// Smallest and largest year accepted in year filters.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Parameters of `/api/search` that may be given several times.
const REPEATABLE: [&str; 7] = [
    "addressee",
    "year",
    "topic",
    "level",
    "kind",
    "region",
    "type",
];
/// Parameters of `/api/search` given at most once.
const SINGLE: [&str; 9] = [
    "q",
    "year_from",
    "year_to",
    "deadline_before",
    "deadline_after",
    "limit",
    "offset",
    "sort",
    "facets",
];

/// Decoded `name=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// Parses a raw query string (`application/x-www-form-urlencoded`: `+` is a space).
    ///
    /// Fails on invalid UTF-8 after decoding (`%FF`), on control characters other than
    /// tab/CR/LF (`%00`), and on more than [`MAX_PAIRS`] pairs.
    pub fn parse(raw: Option<&str>) -> Result<Pairs, ApiError> {
        let mut pairs = Vec::new();
        for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            if pairs.len() == MAX_PAIRS {
                return Err(ApiError::bad_request(
                    "too_many_parameters",
                    format!("more than {MAX_PAIRS} query parameters"),
                    format!("Больше {MAX_PAIRS} параметров запроса"),
                ));
            }
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = decode(name)?;
            let value = decode(value)?;
            check_controls(&name, &value)?;
            pairs.push((name, value));
        }
        Ok(Pairs(pairs))
    }

    /// Fails with `unknown_parameter` if a name is not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self.0.iter().find(|(n, _)| !allowed.contains(&n.as_str())) {
            None => Ok(()),
            Some((name, _)) => {
                let (list, list_ru) = if allowed.is_empty() {
                    ("none".to_owned(), "никаких".to_owned())
                } else {
                    (allowed.join(", "), quoted(allowed))
                };
                Err(ApiError::bad_request(
                    "unknown_parameter",
                    format!("unknown parameter '{name}'; accepted: {list}"),
                    format!("Неизвестный параметр «{name}»; допустимые: {list_ru}"),
                ))
            }
        }
    }

    /// Non-empty values of a repeatable parameter (empty values, as sent by HTML forms, are skipped).
    fn all(&self, name: &str) -> Result<Vec<&str>, ApiError> {
        let values: Vec<&str> = self
            .0
            .iter()
            .filter(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect();
        if values.len() > MAX_VALUES {
            return Err(ApiError::bad_request(
                "too_many_values",
                format!("parameter '{name}' is given more than {MAX_VALUES} times"),
                format!("Параметр «{name}» указан больше {MAX_VALUES} раз"),
            ));
        }
        for v in &values {
            check_length(name, v, MAX_VALUE_CHARS)?;
        }
        Ok(values)
    }

    /// The value of a parameter given at most once; empty counts as absent.
    fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::bad_request(
                "repeated_parameter",
                format!("parameter '{name}' may be given only once"),
                format!("Параметр «{name}» можно указать только один раз"),
            ));
        }
        Ok(first.map(|(_, v)| v.as_str()).filter(|v| !v.is_empty()))
    }
}

/// Builds a [`SearchRequest`] from the parameters of `/api/search`.
pub fn search_request(pairs: &Pairs) -> Result<SearchRequest, ApiError> {
    let allowed: Vec<&str> = REPEATABLE.iter().chain(SINGLE.iter()).copied().collect();
    pairs.only(&allowed)?;

    let q = pairs.one("q")?.unwrap_or("").to_owned();
    check_length("q", &q, MAX_QUERY_CHARS)?;

    let year = pairs
        .all("year")?
        .into_iter()
        .map(|v| parse_year("year", v))
        .collect::<Result<Vec<_>, _>>()?;
    let year_from = pairs
        .one("year_from")?
        .map(|v| parse_year("year_from", v))
        .transpose()?;
    let year_to = pairs
        .one("year_to")?
        .map(|v| parse_year("year_to", v))
        .transpose()?;
    if let (Some(from), Some(to)) = (year_from, year_to)
        && from > to
    {
        return Err(ApiError::bad_request(
            "bad_parameter",
            format!("year_from ({from}) is after year_to ({to})"),
            format!("year_from ({from}) больше, чем year_to ({to})"),
        ));
    }

    let deadline_before = pairs
        .one("deadline_before")?
        .map(|v| parse_date("deadline_before", v))
        .transpose()?;
    let deadline_after = pairs
        .one("deadline_after")?
        .map(|v| parse_date("deadline_after", v))
        .transpose()?;

    let limit = match pairs.one("limit")? {
        Some(v) => parse_bounded("limit", v, 1, MAX_LIMIT)?,
        None => DEFAULT_LIMIT,
    };
    let offset = match pairs.one("offset")? {
        Some(v) => parse_bounded("offset", v, 0, MAX_OFFSET)?,
        None => 0,
    };
    let sort = pairs
        .one("sort")?
        .map(parse_sort)
        .transpose()?
        .unwrap_or_default();
    let facets = pairs
        .one("facets")?
        .map(|v| parse_bool("facets", v))
        .transpose()?
        .unwrap_or(true);

    Ok(SearchRequest {
        q,
        addressee: owned(pairs.all("addressee")?),
        year,
        year_from,
        year_to,
        topic: owned(pairs.all("topic")?),
        level: parse_enums("level", pairs.all("level")?, LEVELS)?,
        kind: parse_enums("kind", pairs.all("kind")?, KINDS)?,
        region: owned(pairs.all("region")?),
        entry_type: parse_enums("type", pairs.all("type")?, TYPES)?,
        deadline_before,
        deadline_after,
        limit,
        offset,
        sort,
        skip_facets: !facets,
    })
}

const LEVELS: &[(&str, Level)] = &[
    ("federal", Level::Federal),
    ("regional", Level::Regional),
    ("municipal", Level::Municipal),
];
const KINDS: &[(&str, DocKind)] = &[
    ("resolution", DocKind::Resolution),
    ("order", DocKind::Order),
    ("decision", DocKind::Decision),
    ("other", DocKind::Other),
];
const TYPES: &[(&str, EntryType)] = &[
    ("recommendation", EntryType::Recommendation),
    ("finding", EntryType::Finding),
    ("provision", EntryType::Provision),
];

/// `«a», «b», «c»`: identifiers quoted in a Russian message.
fn quoted(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("«{n}»")).collect();
    quoted.join(", ")
}

fn owned(values: Vec<&str>) -> Vec<String> {
    values.into_iter().map(str::to_owned).collect()
}

fn parse_enums<T: Copy>(
    name: &str,
    values: Vec<&str>,
    table: &[(&str, T)],
) -> Result<Vec<T>, ApiError> {
    values
        .into_iter()
        .map(|v| {
            table
                .iter()
                .find(|(s, _)| *s == v)
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let list: Vec<&str> = table.iter().map(|(s, _)| *s).collect();
                    ApiError::bad_request(
                        "bad_parameter",
                        format!("{name}: unknown value '{v}'; accepted: {}", list.join(", ")),
                        format!(
                            "{name}: неизвестное значение «{v}»; допустимые: {}",
                            quoted(&list)
                        ),
                    )
                })
        })
        .collect()
}

fn parse_bool(name: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::bad_request(
            "bad_parameter",
            format!("{name}: '{v}' is not a boolean; accepted: true, false, 1, 0"),
            format!(
                "{name}: «{v}» — не логическое значение; допустимые: «true», «false», «1», «0»"
            ),
        )),
    }
}

fn parse_sort(v: &str) -> Result<SortOrder, ApiError> {
    match v {
        "relevance" => Ok(SortOrder::Relevance),
        "date" => Ok(SortOrder::Date),
        "deadline" => Ok(SortOrder::Deadline),
        _ => Err(ApiError::bad_request(
            "bad_parameter",
            format!("sort: unknown order '{v}'; accepted: relevance, date, deadline"),
            format!("sort: неизвестный порядок «{v}»; допустимые: «relevance», «date», «deadline»"),
        )),
    }
}

fn parse_year(name: &str, v: &str) -> Result<i32, ApiError> {
    match v.parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        _ => Err(ApiError::bad_request(
            "bad_parameter",
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

fn parse_date(name: &str, v: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(
            "bad_parameter",
            format!("{name}: '{v}' is not a date in the form YYYY-MM-DD"),
            format!("{name}: «{v}» — не дата в формате ГГГГ-ММ-ДД"),
        )
    })
}

fn parse_bounded(name: &str, v: &str, min: usize, max: usize) -> Result<usize, ApiError> {
    match v.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(
            "bad_parameter",
            format!("{name}: '{v}' is not an integer between {min} and {max}"),
            format!("{name}: «{v}» — не целое число от {min} до {max}"),
        )),
    }
}

fn check_length(name: &str, v: &str, max: usize) -> Result<(), ApiError> {
    if v.chars().count() > max {
        return Err(ApiError::bad_request(
            "parameter_too_long",
            format!("parameter '{name}' is longer than {max} characters"),
            format!("Параметр «{name}» длиннее {max} символов"),
        ));
    }
    Ok(())
}

fn check_controls(name: &str, value: &str) -> Result<(), ApiError> {
    let bad = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    if bad(name) || bad(value) {
        return Err(ApiError::bad_request(
            "bad_encoding",
            "control characters (such as NUL) are not allowed in parameters",
            "Управляющие символы (например, «NUL») в параметрах недопустимы",
        ));
    }
    Ok(())
}

/// Percent-decodes one query-string component (`+` → space). Malformed escapes (`%G1`, a trailing
/// `%`) are kept literally, as browsers do; bytes that are not UTF-8 are an error.
pub fn decode(s: &str) -> Result<String, ApiError> {
    decode_bytes(s, true)
}

/// Percent-decodes one path segment (`+` stays `+`).
pub fn decode_path(s: &str) -> Result<String, ApiError> {
    decode_bytes(s, false)
}

fn decode_bytes(s: &str, plus_is_space: bool) -> Result<String, ApiError> {
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
        ApiError::bad_request(
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

    fn req(raw: &str) -> Result<SearchRequest, ApiError> {
        search_request(&Pairs::parse(Some(raw))?)
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
             &year_from=2019&year_to=2022",
        )
        .unwrap();
        assert_eq!(r.q, "школа");
        assert_eq!(r.addressee, vec!["school_heads", "Министерство"]);
        assert_eq!(r.year, vec![2021, 2020]);
        assert_eq!(r.level, vec![Level::Municipal]);
        assert_eq!(r.kind, vec![DocKind::Decision]);
        assert_eq!(r.region, vec!["Саратовская область"]);
        assert_eq!(r.entry_type, vec![EntryType::Recommendation]);
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
    }

    #[test]
    fn rejects_bad_values() {
        for raw in [
            "limit=-1",
            "limit=0",
            "limit=101",
            "limit=abc",
            "offset=10001",
            "year=abc",
            "year=99999",
            "year_from=2022&year_to=2020",
            "deadline_before=2021-02-30",
            "deadline_after=tomorrow",
            "sort=random",
            "level=galactic",
            "type=Recommendation",
        ] {
            let e = req(raw).unwrap_err();
            assert_eq!(e.code, "bad_parameter", "{raw}");
            assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
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
    }
}
