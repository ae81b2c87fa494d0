//! `edusearch index [PATH...] [--rebuild]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Files or folders to index (default: `seeds/`, or the embedded seeds if that folder is missing).
    pub paths: Vec<PathBuf>,
    /// Start from an empty index.
    #[arg(long)]
    pub rebuild: bool,
}

/// Runs `index`.
pub fn run(index_dir: &Path, args: IndexArgs) -> anyhow::Result<ExitCode> {
    let _ = (index_dir, args);
    anyhow::bail!("index: not implemented yet")
}
