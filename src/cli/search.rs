//! `edusearch search QUERY [filters] [--json]`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::index::EntryIndex;
use crate::model::Role;
use crate::search::{FacetCount, MAX_LIMIT, MAX_OFFSET, SearchRequest, SearchResponse, SortOrder};

/// Arguments of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "exact phrase", -excluded.
    #[arg(default_value = "")]
    pub query: String,
    /// Addressee role (e.g. school_heads) or canonical name; repeatable.
    #[arg(long)]
    pub addressee: Vec<String>,
    /// Year.
    #[arg(long, conflicts_with = "years")]
    pub year: Option<i32>,
    /// Year range A..B (inclusive).
    #[arg(long)]
    pub years: Option<String>,
    /// Session topic; repeatable.
    #[arg(long)]
    pub topic: Vec<String>,
    /// Level: federal, regional, municipal.
    #[arg(long)]
    pub level: Option<String>,
    /// Kind: resolution, order, decision, other.
    #[arg(long)]
    pub kind: Option<String>,
    /// Region.
    #[arg(long)]
    pub region: Option<String>,
    /// Entry type: recommendation, finding, provision.
    #[arg(long = "type")]
    pub entry_type: Option<String>,
    /// Only entries with a deadline before this date (YYYY-MM-DD).
    #[arg(long)]
    pub deadline_before: Option<String>,
    /// Number of hits.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// relevance | date | deadline.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Parses a `snake_case` enum value, or explains which values are allowed.
fn parse_enum<T: DeserializeOwned>(flag: &str, value: &str, allowed: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_lowercase()))
        .map_err(|_| anyhow::anyhow!("invalid --{flag} «{value}»: expected one of {allowed}"))
}

/// Parses `A..B` (also `A-B`) into an inclusive year range.
fn parse_years(s: &str) -> anyhow::Result<(i32, i32)> {
    let (a, b) = s
        .split_once("..")
        .or_else(|| s.split_once('-'))
        .with_context(|| format!("invalid --years «{s}»: expected A..B, e.g. 2020..2021"))?;
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))
            .with_context(|| format!("invalid --years «{s}»: «{t}» is not a year"))
    };
    let (a, b) = (year(a)?, year(b)?);
    if a > b {
        bail!("invalid --years «{s}»: the first year is after the last");
    }
    Ok((a, b))
}

/// Builds the request, validating every argument.
pub(super) fn request(args: &SearchArgs) -> anyhow::Result<SearchRequest> {
    if args.limit == 0 || args.limit > MAX_LIMIT {
        bail!("invalid --limit {}: expected 1..={MAX_LIMIT}", args.limit);
    }
    if args.offset > MAX_OFFSET {
        bail!(
            "invalid --offset {}: expected at most {MAX_OFFSET}",
            args.offset
        );
    }
    let mut req = SearchRequest {
        q: args.query.clone(),
        addressee: args.addressee.clone(),
        topic: args.topic.clone(),
        limit: args.limit,
        offset: args.offset,
        ..SearchRequest::default()
    };
    if let Some(y) = args.year {
        req.year = vec![y];
    }
    if let Some(r) = &args.years {
        let (a, b) = parse_years(r)?;
        req.year_from = Some(a);
        req.year_to = Some(b);
    }
    if let Some(v) = &args.level {
        req.level = vec![parse_enum("level", v, "federal, regional, municipal")?];
    }
    if let Some(v) = &args.kind {
        req.kind = vec![parse_enum("kind", v, "resolution, order, decision, other")?];
    }
    if let Some(v) = &args.entry_type {
        req.entry_type = vec![parse_enum("type", v, "recommendation, finding, provision")?];
    }
    if let Some(r) = &args.region {
        req.region = vec![r.clone()];
    }
    if let Some(d) = &args.deadline_before {
        let date = NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .with_context(|| format!("invalid --deadline-before «{d}»: expected YYYY-MM-DD"))?;
        req.deadline_before = Some(date);
    }
    req.sort = parse_enum::<SortOrder>("sort", &args.sort, "relevance, date, deadline")?;
    Ok(req)
}

/// Checks that every `--addressee` is a role id or a canonical name present in the index.
pub(super) fn check_addressees(index: &EntryIndex, values: &[String]) -> anyhow::Result<()> {
    if values.iter().all(|v| Role::parse(v.trim()).is_some()) {
        return Ok(());
    }
    let facets = index.facets()?;
    let fold = |s: &str| crate::analysis::fold(s.trim());
    for v in values {
        if Role::parse(v.trim()).is_some() {
            continue;
        }
        let known = facets.addressee.iter().any(|f| {
            f.value
                .trim_start_matches('/')
                .split_once('/')
                .is_some_and(|(_, name)| fold(name) == fold(v))
        });
        if !known {
            let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            bail!(
                "unknown --addressee «{v}»: use a role ({}) or a canonical name listed in the addressee facet",
                roles.join(", ")
            );
        }
    }
    Ok(())
}

/// Runs `search`.
pub fn run(index_dir: &Path, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let req = request(&args)?;
    let index = EntryIndex::open(index_dir)?;
    check_addressees(&index, &req.addressee)?;
    let resp = index.search(&req)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &resp)?;
        writeln!(out)?;
    } else {
        let color = std::io::stdout().is_terminal();
        print_human(&mut out, &req, &resp, color)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns a snippet's `<mark>` into terminal bold colour (or `[…]`) and unescapes HTML.
fn terminal_snippet(snippet: &str, color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    snippet
        .replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn print_human(
    out: &mut impl Write,
    req: &SearchRequest,
    resp: &SearchResponse,
    color: bool,
) -> anyhow::Result<()> {
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    writeln!(
        out,
        "{} entries found ({:.1} ms){}",
        resp.total,
        resp.took_ms,
        if resp.hits.is_empty() {
            String::new()
        } else {
            format!(
                ", showing {}–{}",
                req.offset + 1,
                req.offset + resp.hits.len()
            )
        }
    )?;
    for (i, hit) in resp.hits.iter().enumerate() {
        let e = &hit.entry;
        writeln!(out)?;
        let number = e
            .number
            .as_deref()
            .map(|n| format!("п. {n} "))
            .unwrap_or_default();
        writeln!(
            out,
            "{bold}{}. {number}[{}]{reset}{}",
            req.offset + i + 1,
            serde_json::to_value(e.entry_type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            if hit.score > 0.0 {
                format!("  score {:.2}", hit.score)
            } else {
                String::new()
            }
        )?;
        writeln!(out, "   {}", terminal_snippet(&hit.snippet, color))?;
        if !e.addressees.is_empty() {
            let names: Vec<String> = e
                .addressees
                .iter()
                .map(|a| format!("{} ({})", a.canonical, a.role.as_str()))
                .collect();
            writeln!(out, "   addressees: {}", names.join("; "))?;
        }
        if let Some(t) = &e.topic {
            writeln!(out, "   topic: {t}")?;
        }
        let mut line = Vec::new();
        if let Some(y) = e.year {
            line.push(format!("year: {y}"));
        }
        if let Some(d) = e.deadline {
            let text = e.deadline_text.as_deref().unwrap_or("");
            line.push(format!("deadline: {d} ({text})"));
        }
        if !line.is_empty() {
            writeln!(out, "   {}", line.join("   "))?;
        }
        writeln!(out, "   document: {} [{}]", e.doc_title, e.id)?;
    }
    writeln!(out)?;
    let f = &resp.facets;
    for (name, values) in [
        ("addressee", &f.addressee),
        ("year", &f.year),
        ("topic", &f.topic),
        ("level", &f.level),
        ("kind", &f.kind),
        ("region", &f.region),
        ("type", &f.entry_type),
    ] {
        print_facet(out, name, values, bold, reset)?;
    }
    Ok(())
}

fn print_facet(
    out: &mut impl Write,
    name: &str,
    values: &[FacetCount],
    bold: &str,
    reset: &str,
) -> anyhow::Result<()> {
    const SHOWN: usize = 12;
    if values.is_empty() {
        return Ok(());
    }
    writeln!(out, "{bold}{name}{reset}")?;
    for v in values.iter().take(SHOWN) {
        writeln!(out, "  {:>6}  {}", v.count, v.value)?;
    }
    if values.len() > SHOWN {
        writeln!(out, "  … {} more", values.len() - SHOWN)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_ranges() {
        assert_eq!(parse_years("2020..2021").unwrap(), (2020, 2021));
        assert_eq!(parse_years("2020-2021").unwrap(), (2020, 2021));
        assert!(parse_years("2021..2020").is_err());
        assert!(parse_years("abc").is_err());
    }

    #[test]
    fn snippets_for_terminals() {
        let s = "a <mark>b</mark> &lt;c&gt; &amp;";
        assert_eq!(terminal_snippet(s, false), "a [b] <c> &");
    }
}
