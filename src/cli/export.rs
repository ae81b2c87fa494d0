//! `edusearch export [QUERY] [filters of search] [--format csv|ndjson] [--output FILE]
//! [--max-rows N]`: every matching entry, in the search's order, for spreadsheets or programs.
//!
//! The filters are those of `search` (same flags, same checks); its `--limit`, `--offset` and
//! `--json` do not apply. Entries are loaded and written in batches, so memory stays bounded.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::search::{self, SearchArgs};
use crate::export::{BATCH, Format, MAX_CLI_ROWS};
use crate::index::EntryIndex;

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The query and filters, as for `search` (its --limit, --offset and --json do not apply).
    #[command(flatten)]
    pub search: SearchArgs,
    /// Output format: `csv` (UTF-8 with BOM, separator `;`, opens in spreadsheet software) or
    /// `ndjson` (one JSON entry per line).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// File to write (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Most entries written; a note on stderr says when more matched.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=MAX_CLI_ROWS as u64))]
    pub max_rows: u64,
}

/// Runs `export`.
pub fn run(index_dir: &Path, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let mut req = search::request(&args.search)?;
    req.offset = 0;
    req.skip_facets = true;
    let index = EntryIndex::open(index_dir)?;
    let max = usize::try_from(args.max_rows).unwrap_or(MAX_CLI_ROWS);
    let mut matching = index.matching(&req, max)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = BufWriter::new(out);
    out.write_all(&args.format.header()?)?;
    loop {
        let entries = matching.next_batch(&index, BATCH)?;
        if entries.is_empty() {
            break;
        }
        out.write_all(&args.format.rows(&entries)?)?;
    }
    out.flush()?;
    if matching.total() > matching.len() as u64 {
        eprintln!(
            "edusearch: wrote {} of {} matching entries (raise --max-rows for more)",
            matching.len(),
            matching.total()
        );
    }
    Ok(ExitCode::SUCCESS)
}
