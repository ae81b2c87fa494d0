//! `edusearch serve [--addr A] [--index DIR] [--cors-origin O] [--timeout S] [--cache-mb M]
//! [--header-timeout-secs S] [--max-connections N] [--thesaurus FILE]…`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::api::{AppState, ServeConfig};
use crate::error::Error;
use crate::index::{EntryIndex, Opened, Thesaurus};
use crate::pipeline::PARSER_VERSION;

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Allowed CORS origin (repeatable); default: any origin may GET.
    #[arg(long)]
    pub cors_origin: Vec<String>,
    /// Seconds after which a request is answered with a timeout error.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Megabytes of API answers kept in memory for repeated requests (0 disables the cache).
    #[arg(long, default_value_t = 16)]
    pub cache_mb: usize,
    /// Megabytes kept for the matches of recent text queries, so that facet clicks, pages and
    /// sorts of a query skip its scoring (0 disables it).
    #[arg(long, default_value_t = 32)]
    pub match_cache_mb: usize,
    /// Seconds a connection gets to send a complete request head; also how long an idle
    /// keep-alive connection stays open. Protects against slow-header (slowloris) clients.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Most client connections open at once; further clients wait (in the kernel's listen
    /// backlog) until one closes.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=MAX_CONNECTIONS))]
    pub max_connections: u64,
    /// Thesaurus file (format of `data/thesaurus.toml`, see `data/THESAURUS.md`) merged over the
    /// built-in one: its abbreviations replace the built-in expansions of the same spelling, its
    /// synonym groups are added. Repeatable; later files override earlier ones.
    #[arg(long, value_name = "FILE")]
    pub thesaurus: Vec<std::path::PathBuf>,
}

/// The largest `--max-connections`.
const MAX_CONNECTIONS: u64 = crate::api::server::MAX_CONNECTIONS as u64;

/// Runs `serve`: opens the index (building it from the bundled seeds if there is none) and serves
/// until SIGINT/SIGTERM.
pub fn run(index_dir: &Path, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // A bad thesaurus file is reported before the index is touched.
    let thesaurus = (!args.thesaurus.is_empty())
        .then(|| Thesaurus::with_files(&args.thesaurus))
        .transpose()
        .context("cannot read the thesaurus")?;
    EntryIndex::warm_up_morphology();
    let mut index = open_index(index_dir)?;
    if let Some(thesaurus) = thesaurus {
        let (abbreviations, groups) = thesaurus.counts();
        tracing::info!(abbreviations, groups, "thesaurus with local files");
        index.set_thesaurus(thesaurus)?;
    }
    index.set_match_cache(
        args.match_cache_mb.saturating_mul(1 << 20),
        crate::index::DEFAULT_MATCH_MIN_COST,
    );
    let config = ServeConfig {
        cors_origins: args.cors_origin,
        request_timeout: Duration::from_secs(args.timeout.max(1)),
        cache_bytes: args.cache_mb.saturating_mul(1 << 20),
        header_timeout: Some(Duration::from_secs(args.header_timeout_secs)),
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        ..ServeConfig::default()
    };
    let state = AppState {
        index: Arc::new(index),
    };
    let app = crate::api::app(state, &config)?;
    tracing::info!(
        header_timeout_secs = args.header_timeout_secs,
        max_connections = config.max_connections,
        "connection limits"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr().context("no local address")?;
        tracing::info!(%local, ready_ms = started.elapsed().as_millis() as u64, "serving");
        eprintln!("edusearch: serving http://{local}/ (API: http://{local}/api/search?q=, docs: http://{local}/docs/)");
        crate::api::serve(listener, app, &config, crate::api::shutdown_signal())
            .await
            .context("server failed")
    })?;
    eprintln!("edusearch: stopped");
    Ok(ExitCode::SUCCESS)
}

/// Opens the index at `dir`; if there is none, builds it from the embedded seeds first. An index
/// of the embedded seeds parsed by another parser version is rebuilt from them; an index of the
/// user's files parsed by another version is served as it is, with a warning.
/// An index of another schema version is an error (never silently overwritten).
fn open_index(dir: &Path) -> anyhow::Result<EntryIndex> {
    let (index, opened) = match EntryIndex::open(dir) {
        Ok(mut index) => {
            let opened = index
                .ensure_current_parse()
                .with_context(|| format!("cannot open the index at {}", dir.display()))?;
            (index, opened)
        }
        Err(Error::NoIndex(_)) => {
            eprintln!(
                "edusearch: no index at {}; building it from the bundled seed documents",
                dir.display()
            );
            EntryIndex::open_for_serving(dir)
                .with_context(|| format!("cannot build the index at {}", dir.display()))?
        }
        Err(e) => {
            return Err(e).with_context(|| format!("cannot open the index at {}", dir.display()));
        }
    };
    if let Some(line) = parse_notice(dir, &opened) {
        eprintln!("edusearch: {line}");
    }
    Ok(index)
}

/// The one line `serve` prints about the parser version of the index, if there is news.
fn parse_notice(dir: &Path, opened: &Opened) -> Option<String> {
    let current = PARSER_VERSION;
    let dir = dir.display();
    match opened {
        Opened::Current | Opened::BuiltFromSeeds => None,
        Opened::RebuiltFromSeeds { found } => Some(format!(
            "the index at {dir} was built from the bundled seed documents by parser version {}; \
             rebuilt it with this program's parser (version {current})",
            found.parser_label()
        )),
        Opened::Stale { found } => Some(format!(
            "warning: the index at {dir} was built by parser version {}, this program's parser is \
             version {current}; it is served with the old parse until you re-index: \
             `edusearch --index {dir} index --rebuild <files>`",
            found.parser_label()
        )),
        Opened::RebuildFailed { found, error } => Some(format!(
            "warning: the index at {dir} was built from the bundled seed documents by parser \
             version {}, but rebuilding it with this program's parser (version {current}) failed \
             ({error}); serving it as it is",
            found.parser_label()
        )),
    }
}
