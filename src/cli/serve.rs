//! `edusearch serve [--addr A] [--index DIR] [--cors-origin O] [--timeout S] [--cache-mb M]
//! [--header-timeout-secs S] [--max-connections N] [--thesaurus FILE]…`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::api::documents::{AdminToken, DocumentsConfig};
use crate::api::{AppState, ServeConfig};
use crate::error::Error;
use crate::index::{EntryIndex, Opened, Thesaurus};
use crate::pipeline::PARSER_VERSION;
use crate::store::Recovery;

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
    /// Candidates of a page ranked by relevance that get the full score (coordination,
    /// proximity, exact forms, alternatives): the best of a cheap first ranking (BM25 of the
    /// typed words). More is closer to scoring every match, fewer is faster on broad queries;
    /// 0 scores only the page's own entries (`offset + limit`).
    #[arg(long, default_value_t = crate::index::DEFAULT_RERANK)]
    pub rerank: usize,
    /// Seconds a connection gets to send a complete request head; also how long an idle
    /// keep-alive connection stays open. Protects against slow-header (slowloris) clients.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Most client connections open at once; further clients wait (in the kernel's listen
    /// backlog) until one closes.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=MAX_CONNECTIONS))]
    pub max_connections: u64,
    /// File holding the admin token (at least 16 characters) that turns on the document write
    /// endpoints (`POST`/`PUT`/`DELETE /api/documents`); the EDUSEARCH_ADMIN_TOKEN variable
    /// gives the token itself. Without either they are off.
    #[arg(long)]
    pub admin_token_file: Option<PathBuf>,
    /// Largest document upload, in megabytes (other requests keep a 64 KB body limit).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub upload_limit_mb: u64,
    /// Thesaurus file (format of `data/thesaurus.toml`, see `data/THESAURUS.md`) merged over the
    /// built-in one: its abbreviations replace the built-in expansions of the same spelling, its
    /// synonym groups are added. Repeatable; later files override earlier ones.
    #[arg(long, value_name = "FILE")]
    pub thesaurus: Vec<std::path::PathBuf>,
}

/// The variable holding the admin token itself.
const TOKEN_VAR: &str = "EDUSEARCH_ADMIN_TOKEN";

/// The admin token from `--admin-token-file` or EDUSEARCH_ADMIN_TOKEN (the file wins).
fn admin_token(file: Option<&Path>) -> anyhow::Result<Option<AdminToken>> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the admin token file {}", path.display()))?,
        None => match std::env::var(TOKEN_VAR) {
            Ok(t) if !t.trim().is_empty() => t,
            _ => return Ok(None),
        },
    };
    AdminToken::new(&text)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Settles the document store against the index after a crash, and says so.
fn recover_store(index: &EntryIndex) -> anyhow::Result<()> {
    if !crate::documents::has_store(index.dir()) {
        return Ok(());
    }
    let recovery = match crate::documents::Documents::new().recover(index) {
        Ok(r) => r,
        // Another process writes the index now; the next change settles the store.
        Err(crate::documents::ChangeError::Busy) => {
            eprintln!(
                "edusearch: warning: another process is writing the index; the document store is checked at the next change"
            );
            return Ok(());
        }
        Err(e) => {
            return Err(e).context("cannot check the document store against the index");
        }
    };
    match recovery {
        Recovery::Clean => {}
        Recovery::RolledForward => eprintln!(
            "edusearch: the last document change reached the index before the server stopped; the store now records it"
        ),
        Recovery::RolledBack => eprintln!(
            "edusearch: the last document change had not reached the index when the server stopped; it was dropped"
        ),
    }
    Ok(())
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
    let admin_token = admin_token(args.admin_token_file.as_deref())?;
    EntryIndex::warm_up_morphology();
    let mut index = open_index(index_dir)?;
    recover_store(&index)?;
    if let Some(thesaurus) = thesaurus {
        let (abbreviations, groups) = thesaurus.counts();
        tracing::info!(abbreviations, groups, "thesaurus with local files");
        index.set_thesaurus(thesaurus)?;
    }
    index.set_match_cache(
        args.match_cache_mb.saturating_mul(1 << 20),
        crate::index::DEFAULT_MATCH_MIN_COST,
    );
    index.set_rerank(args.rerank);
    let config = ServeConfig {
        cors_origins: args.cors_origin,
        request_timeout: Duration::from_secs(args.timeout.max(1)),
        cache_bytes: args.cache_mb.saturating_mul(1 << 20),
        header_timeout: Some(Duration::from_secs(args.header_timeout_secs)),
        max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
        documents: DocumentsConfig {
            upload_limit: usize::try_from(args.upload_limit_mb << 20).unwrap_or(usize::MAX),
            admin_token,
        },
        ..ServeConfig::default()
    };
    if config.documents.admin_token.is_some() {
        eprintln!(
            "edusearch: document uploads are on (POST/PUT/DELETE /api/documents with the admin token, up to {} MB)",
            args.upload_limit_mb
        );
    }
    let state = AppState {
        index: Arc::new(index),
    };
    let warm = Arc::clone(&state.index);
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
        super::notice(
            "INFO",
            &format!(
                "serving http://{local}/ (API: http://{local}/api/search?q=, docs: http://{local}/docs/, metrics: http://{local}/metrics)"
            ),
        );
        // Once listening: the columns and counts are read while the first requests arrive.
        EntryIndex::warm_up(warm);
        crate::api::serve(listener, app, &config, crate::api::shutdown_signal())
            .await
            .context("server failed")
    })?;
    super::notice("INFO", "stopped");
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
            super::notice(
                "INFO",
                &format!(
                    "no index at {}; building it from the bundled seed documents",
                    dir.display()
                ),
            );
            EntryIndex::open_for_serving(dir)
                .with_context(|| format!("cannot build the index at {}", dir.display()))?
        }
        Err(e) => {
            return Err(e).with_context(|| format!("cannot open the index at {}", dir.display()));
        }
    };
    if let Some(line) = parse_notice(dir, &opened) {
        let level = if line.starts_with("warning") {
            "WARN"
        } else {
            "INFO"
        };
        super::notice(level, &line);
    }
    Ok(index)
}

/// The one line `serve` prints about the parser version of the index, if there is news.
fn parse_notice(dir: &Path, opened: &Opened) -> Option<String> {
    let current = PARSER_VERSION;
    let stored = crate::documents::has_store(dir);
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
             version {current}; it is served with the old parse until you re-index: {}",
            found.parser_label(),
            if stored {
                format!("`edusearch --index {dir} reindex` (from the stored originals)")
            } else {
                format!("`edusearch --index {dir} index --rebuild <files>`")
            }
        )),
        Opened::RebuildFailed { found, error } => Some(format!(
            "warning: the index at {dir} was built from the bundled seed documents by parser \
             version {}, but rebuilding it with this program's parser (version {current}) failed \
             ({error}); serving it as it is",
            found.parser_label()
        )),
    }
}
