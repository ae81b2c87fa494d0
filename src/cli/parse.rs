//! `edusearch parse PATH... [--json]`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::model::{Document, Entry, EntryType};
use crate::{ingest, pipeline};

/// Arguments of `parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files or folders (recursively: .txt, .md, .docx, .odt, .html, .rtf, .pdf).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// One JSON object per entry per line.
    #[arg(long)]
    pub json: bool,
    /// Largest file read, in MB; larger files are rejected without being read.
    #[arg(long, default_value_t = ingest::DEFAULT_MAX_FILE_MB, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_mb: u64,
}

/// Runs `parse`: prints the entries of every readable file; rejected files go to stderr.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let limits = ingest::ReadLimits::from_mb(args.max_file_mb);
    let (docs, rejected) = pipeline::parse_paths(&args.paths, &limits);
    for err in &rejected {
        eprintln!("edusearch: rejected: {err}");
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        write_json(&mut out, &docs)?;
    } else {
        write_table(&mut out, &docs)?;
    }
    out.flush()?;
    Ok(if rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_REJECTED)
    })
}

/// One JSON object per entry per line.
fn write_json(out: &mut impl Write, docs: &[Document]) -> std::io::Result<()> {
    for e in docs.iter().flat_map(|d| &d.entries) {
        serde_json::to_writer(&mut *out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A readable table: one header line per document, one line per entry.
fn write_table(out: &mut impl Write, docs: &[Document]) -> std::io::Result<()> {
    for d in docs {
        let m = &d.meta;
        writeln!(
            out,
            "== {} ({}) | {} | {}, {} | {} | {} | {} entries",
            m.doc_id,
            m.source,
            m.title,
            format!("{:?}", m.kind).to_lowercase(),
            format!("{:?}", m.level).to_lowercase(),
            m.region.as_deref().unwrap_or("-"),
            m.date.map_or_else(|| "-".to_string(), |d| d.to_string()),
            d.entries.len()
        )?;
        writeln!(
            out,
            "{:<8} {:<14} {:<32} {:<11} text",
            "number", "type", "addressees", "deadline"
        )?;
        for e in &d.entries {
            write_row(out, e)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_row(out: &mut impl Write, e: &Entry) -> std::io::Result<()> {
    let ty = match e.entry_type {
        EntryType::Recommendation => "recommendation",
        EntryType::Finding => "finding",
        EntryType::Provision => "provision",
    };
    let mut roles: Vec<&str> = e.addressees.iter().map(|a| a.role.as_str()).collect();
    roles.dedup();
    let roles = truncate(&roles.join(","), 32);
    let deadline = e
        .deadline
        .map(|d| d.to_string())
        .or_else(|| e.deadline_text.clone())
        .unwrap_or_default();
    writeln!(
        out,
        "{:<8} {:<14} {:<32} {:<11} {}",
        truncate(e.number.as_deref().unwrap_or(""), 8),
        ty,
        roles,
        truncate(&deadline, 11),
        truncate(&e.text, 100)
    )
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("обеспечить", 20), "обеспечить");
        assert_eq!(truncate("обеспечить", 5), "обес…");
    }
}
