//! Helpers shared by the HTTP test targets (each target compiles this module on its own).

use std::net::SocketAddr;

use edusearch::api::{self, AppState, ServeConfig};

/// Serves `state` with `config` on a free loopback port from a thread of its own (a two-worker
/// runtime) for the rest of the test process; returns the address once it accepts.
pub fn serve_in_background(state: AppState, config: ServeConfig) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send address");
            let app = api::app(state, &config).expect("app");
            api::serve(listener, app, &config, std::future::pending())
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("server address")
}
