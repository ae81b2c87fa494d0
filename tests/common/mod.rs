//! Helpers shared by the HTTP test targets (each target compiles this module on its own).

use std::future::Future;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use axum::Router;
use edusearch::api::{self, AppState, ServeConfig};

/// Serves `app` with `config` on a free loopback port from a thread of its own (a runtime of
/// `workers` threads) until `shutdown` resolves; returns the address once it accepts, and the
/// thread, which ends when `serve` returns.
pub fn spawn_serve(
    app: Router,
    config: ServeConfig,
    workers: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (SocketAddr, JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send address");
            api::serve(listener, app, &config, shutdown)
                .await
                .expect("serve");
        });
    });
    (rx.recv().expect("server address"), thread)
}

/// Serves `state` with `config` (a two-worker runtime) for the rest of the test process;
/// returns the address once it accepts.
pub fn serve_in_background(state: AppState, config: ServeConfig) -> SocketAddr {
    let app = api::app(state, &config).expect("app");
    spawn_serve(app, config, 2, std::future::pending()).0
}
