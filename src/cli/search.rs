//! `edusearch search QUERY [filters] [--json]`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use super::flags::SearchFlags;
use crate::index::EntryIndex;
use crate::search::params::ParamError;
use crate::search::{FacetCount, SearchRequest, SearchResponse};
use crate::vocabulary::Facet;

/// Arguments of `search`: the query and the flags of `/api/search` (see [`SearchFlags`]).
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query and filters.
    #[command(flatten)]
    pub flags: SearchFlags,
    /// Year range A..B (inclusive): --year-from A --year-to B.
    #[arg(long)]
    pub years: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `A..B` (also `A-B`) as the `year_from` and `year_to` parameters.
fn years_range(s: &str) -> Result<[(String, String); 2], ParamError> {
    let (a, b) = s
        .split_once("..")
        .or_else(|| s.split_once('-'))
        .ok_or_else(|| {
            ParamError::bad(
                format!("years: '{s}' is not a range A..B, e.g. 2020..2021"),
                format!("years: «{s}» — не диапазон А..Б, например 2020..2021"),
            )
        })?;
    Ok([
        ("year_from".to_owned(), a.trim().to_owned()),
        ("year_to".to_owned(), b.trim().to_owned()),
    ])
}

/// Builds the checked request (the same checks as `/api/search`).
pub(super) fn request(args: &SearchArgs) -> Result<SearchRequest, ParamError> {
    let mut flags = args.flags.clone();
    if let Some(r) = &args.years {
        flags.0.extend(years_range(r)?);
    }
    flags.request()
}

/// Runs `search`.
pub fn run(index_dir: &Path, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let req = request(&args)?;
    let index = EntryIndex::open(index_dir)?;
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
            e.entry_type.as_str(),
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
    for &facet in Facet::ALL {
        print_facet(out, facet.key(), f.get(facet), bold, reset)?;
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

    fn years(s: &str) -> Result<SearchRequest, ParamError> {
        request(&SearchArgs {
            flags: SearchFlags::default(),
            years: Some(s.into()),
            json: false,
        })
    }

    #[test]
    fn year_ranges() {
        let r = years("2020..2021").unwrap_or_default();
        assert_eq!((r.year_from, r.year_to), (Some(2020), Some(2021)));
        let r = years("2020-2021").unwrap_or_default();
        assert_eq!((r.year_from, r.year_to), (Some(2020), Some(2021)));
        for bad in ["2021..2020", "abc", "1000..2000"] {
            assert_eq!(
                years(bad).err().map(|e| e.code),
                Some("bad_parameter"),
                "{bad}"
            );
        }
    }

    #[test]
    fn snippets_for_terminals() {
        let s = "a <mark>b</mark> &lt;c&gt; &amp;";
        assert_eq!(terminal_snippet(s, false), "a [b] <c> &");
    }
}
