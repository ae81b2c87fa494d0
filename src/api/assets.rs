//! The web page and the embeddable widget, compiled into the binary from `web/`.
//!
//! To serve a new file, add one line to [`ASSETS`].

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

/// One embedded file: URL path, content type, bytes.
pub struct Asset {
    /// Path it is served at.
    pub path: &'static str,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Contents.
    pub bytes: &'static [u8],
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every embedded file (the one list to extend).
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: HTML,
        bytes: include_bytes!("../../web/index.html"),
    },
    Asset {
        path: "/app.js",
        content_type: JS,
        bytes: include_bytes!("../../web/app.js"),
    },
    Asset {
        path: "/suggest.js",
        content_type: JS,
        bytes: include_bytes!("../../web/suggest.js"),
    },
    Asset {
        path: "/style.css",
        content_type: CSS,
        bytes: include_bytes!("../../web/style.css"),
    },
    Asset {
        path: "/widget.js",
        content_type: JS,
        bytes: include_bytes!("../../web/widget.js"),
    },
    Asset {
        path: "/embed-example.html",
        content_type: HTML,
        bytes: include_bytes!("../../web/embed-example.html"),
    },
];

/// The asset served at `path`, if any.
pub fn find(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// A hash of all embedded files (part of their ETag).
pub fn fingerprint() -> u64 {
    let mut h = DefaultHasher::new();
    for a in ASSETS {
        a.path.hash(&mut h);
        a.bytes.hash(&mut h);
    }
    h.finish()
}

/// Routes serving every file of [`ASSETS`].
pub fn routes() -> Router<AppState> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(asset.path, get(move || async move { respond(asset) }))
    })
}

fn respond(asset: &'static Asset) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        )],
        asset.bytes,
    )
        .into_response()
}
