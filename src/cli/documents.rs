//! `edusearch documents [WORDS] [filters] [--json]`, `edusearch remove DOC_ID...`, `edusearch reindex
//! [--drop-unstored]`: the documents of an index and their stored originals on the command line.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::flags::DocumentFlags;
use crate::documents::{ChangeError, Documents};
use crate::index::{DocumentQuery, EntryIndex};
use crate::store::StoredDocument;

/// Arguments of `documents`.
#[derive(Debug, clap::Args)]
pub struct DocumentsArgs {
    /// Words and filters (those of `GET /api/documents`); without `--limit` every document that
    /// passes is listed.
    #[command(flatten)]
    pub flags: DocumentFlags,
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

/// One line of `documents`: a document of the index and/or the store.
#[derive(Debug, Serialize)]
struct Listed {
    doc_id: String,
    /// Title as detected (empty for a stored document without entries).
    title: String,
    /// Entries in the index.
    entries: u64,
    /// The stored original, if the document was uploaded (`null`: indexed from a file or the
    /// embedded seeds).
    stored: Option<StoredDocument>,
}

/// Runs `documents`: every document of the index with its entry count and, for uploaded ones,
/// the stored original; stored documents without entries too. Ordered by id.
pub fn run_list(index_dir: &Path, args: DocumentsArgs) -> anyhow::Result<ExitCode> {
    let mut query = DocumentQuery::from(&args.flags.request()?);
    let paged = args.flags.0.iter().any(|(name, _)| name == "limit");
    if !paged {
        query.limit = usize::MAX;
    }
    let index = open(index_dir)?;
    let mut stored: BTreeMap<String, StoredDocument> = Documents::list(&index)?
        .into_iter()
        .map(|d| (d.doc_id.clone(), d))
        .collect();
    let page = index.list_documents(&query)?;
    if paged || page.total < page.held {
        let shown = page.documents.len();
        let range = match shown {
            0 => "none".to_owned(),
            n => format!("{}-{}", query.offset + 1, query.offset + n),
        };
        eprintln!(
            "edusearch: {} of {} documents pass; listed: {range}",
            page.total, page.held
        );
    }
    // Stored originals without entries have no metadata to filter: listed with the whole list.
    let whole = page.total == page.held && query.offset == 0 && !paged;
    if !whole {
        let listed: std::collections::HashSet<&str> =
            page.documents.iter().map(|d| d.doc_id.as_str()).collect();
        stored.retain(|id, _| listed.contains(id.as_str()));
    }
    let mut listed: Vec<Listed> = page
        .documents
        .into_iter()
        .map(|d| Listed {
            stored: stored.remove(&d.doc_id),
            doc_id: d.doc_id,
            title: d.title,
            entries: d.entries,
        })
        .collect();
    listed.extend(stored.into_values().map(|s| Listed {
        doc_id: s.doc_id.clone(),
        title: String::new(),
        entries: 0,
        stored: Some(s),
    }));
    listed.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &listed)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "doc_id\tentries\toriginal\tbytes\tuploaded\ttitle")?;
    for d in &listed {
        let (name, size, uploaded) = match &d.stored {
            Some(s) => (
                s.name.as_str(),
                s.size.to_string(),
                s.uploaded.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ),
            None => ("-", "-".to_owned(), "-".to_owned()),
        };
        writeln!(
            out,
            "{}\t{}\t{name}\t{size}\t{uploaded}\t{}",
            d.doc_id, d.entries, d.title
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
