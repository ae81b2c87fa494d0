//! The vocabulary of filters and facets, defined once.
//!
//! - [`terms!`](crate::terms) declares a closed set of values (document kinds, levels, entry types,
//!   roles, sort orders): one line per value gives its identifier (JSON, query strings, CLI flags,
//!   OpenAPI enum) and its Russian label; `as_str`, `label_ru`, `FromStr` (trimmed, any case) and
//!   `ALL` follow from that line.
//! - [`Facet`] lists the facets a search counts and filters by, each with its parameter, the key of
//!   its counts in [`Facets`](crate::search::Facets), its Russian label and the values it accepts.
//! - [`Param`] lists every parameter of a search (facets and the rest), with its aliases and the
//!   endpoints that take it; the checked request of [`crate::search::params`], the CLI flags, the
//!   OpenAPI parameters and `/api/facets`' `vocabulary` are all built from it.

use serde::Serialize;

use crate::model::{DocKind, EntryType, Level, Role};
use crate::search::{MAX_LIMIT, MAX_OFFSET, SortOrder};

/// A closed set of values declared with [`terms!`](crate::terms).
pub trait Term: Copy + std::str::FromStr + 'static {
    /// Every value, in the declared order.
    const ALL: &'static [Self];
    /// The identifier (`snake_case`) used in JSON, query strings and CLI flags.
    fn as_str(self) -> &'static str;
    /// Russian label for user interfaces.
    fn label_ru(self) -> &'static str;
}

/// A value that is not one of a [`Term`]'s identifiers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value '{value}'; accepted: {accepted}")]
pub struct UnknownValue {
    /// The value as given.
    pub value: String,
    /// The accepted identifiers, comma-separated.
    pub accepted: String,
    /// The accepted identifiers with their Russian labels, comma-separated.
    pub accepted_ru: String,
}

impl UnknownValue {
    /// The error for `value`, listing the values of `T`.
    pub fn of<T: Term>(value: &str) -> UnknownValue {
        UnknownValue {
            value: value.to_owned(),
            accepted: ids::<T>().join(", "),
            accepted_ru: labelled::<T>().join(", "),
        }
    }
}

/// The identifiers of `T`, in order.
pub fn ids<T: Term>() -> Vec<&'static str> {
    T::ALL.iter().map(|t| t.as_str()).collect()
}

/// `«id» (Label)` for every value of `T`, in order (identifiers quoted, as in every Russian message).
fn labelled<T: Term>() -> Vec<String> {
    T::ALL
        .iter()
        .map(|t| format!("«{}» ({})", t.as_str(), t.label_ru()))
        .collect()
}

/// Parses an identifier of `T`: surrounding spaces are ignored, and so is case.
pub fn parse_term<T: Term>(value: &str) -> Result<T, UnknownValue> {
    let wanted = value.trim().to_lowercase();
    T::ALL
        .iter()
        .copied()
        .find(|t| t.as_str() == wanted)
        .ok_or_else(|| UnknownValue::of::<T>(value))
}

/// Declares a closed set of values: an enum whose variants serialise to their identifiers, with
/// [`Term`] (`ALL`, `as_str`, `label_ru`), `FromStr` and `Display`.
///
/// Adding a value is one line in the invocation: `/// doc` `Variant = "identifier", "Метка";`.
#[macro_export]
macro_rules! terms {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            // `tt`, not `literal`: utoipa reads the `rename` only from a plain token.
            $( $(#[$vmeta:meta])* $variant:ident = $id:tt, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            utoipa::ToSchema, Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, PartialOrd, Ord,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $id)] $variant, )+
        }

        impl $name {
            /// Every value, in the declared order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The identifier used in JSON, query strings and CLI flags.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $id,)+ }
            }

            /// Russian label for user interfaces.
            pub const fn label_ru(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl $crate::vocabulary::Term for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn label_ru(self) -> &'static str {
                $name::label_ru(self)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocabulary::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::vocabulary::parse_term(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Where a parameter is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/api/search` and `edusearch search`.
    Search,
    /// `/api/entries/{id}/similar` and `edusearch similar`: the filters and `limit`.
    Similar,
    /// `GET /api/documents`: words of the documents' titles, places and ids, the document
    /// filters (year, level, kind, region) and paging.
    Documents,
}

/// What values a parameter takes.
#[derive(Debug, Clone, Copy)]
pub enum ValueKind {
    /// Free text (the query: up to [`crate::search::params::MAX_QUERY_CHARS`] characters).
    Query,
    /// Free text (up to [`crate::search::params::MAX_VALUE_CHARS`] characters).
    Text,
    /// A year in [`crate::search::params::YEARS`].
    Year,
    /// A date `YYYY-MM-DD`.
    Date,
    /// A whole number in the given inclusive range.
    Count {
        /// Smallest accepted.
        min: usize,
        /// Largest accepted.
        max: usize,
    },
    /// `true`, `false`, `1`, `0`.
    Bool,
    /// One of a closed set: the identifiers and Russian labels.
    Term(fn() -> Vec<(&'static str, &'static str)>),
}

/// Identifiers and labels of a [`Term`], for [`ValueKind::Term`].
fn values_of<T: Term>() -> Vec<(&'static str, &'static str)> {
    T::ALL.iter().map(|t| (t.as_str(), t.label_ru())).collect()
}

macro_rules! params {
    ( $( $(#[$doc:meta])* $variant:ident = $name:literal, flag $flag:literal, aliases [$($alias:literal),*],
         $repeat:ident, [$($endpoint:ident),*], $kind:expr, $help:literal, $label:literal; )+ ) => {
        /// A parameter of a search (query-string name = CLI flag without `--`, `_` as `-`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Param {
            $( $(#[$doc])* $variant, )+
        }

        impl Param {
            /// Every parameter, in documentation order.
            pub const ALL: &'static [Param] = &[$(Param::$variant),+];

            /// The query-string name.
            pub const fn name(self) -> &'static str {
                match self { $(Param::$variant => $name,)+ }
            }

            /// The CLI flag without `--` (empty: a positional argument).
            pub const fn flag(self) -> &'static str {
                match self { $(Param::$variant => $flag,)+ }
            }

            /// Other names accepted for the parameter (older spellings).
            pub const fn aliases(self) -> &'static [&'static str] {
                match self { $(Param::$variant => &[$($alias),*],)+ }
            }

            /// Whether the parameter may be given several times (any of the values).
            pub const fn repeatable(self) -> bool {
                match self { $(Param::$variant => params!(@repeat $repeat),)+ }
            }

            /// The endpoints that take the parameter.
            pub const fn endpoints(self) -> &'static [Endpoint] {
                match self { $(Param::$variant => &[$(Endpoint::$endpoint),*],)+ }
            }

            /// What values it takes.
            pub fn kind(self) -> ValueKind {
                match self { $(Param::$variant => $kind,)+ }
            }

            /// One-line description (English; CLI help and OpenAPI).
            pub const fn help(self) -> &'static str {
                match self { $(Param::$variant => $help,)+ }
            }

            /// Russian label.
            pub const fn label_ru(self) -> &'static str {
                match self { $(Param::$variant => $label,)+ }
            }
        }
    };
    (@repeat repeatable) => { true };
    (@repeat single) => { false };
}

params! {
    /// Free text: words, `"phrases"`, `-excluded` words.
    Q = "q", flag "", aliases [], single, [Search, Documents], ValueKind::Query,
        "Free text: words, \"exact phrases\", -excluded words; empty browses in document order",
        "Запрос";
    /// Addressee role or canonical name.
    Addressee = "addressee", flag "addressee", aliases [], repeatable, [Search, Similar], ValueKind::Text,
        "Addressee: a role id (school_heads) or a canonical name as listed in the addressee facet",
        "Адресат";
    /// Year of the document.
    Year = "year", flag "year", aliases [], repeatable, [Search, Similar, Documents], ValueKind::Year,
        "Year of the document", "Год";
    /// Inclusive lower bound of the year.
    YearFrom = "year_from", flag "year-from", aliases [], single, [Search, Similar, Documents], ValueKind::Year,
        "Inclusive lower bound of the year", "Год с";
    /// Inclusive upper bound of the year.
    YearTo = "year_to", flag "year-to", aliases [], single, [Search, Similar, Documents], ValueKind::Year,
        "Inclusive upper bound of the year", "Год по";
    /// Session topic.
    Topic = "topic", flag "topic", aliases [], repeatable, [Search, Similar], ValueKind::Text,
        "Session topic, as listed in the topic facet", "Тема сессии";
    /// Level of the document.
    Level = "level", flag "level", aliases [], repeatable, [Search, Similar, Documents],
        ValueKind::Term(values_of::<Level>), "Level of the document", "Уровень";
    /// Kind of the document.
    Kind = "kind", flag "kind", aliases [], repeatable, [Search, Similar, Documents],
        ValueKind::Term(values_of::<DocKind>), "Kind of the document", "Вид документа";
    /// Region of the document.
    Region = "region", flag "region", aliases [], repeatable, [Search, Similar, Documents], ValueKind::Text,
        "Region of the document, as listed in the region facet", "Регион";
    /// Entry type.
    EntryType = "entry_type", flag "entry-type", aliases ["type"], repeatable, [Search, Similar],
        ValueKind::Term(values_of::<EntryType>), "Entry type", "Тип записи";
    /// Deadline strictly before a date.
    DeadlineBefore = "deadline_before", flag "deadline-before", aliases [], single, [Search, Similar],
        ValueKind::Date, "Only entries with a deadline before this date (YYYY-MM-DD)", "Срок до";
    /// Deadline on or after a date.
    DeadlineAfter = "deadline_after", flag "deadline-after", aliases [], single, [Search, Similar],
        ValueKind::Date, "Only entries with a deadline on or after this date (YYYY-MM-DD)", "Срок с";
    /// Page size.
    Limit = "limit", flag "limit", aliases [], single, [Search, Similar, Documents],
        ValueKind::Count { min: 1, max: MAX_LIMIT }, "Number of results", "Количество";
    /// Results skipped.
    Offset = "offset", flag "offset", aliases [], single, [Search, Documents],
        ValueKind::Count { min: 0, max: MAX_OFFSET }, "Results to skip", "Пропустить";
    /// Order of the results.
    Sort = "sort", flag "sort", aliases [], single, [Search],
        ValueKind::Term(values_of::<SortOrder>), "Order of the results", "Порядок";
    /// Whether facet counts are wanted.
    Facets = "facets", flag "facets", aliases [], single, [Search], ValueKind::Bool,
        "false leaves the facet counts out (smaller, cheaper answers)", "Подсчёт фасетов";
}

impl Param {
    /// The parameter called `name` (or one of its aliases).
    pub fn named(name: &str) -> Option<Param> {
        Param::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name || p.aliases().contains(&name))
    }

    /// Whether `endpoint` takes the parameter.
    pub fn takes(self, endpoint: Endpoint) -> bool {
        self.endpoints().contains(&endpoint)
    }

    /// The parameters `endpoint` takes, in documentation order.
    pub fn of(endpoint: Endpoint) -> impl Iterator<Item = Param> {
        Param::ALL
            .iter()
            .copied()
            .filter(move |p| p.takes(endpoint))
    }

    /// The description of the parameter at `endpoint` (the query's words mean other things
    /// for a list of documents than for a search).
    pub const fn help_at(self, endpoint: Endpoint) -> &'static str {
        match (self, endpoint) {
            (Param::Q, Endpoint::Documents) => {
                "Words of the documents listed, separated by spaces: each a part of the title, \
                 place, id, file name, kind, year or date DD.MM.YYYY (case and ё ignored); empty \
                 lists every document"
            }
            _ => self.help(),
        }
    }

    /// `id (Label), …` for a closed set; `None` for other kinds.
    pub fn values_list(self) -> Option<String> {
        let values = self.values();
        let list: Vec<String> = values
            .iter()
            .map(|(id, label)| format!("{id} ({label})"))
            .collect();
        (!list.is_empty()).then(|| list.join(", "))
    }

    /// The accepted values of a closed set (identifier, Russian label); empty for other kinds.
    pub fn values(self) -> Vec<(&'static str, &'static str)> {
        match self.kind() {
            ValueKind::Term(values) => values(),
            _ => Vec::new(),
        }
    }
}

crate::terms! {
    /// A facet: a dimension the search counts entries by and filters on.
    pub enum Facet {
        /// Addressees: `/role` and `/role/canonical name`.
        Addressee = "addressee", "Адресат";
        /// Year of the document.
        Year = "year", "Год";
        /// Session topic.
        Topic = "topic", "Тема сессии";
        /// Level of the document.
        Level = "level", "Уровень";
        /// Kind of the document.
        Kind = "kind", "Вид документа";
        /// Region of the document.
        Region = "region", "Регион";
        /// Entry type.
        EntryType = "entry_type", "Тип записи";
    }
}

impl Facet {
    /// The parameter that filters by the facet.
    pub const fn param(self) -> Param {
        match self {
            Facet::Addressee => Param::Addressee,
            Facet::Year => Param::Year,
            Facet::Topic => Param::Topic,
            Facet::Level => Param::Level,
            Facet::Kind => Param::Kind,
            Facet::Region => Param::Region,
            Facet::EntryType => Param::EntryType,
        }
    }

    /// The key of the facet's counts in [`crate::search::Facets`] (its JSON field).
    pub const fn key(self) -> &'static str {
        self.as_str()
    }

    /// Position of the facet in [`Facet::ALL`] (the index's dimension number).
    pub const fn dim(self) -> usize {
        self as usize
    }
}

/// One facet as described by `/api/facets`' `vocabulary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FacetInfo {
    /// The facet's identifier.
    pub facet: &'static str,
    /// The query parameter that filters by it.
    pub param: &'static str,
    /// The key of its counts in the facet object.
    pub key: &'static str,
    /// Russian label.
    pub label_ru: &'static str,
    /// Whether the parameter may be given several times (any of the values).
    pub repeatable: bool,
    /// Other accepted names of the parameter.
    pub aliases: &'static [&'static str],
    /// The accepted values when the set is closed (empty: values as counted in the facet).
    pub values: Vec<ValueInfo>,
}

/// A value of a closed facet with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ValueInfo {
    /// The identifier.
    pub value: &'static str,
    /// Russian label.
    pub label_ru: &'static str,
}

/// Every facet, described for clients (labels of filters and values).
///
/// Addressee roles are listed as the facet's values: the `/role` level of its counts.
pub fn facets() -> Vec<FacetInfo> {
    Facet::ALL
        .iter()
        .map(|&f| {
            let param = f.param();
            let values = match f {
                Facet::Addressee => values_of::<Role>(),
                _ => param.values(),
            };
            FacetInfo {
                facet: f.as_str(),
                param: param.name(),
                key: f.key(),
                label_ru: f.label_ru(),
                repeatable: param.repeatable(),
                aliases: param.aliases(),
                values: values
                    .into_iter()
                    .map(|(value, label_ru)| ValueInfo { value, label_ru })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_parse_in_any_case_and_list_the_values() {
        assert_eq!("Municipal".parse::<Level>(), Ok(Level::Municipal));
        assert_eq!(" order ".parse::<DocKind>(), Ok(DocKind::Order));
        let e = "district".parse::<Level>().unwrap_err();
        assert_eq!(e.accepted, "federal, regional, municipal");
        assert!(e.accepted_ru.contains("«municipal» (Муниципальный)"));
    }

    #[test]
    fn serde_uses_the_identifiers() {
        for &k in DocKind::ALL {
            let json = serde_json::to_value(k).unwrap_or_default();
            assert_eq!(json, k.as_str());
        }
        for &r in Role::ALL {
            assert_eq!(serde_json::to_value(r).unwrap_or_default(), r.as_str());
        }
    }

    #[test]
    fn every_facet_has_a_parameter_taken_by_both_endpoints() {
        for &f in Facet::ALL {
            assert_eq!(Param::named(f.param().name()), Some(f.param()));
            assert!(f.param().takes(Endpoint::Search) && f.param().takes(Endpoint::Similar));
        }
        assert_eq!(Param::named("type"), Some(Param::EntryType));
        assert_eq!(Facet::ALL[Facet::Region.dim()], Facet::Region);
    }

    #[test]
    fn names_and_aliases_are_unique() {
        let mut names: Vec<&str> = Param::ALL
            .iter()
            .flat_map(|p| std::iter::once(p.name()).chain(p.aliases().iter().copied()))
            .collect();
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n);
    }
}
