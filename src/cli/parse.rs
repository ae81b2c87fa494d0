//! `edusearch parse PATH... [--json]`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `parse`.
#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files or folders (recursively: .txt, .md).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// One JSON object per entry per line.
    #[arg(long)]
    pub json: bool,
}

/// Runs `parse`.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("parse: not implemented yet")
}
