//! The command-line interface: argument definitions, dispatch, and the error edge.
//!
//! `main` → [`try_main`] → one function per command. Errors are printed once, here.
//!
//! Exit codes:
//! - `0` success;
//! - `1` error (bad arguments, no index, I/O failure);
//! - `2` some input files were rejected (the others were processed).
//!
//! A closed stdout (`| head`) ends the program quietly with code 0.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod compare;
mod documents;
mod index;
mod parse;
mod search;
mod serve;

/// Exit code: some input files were rejected.
pub const EXIT_REJECTED: u8 = 2;

/// Full-text search over Russian education-policy documents.
#[derive(Debug, Parser)]
#[command(name = "edusearch", version, about)]
pub struct Cli {
    /// Index directory.
    #[arg(long, global = true, env = "EDUSEARCH_INDEX", default_value = "index")]
    pub index: PathBuf,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `edusearch=debug`.
    #[arg(long, global = true, env = "EDUSEARCH_LOG", default_value = "warn")]
    pub log: String,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse documents into entries and print them.
    Parse(parse::ParseArgs),
    /// Parse and index documents (default: the bundled seeds).
    Index(index::IndexArgs),
    /// Search the index.
    Search(search::SearchArgs),
    /// Serve the HTTP API and the web page (builds the index from the bundled seeds if missing).
    Serve(serve::ServeArgs),
    /// Entries of other documents most similar to one entry.
    Similar(compare::SimilarArgs),
    /// Align the entries of one document with another (municipal → regional).
    Align(compare::AlignArgs),
    /// Word-level diff of two entries.
    Compare(compare::CompareArgs),
    /// List the documents of the index with entry counts and the stored originals of uploaded ones.
    Documents(documents::DocumentsArgs),
    /// Remove documents from the index and the document store.
    Remove(documents::RemoveArgs),
    /// Rebuild the whole index from the stored originals with this program's parser.
    Reindex(documents::ReindexArgs),
}

/// Entry point used by the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.log);
    match try_main(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("edusearch: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one command and returns its exit code.
pub fn try_main(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Index(args) => index::run(&cli.index, args),
        Command::Search(args) => search::run(&cli.index, args),
        Command::Serve(args) => serve::run(&cli.index, args),
        Command::Similar(args) => compare::run_similar(&cli.index, args),
        Command::Align(args) => compare::run_align(&cli.index, args),
        Command::Compare(args) => compare::run_compare(&cli.index, args),
        Command::Documents(args) => documents::run_list(&cli.index, args),
        Command::Remove(args) => documents::run_remove(&cli.index, args),
        Command::Reindex(args) => documents::run_reindex(&cli.index, args),
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
