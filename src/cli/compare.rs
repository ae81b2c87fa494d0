//! `edusearch similar`, `align`, `compare`.

use std::path::Path;
use std::process::ExitCode;

/// Arguments of `similar`.
#[derive(Debug, clap::Args)]
pub struct SimilarArgs {
    /// Entry id.
    pub entry_id: String,
    /// Number of similar entries.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Only entries of this level.
    #[arg(long)]
    pub level: Option<String>,
    /// Only entries of this year.
    #[arg(long)]
    pub year: Option<i32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `align`.
#[derive(Debug, clap::Args)]
pub struct AlignArgs {
    /// Document whose entries are aligned (typically municipal).
    pub from_doc: String,
    /// Document they are aligned to (typically regional).
    pub to_doc: String,
    /// Minimum similarity for a pair.
    #[arg(long)]
    pub min_score: Option<f32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// First entry id.
    pub a: String,
    /// Second entry id.
    pub b: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `similar`.
pub fn run_similar(index_dir: &Path, args: SimilarArgs) -> anyhow::Result<ExitCode> {
    let _ = (index_dir, args);
    anyhow::bail!("similar: not implemented yet")
}

/// Runs `align`.
pub fn run_align(index_dir: &Path, args: AlignArgs) -> anyhow::Result<ExitCode> {
    let _ = (index_dir, args);
    anyhow::bail!("align: not implemented yet")
}

/// Runs `compare`.
pub fn run_compare(index_dir: &Path, args: CompareArgs) -> anyhow::Result<ExitCode> {
    let _ = (index_dir, args);
    anyhow::bail!("compare: not implemented yet")
}
