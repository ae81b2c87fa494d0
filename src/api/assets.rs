//! The web page and the embeddable widget, compiled into the binary from `web/`, and the filter
//! vocabulary ([`crate::vocabulary::facets`]) for them: generated as the module `/vocabulary.js`
//! for the page, written into `/widget.js` (at its [`VOCABULARY_MARKER`]) so that the widget stays
//! one self-contained file. No label is copied into `web/`. The page is ES modules (`main.js`
//! and the modules it imports); the widget gets the one helper it shares with them,
//! `web/snippet.js`, written in at its [`SNIPPET_MARKER`] likewise.
//!
//! To serve a new file, add one line to [`ASSETS`].

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
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

/// An embedded JavaScript module of the page (`web/NAME.js` at `/NAME.js`).
macro_rules! module {
    ($name:literal) => {
        Asset {
            path: concat!("/", $name, ".js"),
            content_type: JS,
            bytes: include_bytes!(concat!("../../web/", $name, ".js")),
        }
    };
}

/// Every embedded file (the one list to extend; a test checks that every file of `web/` is here).
pub const ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: HTML,
        bytes: include_bytes!("../../web/index.html"),
    },
    module!("main"),
    module!("state"),
    module!("api"),
    module!("labels"),
    module!("dom"),
    module!("snippet"),
    module!("format"),
    module!("searchbox"),
    module!("results"),
    module!("facets"),
    module!("document"),
    module!("compare"),
    module!("similar"),
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
        path: "/admin",
        content_type: HTML,
        bytes: include_bytes!("../../web/admin.html"),
    },
    Asset {
        path: "/admin.js",
        content_type: JS,
        bytes: include_bytes!("../../web/admin.js"),
    },
    Asset {
        path: "/embed-example.html",
        content_type: HTML,
        bytes: include_bytes!("../../web/embed-example.html"),
    },
];

/// The text in `web/widget.js` replaced by the vocabulary (a JSON array) when served.
pub const VOCABULARY_MARKER: &str = "[/* vocabulary */]";

/// The text in `web/widget.js` replaced by `web/snippet.js` (its `export` keywords dropped) when served.
pub const SNIPPET_MARKER: &str = "/* snippet.js */";

/// Path of the generated vocabulary module.
pub const VOCABULARY_JS: &str = "/vocabulary.js";

/// One file as served.
#[derive(Debug, Clone)]
pub struct Served {
    /// Path it is served at.
    pub path: &'static str,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Contents.
    pub body: Bytes,
}

/// Every file served: [`ASSETS`] (the vocabulary written into the widget) and `/vocabulary.js`.
static SERVED: LazyLock<Vec<Served>> = LazyLock::new(|| {
    let vocabulary = vocabulary_json();
    let snippet = find_asset("/snippet.js").map_or_else(String::new, inline_module);
    let mut served: Vec<Served> = ASSETS
        .iter()
        .map(|a| {
            let body = match std::str::from_utf8(a.bytes) {
                Ok(text) if text.contains(VOCABULARY_MARKER) || text.contains(SNIPPET_MARKER) => {
                    Bytes::from(text.replacen(VOCABULARY_MARKER, &vocabulary, 1).replacen(
                        SNIPPET_MARKER,
                        &snippet,
                        1,
                    ))
                }
                _ => Bytes::from_static(a.bytes),
            };
            Served {
                path: a.path,
                content_type: a.content_type,
                body,
            }
        })
        .collect();
    served.push(Served {
        path: VOCABULARY_JS,
        content_type: JS,
        body: Bytes::from(vocabulary_module(&vocabulary)),
    });
    served
});

fn find_asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

/// A module's text as plain declarations for a classic script: `export ` dropped at line starts.
/// Only for modules without imports (`web/snippet.js`).
pub fn inline_module(asset: &Asset) -> String {
    String::from_utf8_lossy(asset.bytes)
        .lines()
        .map(|line| line.strip_prefix("export ").unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The vocabulary as a JSON array (as in `/api/facets`).
pub fn vocabulary_json() -> String {
    serde_json::to_string(&crate::vocabulary::facets()).unwrap_or_else(|_| "[]".to_owned())
}

fn vocabulary_module(json: &str) -> String {
    format!(
        "// Generated by the edusearch server from src/vocabulary.rs: every facet, the query parameter\n\
         // that filters by it (and older names), its Russian label and its closed values with labels.\n\
         export const VOCABULARY = {json};\n"
    )
}

/// The file served at `path`, if any.
pub fn find(path: &str) -> Option<&'static Served> {
    SERVED.iter().find(|a| a.path == path)
}

/// A hash of all served files (part of their ETag).
pub fn fingerprint() -> u64 {
    let mut h = DefaultHasher::new();
    for a in SERVED.iter() {
        a.path.hash(&mut h);
        a.body.hash(&mut h);
    }
    h.finish()
}

/// Routes serving every file.
pub fn routes() -> Router<AppState> {
    SERVED.iter().fold(Router::new(), |router, asset| {
        router.route(asset.path, get(move || async move { respond(asset) }))
    })
}

fn respond(asset: &'static Served) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        )],
        asset.body.clone(),
    )
        .into_response()
}
