//! Deadlines written as periods, which end on their last day: «с 5 по 11 ноября 2007 года»,
//! «с 30 марта по 20 апреля 2015 года», and month ranges of plan tables («июль - август
//! 2015» → 31 August 2015). Consulted after `enrich::deadline`, which reads the «до …» forms.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use crate::model::Deadline;
use crate::ru_date;

const MONTHS_NOMINATIVE: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];

static PERIOD: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let months = ru_date::months_alternation();
    Regex::new(&format!(
        r"(?i)(?:^|[^\p{{L}}])с\s+\d{{1,2}}(?:\s+(?:{months}))?\s+по\s+(\d{{1,2}})\s+({months})\s+(\d{{4}})(?:\s*(?:года|г\.))?"
    ))
    .ok()
});

static MONTH_RANGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let months = MONTHS_NOMINATIVE.join("|");
    Regex::new(&format!(
        r"(?i)^\s*(?:{months})\s*[-–—]\s*({months})\s+(\d{{4}})(?:\s*(?:года|г\.))?\s*$"
    ))
    .ok()
});

/// The end of a period or month range written in `text`, if any.
pub(super) fn period_end(text: &str) -> Option<Deadline> {
    if let Some(c) = PERIOD.as_ref()?.captures(text) {
        let date = NaiveDate::from_ymd_opt(
            c[3].parse().ok()?,
            ru_date::month_number(&c[2])?,
            c[1].parse().ok()?,
        )?;
        let whole = c.get(0)?.as_str();
        let start = whole.find(['с', 'С']).unwrap_or(0);
        return Some(Deadline {
            date,
            text: whole[start..].trim().to_string(),
        });
    }
    let c = MONTH_RANGE.as_ref()?.captures(text)?;
    let month = MONTHS_NOMINATIVE
        .iter()
        .position(|m| *m == c[1].to_lowercase())?;
    let year: i32 = c[2].parse().ok()?;
    let first = NaiveDate::from_ymd_opt(year, u32::try_from(month + 1).ok()?, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let date = next.pred_opt()?;
    debug_assert_eq!(date.month(), first.month());
    Some(Deadline {
        date,
        text: text.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_end_on_their_last_day() {
        let d =
            period_end("Организовать в период осенних каникул с 5 по 11 ноября 2007 года лагеря");
        assert_eq!(
            d.as_ref().map(|d| d.date),
            NaiveDate::from_ymd_opt(2007, 11, 11)
        );
        assert_eq!(
            d.map(|d| d.text).as_deref(),
            Some("с 5 по 11 ноября 2007 года")
        );
        let d = period_end("Провести с 30 марта по 20 апреля 2015 года выставку");
        assert_eq!(d.map(|d| d.date), NaiveDate::from_ymd_opt(2015, 4, 20));
        let d = period_end("июль - август 2015");
        assert_eq!(d.map(|d| d.date), NaiveDate::from_ymd_opt(2015, 8, 31));
        assert!(period_end("Ввести в действие с 01.01.2004 Положение").is_none());
    }
}
