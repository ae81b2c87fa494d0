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
mod export;
pub mod flags;
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
    /// Log line format on stderr: `text` (coloured only when stderr is a terminal and `NO_COLOR`
    /// is unset) or `json` (one object per line, for log collectors).
    #[arg(
        long,
        global = true,
        env = "EDUSEARCH_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// Format of the log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
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
    /// Write every entry matching a search as CSV or NDJSON (spreadsheets, other programs).
    Export(export::ExportArgs),
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
    init_tracing(&cli.log, cli.log_format);
    let _ = NOTICE_FORMAT.set(cli.log_format);
    match try_main(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            notice("ERROR", &format!("error: {err:#}"));
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
        Command::Export(args) => export::run(&cli.index, args),
        Command::Similar(args) => compare::run_similar(&cli.index, args),
        Command::Align(args) => compare::run_align(&cli.index, args),
        Command::Compare(args) => compare::run_compare(&cli.index, args),
        Command::Documents(args) => documents::run_list(&cli.index, args),
        Command::Remove(args) => documents::run_remove(&cli.index, args),
        Command::Reindex(args) => documents::run_reindex(&cli.index, args),
    }
}

/// The format of [`notice`] lines, set once at start.
static NOTICE_FORMAT: std::sync::OnceLock<LogFormat> = std::sync::OnceLock::new();

/// Prints a line for the person or program watching stderr, whatever the log filter:
/// `edusearch: {line}` in text mode, an object like the log lines' in JSON mode (so that a log
/// collector reading `--log-format json` gets JSON only).
pub(crate) fn notice(level: &str, line: &str) {
    match NOTICE_FORMAT.get() {
        Some(LogFormat::Json) => {
            let object = serde_json::json!({
                "timestamp": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                "level": level,
                "target": "edusearch",
                "message": line,
            });
            eprintln!("{object}");
        }
        _ => eprintln!("edusearch: {line}"),
    }
}

fn init_tracing(filter: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(colour_stderr()).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_ansi(false)
            .try_init(),
    };
}

/// Whether log lines may carry colour codes: only for a terminal, and never with `NO_COLOR` set.
fn colour_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
