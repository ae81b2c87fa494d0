//! Russian month names in dates («30 ноября 2021 года»): one table for every stage that
//! reads dates (document metadata, deadlines).

/// Month names in the genitive («ноября»), as written in dates, January first.
pub const MONTHS_GENITIVE: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// The month names as a regex alternation («января|февраля|…»), for use inside a group.
pub fn months_alternation() -> String {
    MONTHS_GENITIVE.join("|")
}

/// The number (1–12) of a month name in the genitive, in any letter case.
pub fn month_number(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    MONTHS_GENITIVE
        .iter()
        .position(|m| *m == name)
        .and_then(|i| u32::try_from(i + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_names_map_to_numbers() {
        assert_eq!(month_number("января"), Some(1));
        assert_eq!(month_number("Ноября"), Some(11));
        assert_eq!(month_number("ДЕКАБРЯ"), Some(12));
        assert_eq!(month_number("ноябрь"), None);
        assert_eq!(month_number(""), None);
        assert!(months_alternation().starts_with("января|февраля|"));
    }
}
