//! `edusearch similar`, `align`, `compare`.
//!
//! Human output shows word diffs inline: on a terminal deletions are red and struck through and
//! insertions green and underlined (unless `NO_COLOR` is set); when piped, `[-deleted-]` and
//! `{+inserted+}` as in `wdiff`. `--json` prints one JSON object.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::flags::SimilarFlags;
use crate::compare::service::{self, EntryComparison, SimilarResponse};
use crate::compare::{AlignOptions, Alignment, DiffOp, DiffToken, word_diff};
use crate::index::EntryIndex;

/// Arguments of `similar`.
#[derive(Debug, clap::Args)]
pub struct SimilarArgs {
    /// Entry id (its document part may be a unique prefix: `000/s1/b1/e1`).
    pub entry_id: String,
    /// The filters and limit (those of `/api/entries/{id}/similar`).
    #[command(flatten)]
    pub flags: SimilarFlags,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `align`.
#[derive(Debug, clap::Args)]
pub struct AlignArgs {
    /// Document whose entries are aligned (typically municipal); a unique prefix of its id is
    /// enough (`000`).
    pub from_doc: String,
    /// Document they are aligned to (typically regional); a unique prefix is enough.
    pub to_doc: String,
    /// Minimum similarity for a pair (0..=1).
    #[arg(long)]
    pub min_score: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// First entry id (its document part may be a unique prefix).
    pub a: String,
    /// Second entry id.
    pub b: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `similar`.
pub fn run_similar(index_dir: &Path, args: SimilarArgs) -> anyhow::Result<ExitCode> {
    let req = args.flags.request()?;
    let index = open(index_dir)?;
    let entry_id = service::resolve_entry_id(&index, &args.entry_id)?;
    let resp = service::similar_by_id(&index, &entry_id, &req)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        print_json(&mut out, &resp)?;
    } else {
        print_similar(&mut out, &resp)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `align`.
pub fn run_align(index_dir: &Path, args: AlignArgs) -> anyhow::Result<ExitCode> {
    let mut opts = AlignOptions::default();
    if let Some(m) = &args.min_score {
        opts.min_score = crate::search::params::fraction("min_score", m)?;
    }
    let index = open(index_dir)?;
    let from = service::resolve_doc_id(&index, &args.from_doc)?;
    let to = service::resolve_doc_id(&index, &args.to_doc)?;
    let alignment = service::align_by_id(&index, &from, &to, &opts)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        print_json(&mut out, &alignment)?;
    } else {
        print_alignment(&mut out, &alignment, Style::detect())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `compare`.
pub fn run_compare(index_dir: &Path, args: CompareArgs) -> anyhow::Result<ExitCode> {
    let index = open(index_dir)?;
    let a = service::resolve_entry_id(&index, &args.a)?;
    let b = service::resolve_entry_id(&index, &args.b)?;
    let cmp = service::compare_by_id(&index, &a, &b)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        print_json(&mut out, &cmp)?;
    } else {
        print_comparison(&mut out, &cmp, Style::detect())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Pretty JSON and a newline. Serialised first, so that a closed pipe surfaces as the plain
/// `io::Error` the error edge recognises (serde_json's writer error hides it).
fn print_json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    out.write_all(text.as_bytes())?;
    Ok(())
}

fn open(index_dir: &Path) -> anyhow::Result<EntryIndex> {
    EntryIndex::open(index_dir)
        .with_context(|| format!("cannot open the index at {}", index_dir.display()))
}

/// How diffs are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// ANSI colours.
    Colour,
    /// `[-deleted-]` / `{+inserted+}`.
    Plain,
}

impl Style {
    fn detect() -> Self {
        if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            Style::Colour
        } else {
            Style::Plain
        }
    }
}

/// Renders diff tokens as running text, grouping runs of the same operation.
fn render_diff(tokens: &[DiffToken], style: Style) -> String {
    let mut s = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let op = tokens[i].op;
        let run: String = tokens[i..]
            .iter()
            .take_while(|t| t.op == op)
            .map(|t| t.text.as_str())
            .collect();
        i += tokens[i..].iter().take_while(|t| t.op == op).count();
        let body = run.trim_end();
        let tail = &run[body.len()..];
        match (op, style) {
            (DiffOp::Equal, _) => s.push_str(&run),
            (DiffOp::Delete, Style::Colour) => {
                s.push_str(&format!("\x1b[31;9m{body}\x1b[0m{tail}"))
            }
            (DiffOp::Insert, Style::Colour) => {
                s.push_str(&format!("\x1b[32;4m{body}\x1b[0m{tail}"))
            }
            (DiffOp::Delete, Style::Plain) => s.push_str(&format!("[-{body}-]{tail}")),
            (DiffOp::Insert, Style::Plain) => s.push_str(&format!("{{+{body}+}}{tail}")),
        }
    }
    s
}

fn print_similar(out: &mut impl Write, resp: &SimilarResponse) -> std::io::Result<()> {
    writeln!(out, "Similar to {}: {}", resp.entry.id, resp.entry.text)?;
    if resp.similar.is_empty() {
        writeln!(out, "  (no similar entries in other documents)")?;
    }
    for s in &resp.similar {
        let e = &s.entry;
        let year = e.year.map(|y| y.to_string()).unwrap_or_else(|| "—".into());
        let region = e.region.as_deref().unwrap_or("—");
        writeln!(
            out,
            "\n{:.2}  {}  [{} · {region} · {year}] {}",
            s.score,
            e.id,
            serde_plain(&e.level),
            e.doc_title
        )?;
        writeln!(out, "      {}", e.text)?;
    }
    Ok(())
}

fn print_alignment(out: &mut impl Write, a: &Alignment, style: Style) -> std::io::Result<()> {
    let s = a.summary();
    writeln!(
        out,
        "{} → {}: {} identical, {} edited, {} related, {} added locally; {} not adopted\n",
        a.from_doc, a.to_doc, s.identical, s.edited, s.related, s.added, s.not_adopted
    )?;
    for p in &a.pairs {
        match (&p.to, p.relation) {
            (Some(to), Some(rel)) => {
                let changed = p
                    .changed
                    .map(|c| format!(", {:.0}% words changed", c * 100.0));
                writeln!(
                    out,
                    "[{} {:.2}{}] {} ← {}",
                    serde_plain(&rel),
                    p.score,
                    changed.unwrap_or_default(),
                    p.from.id,
                    to.id
                )?;
                // Regional wording → municipal wording: insertions are what the district added.
                writeln!(
                    out,
                    "  {}",
                    render_diff(&word_diff(&to.text, &p.from.text).tokens, style)
                )?;
                for also in &p.also {
                    writeln!(out, "  + merged with {}: {}", also.id, also.text)?;
                }
            }
            _ => {
                writeln!(out, "[added locally] {}", p.from.id)?;
                writeln!(out, "  {}", p.from.text)?;
            }
        }
    }
    if !a.unmatched_to.is_empty() {
        writeln!(out, "\nNot adopted from {}:", a.to_doc)?;
        for e in &a.unmatched_to {
            writeln!(out, "  {}  {}", e.id, e.text)?;
        }
    }
    Ok(())
}

fn print_comparison(
    out: &mut impl Write,
    c: &EntryComparison,
    style: Style,
) -> std::io::Result<()> {
    let rel = c
        .relation
        .map(|r| serde_plain(&r))
        .unwrap_or_else(|| "unrelated".into());
    writeln!(
        out,
        "{} → {}: similarity {:.2}, {rel}, {:.0}% words changed",
        c.a.id,
        c.b.id,
        c.score,
        c.diff.changed * 100.0
    )?;
    writeln!(out, "{}", render_diff(&c.diff.tokens, style))
}

/// The serde name of a unit enum value (`municipal`, `edited`).
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_diff_marks_runs() {
        let d = word_diff(
            "провести мониторинг служб медиации в Саратовской области.",
            "провести мониторинг служб медиации в районе.",
        );
        assert_eq!(
            render_diff(&d.tokens, Style::Plain),
            "провести мониторинг служб медиации в [-Саратовской области.-]{+районе.+}"
        );
        let coloured = render_diff(&d.tokens, Style::Colour);
        assert!(coloured.contains("\x1b[31;9mСаратовской области.\x1b[0m"));
        assert!(coloured.contains("\x1b[32;4mрайоне.\x1b[0m"));
    }
}
