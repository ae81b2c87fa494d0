//! CLI flags of `search`, `similar` and `documents`, generated from the [`Param`] vocabulary: one flag per
//! parameter of the endpoint (`year_from` → `--year-from`, aliases as visible aliases), every one
//! taking its value as text. The values are checked by [`crate::search::params::request`], the
//! function `/api/search` and `/similar` use, so the CLI and the API give the same verdicts.

use clap::{Arg, ArgAction, ArgMatches, Command};

use crate::search::SearchRequest;
use crate::search::params::{Pairs, ParamError, request};
use crate::vocabulary::{Endpoint, Param, ValueKind};

/// Defines a flag set for one endpoint.
macro_rules! flag_set {
    ($(#[$doc:meta])* $name:ident, $endpoint:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name(pub Vec<(String, String)>);

        impl $name {
            /// The endpoint the flags belong to.
            pub const ENDPOINT: Endpoint = $endpoint;

            /// The checked request (the same function as the API's).
            pub fn request(&self) -> Result<SearchRequest, ParamError> {
                checked(&self.0, Self::ENDPOINT)
            }
        }

        impl clap::FromArgMatches for $name {
            fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
                Ok($name(given(m, Self::ENDPOINT)))
            }
            fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
                self.0.extend(given(m, Self::ENDPOINT));
                Ok(())
            }
        }

        impl clap::Args for $name {
            fn augment_args(cmd: Command) -> Command {
                augment(cmd, Self::ENDPOINT)
            }
            fn augment_args_for_update(cmd: Command) -> Command {
                augment(cmd, Self::ENDPOINT)
            }
        }
    };
}

flag_set!(
    /// The query and flags of `edusearch search` (those of `/api/search`).
    SearchFlags,
    Endpoint::Search
);
flag_set!(
    /// The flags of `edusearch similar` (those of `/api/entries/{id}/similar`).
    SimilarFlags,
    Endpoint::Similar
);
flag_set!(
    /// The words and flags of `edusearch documents` (those of `GET /api/documents`).
    DocumentFlags,
    Endpoint::Documents
);

/// Adds one argument per parameter of `endpoint`: the query positional, the rest flags.
fn augment(mut cmd: Command, endpoint: Endpoint) -> Command {
    for p in Param::of(endpoint) {
        let arg = Arg::new(p.name())
            .help(help(p, endpoint))
            .action(ArgAction::Append)
            .num_args(1);
        let arg = if p.flag().is_empty() {
            // One positional: a second one is a usage error, as before.
            arg.value_name("QUERY").action(ArgAction::Set)
        } else {
            let arg = arg.long(p.flag()).value_name(value_name(p));
            p.aliases()
                .iter()
                .fold(arg, |arg, alias| arg.visible_alias(*alias))
        };
        cmd = cmd.arg(arg);
    }
    cmd
}

/// `help (Метка)`, the values of closed sets with their labels, repetition.
fn help(p: Param, endpoint: Endpoint) -> String {
    let mut text = format!("{} ({})", p.help_at(endpoint), p.label_ru());
    if let Some(list) = p.values_list() {
        text.push_str(&format!(": {list}"));
    }
    if p.repeatable() {
        text.push_str("; repeatable");
    }
    text
}

fn value_name(p: Param) -> &'static str {
    match p.kind() {
        ValueKind::Year => "YEAR",
        ValueKind::Date => "YYYY-MM-DD",
        ValueKind::Count { .. } => "N",
        ValueKind::Bool => "BOOL",
        ValueKind::Term(_) => "VALUE",
        ValueKind::Query | ValueKind::Text => "TEXT",
    }
}

/// The values given on the command line, as `name=value` pairs.
fn given(m: &ArgMatches, endpoint: Endpoint) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for p in Param::of(endpoint) {
        if let Ok(Some(values)) = m.try_get_many::<String>(p.name()) {
            pairs.extend(values.map(|v| (p.name().to_owned(), v.clone())));
        }
    }
    pairs
}

/// The pairs checked like a query string.
pub fn checked(
    given: &[(String, String)],
    endpoint: Endpoint,
) -> Result<SearchRequest, ParamError> {
    let mut pairs = Pairs::default();
    for (name, value) in given {
        pairs.push(name.clone(), value.clone())?;
    }
    request(&pairs, endpoint)
}

/// The help of a command, as printed by `--help` (for tests of the vocabulary).
pub fn help_of(command: &str) -> String {
    use clap::CommandFactory;
    let mut cli = super::Cli::command();
    cli.find_subcommand_mut(command)
        .map(|c| c.render_long_help().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command as Cmd};
    use crate::model::{EntryType, Level};

    fn search(args: &[&str]) -> Result<SearchRequest, ParamError> {
        let cli = Cli::try_parse_from(["edusearch", "search"].iter().chain(args))
            .map_err(|e| ParamError::bad(e.to_string(), e.to_string()))?;
        match cli.command {
            Cmd::Search(a) => a.flags.request(),
            _ => Err(ParamError::bad(String::new(), String::new())),
        }
    }

    #[test]
    fn flags_become_the_checked_request() {
        let r = search(&[
            "школа",
            "--level",
            "Municipal",
            "--level",
            "regional",
            "--type",
            "finding",
            "--year-from",
            "2020",
        ])
        .unwrap_or_default();
        assert_eq!(r.q, "школа");
        assert_eq!(r.level, [Level::Municipal, Level::Regional]);
        assert_eq!(r.entry_type, [EntryType::Finding]);
        assert_eq!(r.year_from, Some(2020));
        assert_eq!(
            search(&["--limit", "0"]).err().map(|e| e.code),
            Some("bad_parameter")
        );
        assert_eq!(
            search(&["--limit", "1", "--limit", "2"])
                .err()
                .map(|e| e.code),
            Some("repeated_parameter")
        );
    }

    #[test]
    fn help_lists_every_flag_with_labels() {
        let help = help_of("search");
        for p in Param::of(Endpoint::Search).filter(|p| !p.flag().is_empty()) {
            assert!(help.contains(&format!("--{}", p.flag())), "{p:?}\n{help}");
            assert!(help.contains(p.label_ru()), "{p:?}");
        }
        assert!(help.contains("--type") && help.contains("Муниципальный"));
    }
}
