//! `edusearch documents [--json]`, `edusearch remove DOC_ID...`, `edusearch reindex
//! [--drop-unstored]`: the document store on the command line.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::documents::{ChangeError, Documents};
use crate::index::EntryIndex;

/// Arguments of `documents`.
#[derive(Debug, clap::Args)]
pub struct DocumentsArgs {
    /// Print JSON (one array of records) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `remove`.
#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// Ids of the documents to remove (see `edusearch documents` or `/api/documents`).
    #[arg(required = true)]
    pub doc_ids: Vec<String>,
}

/// Arguments of `reindex`.
#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    /// Leave out indexed documents that have no stored original (indexed from files with
    /// `edusearch index`) instead of refusing to rebuild.
    #[arg(long)]
    pub drop_unstored: bool,
}

fn open(index_dir: &Path) -> anyhow::Result<EntryIndex> {
    EntryIndex::open(index_dir)
        .with_context(|| format!("cannot open the index at {}", index_dir.display()))
}

/// Runs `documents`: the stored documents, oldest first.
pub fn run_list(index_dir: &Path, args: DocumentsArgs) -> anyhow::Result<ExitCode> {
    let index = open(index_dir)?;
    let docs = Documents::list(&index)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &docs)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if docs.is_empty() {
        writeln!(
            out,
            "no stored documents in {} (upload with POST /api/documents)",
            index_dir.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "doc_id\tname\tbytes\tuploaded\tsha256")?;
    for d in &docs {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            d.doc_id,
            d.name,
            d.size,
            d.uploaded.format("%Y-%m-%d %H:%M:%S UTC"),
            d.sha256.get(..16).unwrap_or(&d.sha256)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `remove`: each document in its own commit; unknown ids are reported (exit code 2) and
/// do not stop the others.
pub fn run_remove(index_dir: &Path, args: RemoveArgs) -> anyhow::Result<ExitCode> {
    let index = open(index_dir)?;
    let documents = Documents::new();
    let mut missing = 0usize;
    for id in &args.doc_ids {
        match documents.remove(&index, id) {
            Ok(r) => println!(
                "removed {}: {} entries{}",
                r.doc_id,
                r.removed_entries,
                if r.had_original {
                    " and the stored original"
                } else {
                    ""
                }
            ),
            Err(ChangeError::NotFound(id)) => {
                eprintln!("edusearch: no document {id}");
                missing += 1;
            }
            Err(e) => return Err(e).context(format!("cannot remove {id}")),
        }
    }
    Ok(if missing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_REJECTED)
    })
}

/// Runs `reindex`: the whole index parsed again from the stored originals (and the embedded
/// seeds it holds), in one commit.
pub fn run_reindex(index_dir: &Path, args: ReindexArgs) -> anyhow::Result<ExitCode> {
    let index = open(index_dir)?;
    let report = Documents::new()
        .reindex(&index, args.drop_unstored)
        .context("cannot rebuild the index")?;
    println!(
        "reindexed {} stored documents and {} embedded seed documents: {} entries, parser version {}",
        report.stored,
        report.seeds,
        report.entries,
        crate::pipeline::PARSER_VERSION
    );
    if report.failed.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "edusearch: {} stored documents could not be read and were left out:",
        report.failed.len()
    );
    for f in &report.failed {
        eprintln!("  {f}");
    }
    Ok(ExitCode::from(super::EXIT_REJECTED))
}
