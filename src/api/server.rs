//! The connection layer of `serve`: our own accept loop over hyper's HTTP/1 connections, for the
//! limits a public site needs and `axum::serve` does not offer.
//!
//! - **Header timeout** (hyper's `header_read_timeout`): a connection that has not delivered a
//!   complete request head within [`ServeConfig::header_timeout`] is closed without an answer, however
//!   slowly it keeps dribbling bytes (slowloris). hyper starts the timer whenever it begins waiting
//!   for a request — when the connection opens and after each answer on a keep-alive connection —
//!   so the same limit is the idle timeout of keep-alive connections (hyper has no separate one).
//! - **Connection cap** ([`ServeConfig::max_connections`]): each connection holds a slot of a
//!   semaphore until it ends. At the cap the loop stops accepting, so further clients wait in the
//!   kernel's listen backlog and are served, in order, as soon as an open connection ends; nothing
//!   is refused while the backlog has room.
//! - **Graceful shutdown**: on the signal the listener closes, keep-alive is switched off on every
//!   connection (idle ones close at once), open requests finish; after [`SHUTDOWN_GRACE`] the
//!   server stops anyway.
//!
//! - **JSON for hyper's own errors**: requests hyper cannot read (`400`, `414`, `431`) are answered
//!   by hyper before any handler runs; [`JsonErrors`] gives those answers the API's JSON error body.
//!
//! Per request nothing is added to what hyper does anyway; keep-alive and pipelining work as in
//! `axum::serve`.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};

use super::ServeConfig;
use super::wire::JsonErrors;

/// How long open requests may run on after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The largest accepted [`ServeConfig::max_connections`]; larger values are lowered to it.
pub const MAX_CONNECTIONS: usize = 1 << 20;

/// Pause after an accept error that is not about one connection (e.g. out of file descriptors),
/// so the loop does not spin while the condition lasts.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);

/// Least time between two "connection limit reached" warnings.
const CAP_WARNING_EVERY: Duration = Duration::from_secs(60);

/// Serves `app` on `listener` with the connection limits of `config` until `shutdown` completes,
/// then lets open requests finish (for at most [`SHUTDOWN_GRACE`]).
///
/// The limits are read at the call; the future does not borrow `config`.
pub fn serve(
    listener: TcpListener,
    app: Router,
    config: &ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = io::Result<()>> + Send + 'static {
    let cap = config.max_connections.clamp(1, MAX_CONNECTIONS);
    let http = http1_builder(config.header_timeout);
    accept_loop(listener, app, cap, http, shutdown)
}

/// Accepts connections while fewer than `cap` are open, until `shutdown` completes.
async fn accept_loop(
    listener: TcpListener,
    app: Router,
    cap: usize,
    http: http1::Builder,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(cap));
    let http = Arc::new(http);
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = pin!(shutdown);
    let mut cap_warning = CapWarning::default();
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                cap_warning.note(cap);
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        // The semaphore is never closed.
                        Err(_) => break,
                    },
                }
            }
        };
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if is_connection_error(&e) => {
                    tracing::debug!(error = %e, "accept failed for one connection");
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot accept connections; pausing");
                    drop(slot);
                    tokio::select! {
                        biased;
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(ACCEPT_PAUSE) => continue,
                    }
                }
            },
        };
        tokio::spawn(connection(
            stream,
            app.clone(),
            http.clone(),
            stopping.clone(),
            slot,
        ));
    }
    drop(listener);
    stop.send_replace(true);
    // Every connection holds one slot until it ends: all slots free = all connections closed.
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("requests still open after the grace period; stopping anyway");
    }
    Ok(())
}

/// The HTTP/1 settings shared by all connections.
fn http1_builder(header_timeout: Option<Duration>) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout.filter(|t| !t.is_zero()));
    builder
}

/// Serves one connection until it ends, switching keep-alive off when the server stops.
async fn connection(
    stream: TcpStream,
    app: Router,
    http: Arc<http1::Builder>,
    mut stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    // Streamed (compressed) answers go out in several writes; Nagle's algorithm would hold the
    // later ones back until the client acknowledges the first.
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
    }
    let io = TokioIo::new(JsonErrors::new(stream));
    let mut conn = pin!(http.serve_connection(io, TowerToHyperService::new(app)));
    let stopped = async move {
        // An error means the server is gone: stop as well.
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let result = tokio::select! {
        result = conn.as_mut() => result,
        () = stopped => {
            conn.as_mut().graceful_shutdown();
            conn.as_mut().await
        }
    };
    if let Err(e) = result {
        // Header timeouts, resets, malformed requests: the client's doing, not worth more.
        tracing::debug!(error = %e, "connection ended with an error");
    }
}

/// Whether an accept error concerns only the connection being accepted (the client went away),
/// rather than the listener or the process (e.g. out of file descriptors).
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// Logs reaching the connection cap, at most once per [`CAP_WARNING_EVERY`].
#[derive(Default)]
struct CapWarning {
    last: Option<Instant>,
}

impl CapWarning {
    fn note(&mut self, cap: usize) {
        if self.last.is_none_or(|t| t.elapsed() >= CAP_WARNING_EVERY) {
            tracing::warn!(
                max_connections = cap,
                "connection limit reached; new connections wait"
            );
            self.last = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_are_classified() {
        assert!(is_connection_error(&io::Error::from(
            io::ErrorKind::ConnectionAborted
        )));
        // EMFILE and the like are not about one client: the loop pauses instead of spinning.
        assert!(!is_connection_error(&io::Error::from_raw_os_error(24)));
    }
}
