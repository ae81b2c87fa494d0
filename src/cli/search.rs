//! `edusearch search QUERY [filters] [--json]`.

use std::path::Path;
use std::process::ExitCode;

/// Arguments of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "exact phrase", -excluded.
    #[arg(default_value = "")]
    pub query: String,
    /// Addressee role (e.g. school_heads) or canonical name; repeatable.
    #[arg(long)]
    pub addressee: Vec<String>,
    /// Year.
    #[arg(long, conflicts_with = "years")]
    pub year: Option<i32>,
    /// Year range A..B (inclusive).
    #[arg(long)]
    pub years: Option<String>,
    /// Session topic; repeatable.
    #[arg(long)]
    pub topic: Vec<String>,
    /// Level: federal, regional, municipal.
    #[arg(long)]
    pub level: Option<String>,
    /// Kind: resolution, order, decision, other.
    #[arg(long)]
    pub kind: Option<String>,
    /// Region.
    #[arg(long)]
    pub region: Option<String>,
    /// Entry type: recommendation, finding, provision.
    #[arg(long = "type")]
    pub entry_type: Option<String>,
    /// Only entries with a deadline before this date (YYYY-MM-DD).
    #[arg(long)]
    pub deadline_before: Option<String>,
    /// Number of hits.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// relevance | date | deadline.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `search`.
pub fn run(index_dir: &Path, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let _ = (index_dir, args);
    anyhow::bail!("search: not implemented yet")
}
