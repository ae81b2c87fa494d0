//! `edusearch serve [--addr A] [--cors-origin O]`.

use std::path::Path;
use std::process::ExitCode;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Allowed CORS origin (repeatable); default: any origin may GET.
    #[arg(long)]
    pub cors_origin: Vec<String>,
}

/// Runs `serve`.
pub fn run(index_dir: &Path, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let _ = (index_dir, args);
    anyhow::bail!("serve: not implemented yet")
}
