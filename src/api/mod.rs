//! The HTTP API (axum): search, entries, documents, facets, comparison; the web page and widget.
