//! `edusearch index [PATH...] [--rebuild]`.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::error::Error;
use crate::index::{EntryIndex, FileOutcome, IndexSource};
use crate::ingest::{self, FoundFile, SourceFile};
use crate::model::{Document, EntryType};
use crate::pipeline;

use super::EXIT_REJECTED;

/// Arguments of `index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Files or folders to index (default: `seeds/`, or the embedded seeds if that folder is missing).
    pub paths: Vec<PathBuf>,
    /// Start from an empty index.
    #[arg(long)]
    pub rebuild: bool,
    /// Largest file read, in MB; larger files are rejected without being read.
    #[arg(long, default_value_t = ingest::DEFAULT_MAX_FILE_MB, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_mb: u64,
    /// Heap budget of the index writer, in MB: documents buffered before a segment is written.
    /// The default keeps the whole process under about 500 MB; smaller budgets index with
    /// fewer threads and write more segments.
    #[arg(long, default_value_t = (crate::index::DEFAULT_WRITER_MEMORY / 1_000_000) as u64, value_parser = clap::value_parser!(u64).range(16..=65536))]
    pub memory_mb: u64,
}

/// Where the documents come from.
enum Inputs {
    Roots(Vec<PathBuf>),
    Files(Vec<FoundFile>),
    Embedded(Vec<SourceFile>),
}

impl Inputs {
    fn len(&self) -> usize {
        match self {
            Inputs::Roots(p) => p.len(),
            Inputs::Files(p) => p.len(),
            Inputs::Embedded(s) => s.len(),
        }
    }
}

/// Totals of a run.
#[derive(Default)]
struct Tally {
    documents: u64,
    /// Documents in which the parser found no entry (not searchable, not held by the index).
    without_entries: Vec<String>,
    entries: u64,
    bytes: u64,
    by_type: BTreeMap<&'static str, u64>,
    rejected: Vec<Error>,
}

impl Tally {
    fn add(&mut self, doc: &Document, bytes: usize) {
        self.bytes += bytes as u64;
        if doc.entries.is_empty() {
            self.without_entries.push(doc.meta.source.clone());
            return;
        }
        self.documents += 1;
        for e in &doc.entries {
            self.entries += 1;
            let name = match e.entry_type {
                EntryType::Recommendation => "recommendation",
                EntryType::Finding => "finding",
                EntryType::Provision => "provision",
            };
            *self.by_type.entry(name).or_insert(0) += 1;
        }
    }
}

/// Progress display: a bar on a terminal, log lines otherwise.
enum Progress {
    Bar(ProgressBar),
    Lines,
}

impl Progress {
    fn new(total: usize) -> Self {
        if !std::io::stderr().is_terminal() {
            return Progress::Lines;
        }
        let bar = ProgressBar::new(total as u64);
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} files, {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress::Bar(bar)
    }

    fn done(&self, path: &Path, tally: &Tally, doc: &Document) {
        match self {
            Progress::Bar(bar) => {
                bar.inc(1);
                bar.set_message(format!("{} entries", tally.entries));
            }
            Progress::Lines => eprintln!(
                "indexed {} as {}: {} entries",
                path.display(),
                doc.meta.doc_id,
                doc.entries.len()
            ),
        }
    }

    fn rejected(&self, err: &Error) {
        match self {
            Progress::Bar(bar) => {
                bar.inc(1);
                bar.println(format!("rejected {err}"));
            }
            Progress::Lines => eprintln!("rejected {err}"),
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

fn default_inputs(paths: Vec<PathBuf>) -> Inputs {
    if !paths.is_empty() {
        return Inputs::Roots(paths);
    }
    let seeds = PathBuf::from("seeds");
    if seeds.is_dir() {
        Inputs::Roots(vec![seeds])
    } else {
        Inputs::Embedded(pipeline::embedded_seeds())
    }
}

/// Runs `index`.
pub fn run(index_dir: &Path, args: IndexArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut tally = Tally::default();
    let limits = ingest::ReadLimits::from_mb(args.max_file_mb);
    let inputs = match default_inputs(args.paths) {
        Inputs::Roots(roots) => {
            let (files, errors) = ingest::collect_files(&roots);
            tally.rejected = errors;
            Inputs::Files(files)
        }
        other => other,
    };
    let mut index = EntryIndex::create(index_dir, args.rebuild)
        .with_context(|| format!("cannot open the index at {}", index_dir.display()))?;
    index.set_writer_memory(
        usize::try_from(args.memory_mb.saturating_mul(1_000_000)).unwrap_or(usize::MAX),
    );
    let source = match &inputs {
        Inputs::Roots(_) | Inputs::Files(_) => IndexSource::Files,
        Inputs::Embedded(_) => IndexSource::EmbeddedSeeds,
    };
    let committed = index.commit_payload()?;
    let mut writer = index.writer_from(source)?;
    let progress = Progress::new(inputs.len());
    if args.rebuild {
        // A rebuild keeps the uploaded documents: parsed again from their stored originals.
        let (stored, unreadable) =
            crate::documents::add_stored(index_dir, committed.as_deref(), &mut writer)?;
        for doc in &stored {
            tally.add(doc, 0);
            progress.done(Path::new(&doc.meta.source), &tally, doc);
        }
        for line in unreadable {
            eprintln!("edusearch: stored document not indexed: {line}");
        }
    }
    for err in &tally.rejected {
        progress.rejected(err);
    }
    let on_file = |outcome: FileOutcome<'_>| match outcome {
        FileOutcome::Indexed { path, doc, bytes } => {
            tally.add(doc, bytes);
            progress.done(path, &tally, doc);
        }
        FileOutcome::Rejected(err) => {
            progress.rejected(&err);
            tally.rejected.push(err);
        }
    };
    match &inputs {
        Inputs::Files(files) => writer.add_found(files, &limits, on_file)?,
        Inputs::Embedded(sources) => writer.add_sources(sources, on_file)?,
        Inputs::Roots(roots) => writer.add_files(roots, on_file)?,
    }
    writer.commit()?;
    progress.finish();
    let held = index.counts()?;
    print_summary(index_dir, &tally, held, started.elapsed())?;
    Ok(if tally.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

fn print_summary(
    index_dir: &Path,
    tally: &Tally,
    (held_docs, held_entries): (u64, u64),
    elapsed: Duration,
) -> anyhow::Result<()> {
    let secs = elapsed.as_secs_f64();
    let mb = tally.bytes as f64 / 1_000_000.0;
    let by_type: Vec<String> = tally
        .by_type
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "indexed {} documents, {} entries ({}) into {}",
        tally.documents,
        tally.entries,
        if by_type.is_empty() {
            "none".to_string()
        } else {
            by_type.join(", ")
        },
        index_dir.display()
    )?;
    writeln!(
        out,
        "the index now holds {held_docs} documents, {held_entries} entries"
    )?;
    writeln!(
        out,
        "{secs:.2} s, {mb:.2} MB of text, {:.2} MB/s",
        if secs > 0.0 { mb / secs } else { 0.0 }
    )?;
    if !tally.without_entries.is_empty() {
        writeln!(
            out,
            "{} files gave no entries (not searchable):",
            tally.without_entries.len()
        )?;
        for source in &tally.without_entries {
            writeln!(out, "  {source}")?;
        }
    }
    if !tally.rejected.is_empty() {
        writeln!(out, "rejected {} files:", tally.rejected.len())?;
        for err in &tally.rejected {
            writeln!(out, "  {err}")?;
        }
    }
    Ok(())
}
