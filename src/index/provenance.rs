//! Which parser version produced an index's entries, and from what: the provenance marker.
//!
//! The marker is a small text file in the index directory, one `key: value` per line:
//!
//! ```text
//! parser: 1
//! source: embedded-seeds
//! ```
//!
//! `parser` is [`PARSER_VERSION`] of the binary that parsed the entries (`unknown` when not
//! known), `source` is `embedded-seeds` (only the seeds compiled into the binary, so the index can
//! be rebuilt from them without losing anything) or `files` (anything else). Indexes written
//! before the marker existed have no file: both are unknown. Unknown keys are ignored.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pipeline::PARSER_VERSION;

/// Marker file in the index directory (see the module documentation).
pub const PROVENANCE_FILE: &str = "edusearch-provenance";

/// What the documents of an index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IndexSource {
    /// Only the seed documents compiled into the binary (what `serve` builds when there is no
    /// index): the index can be rebuilt from them at any time.
    EmbeddedSeeds,
    /// Other documents: files the user indexed, or documents added through the library.
    Files,
    /// Not recorded (an index written before the marker existed).
    Unknown,
}

impl IndexSource {
    /// The marker's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexSource::EmbeddedSeeds => "embedded-seeds",
            IndexSource::Files => "files",
            IndexSource::Unknown => "unknown",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "embedded-seeds" => IndexSource::EmbeddedSeeds,
            "files" => IndexSource::Files,
            _ => IndexSource::Unknown,
        }
    }

    /// The source of an index holding documents of both sources: the seeds only if both are.
    fn combine(self, other: Self) -> Self {
        match (self, other) {
            (a, b) if a == b => a,
            (IndexSource::Files, _) | (_, IndexSource::Files) => IndexSource::Files,
            _ => IndexSource::Unknown,
        }
    }
}

/// Parser version and source of an index's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    /// [`PARSER_VERSION`] of the binary that parsed the entries; `None` if unknown.
    pub parser: Option<u32>,
    /// What the documents came from.
    pub source: IndexSource,
}

impl Provenance {
    /// Entries parsed by this binary from `source`.
    pub fn current(source: IndexSource) -> Self {
        Provenance {
            parser: Some(PARSER_VERSION),
            source,
        }
    }

    /// Nothing recorded (an index older than the marker).
    pub fn unknown() -> Self {
        Provenance {
            parser: None,
            source: IndexSource::Unknown,
        }
    }

    /// Whether the entries were parsed by another (or an unknown) parser version than this
    /// binary's.
    pub fn is_stale(&self) -> bool {
        self.parser != Some(PARSER_VERSION)
    }

    /// The parser version for messages: the number, or `unknown`.
    pub fn parser_label(&self) -> String {
        self.parser
            .map_or_else(|| "unknown".to_string(), |v| v.to_string())
    }

    /// The provenance after committing a batch of documents from `batch` to an index of
    /// provenance `self`. A `fresh` batch (the index was empty or is cleared by the commit) sets
    /// it outright; otherwise the old entries stay as they were parsed, so the index keeps its
    /// parser version and becomes "seeds" only if both parts are.
    pub(crate) fn after_batch(self, batch: IndexSource, fresh: bool) -> Self {
        if fresh {
            return Provenance::current(batch);
        }
        Provenance {
            parser: self.parser,
            source: self.source.combine(batch),
        }
    }

    /// Reads the marker of the index at `dir`; a missing marker is [`Provenance::unknown`].
    pub(crate) fn read(dir: &Path) -> Result<Self> {
        let path = dir.join(PROVENANCE_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::unknown()),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Writes the marker of the index at `dir` (through a temporary file and a rename, so that a
    /// reader never sees half a marker).
    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        super::write_atomically(&dir.join(PROVENANCE_FILE), self.render().as_bytes())
    }

    fn render(&self) -> String {
        format!(
            "parser: {}\nsource: {}\n",
            self.parser_label(),
            self.source.as_str()
        )
    }

    fn parse(text: &str) -> Self {
        let mut p = Self::unknown();
        for line in text.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            match key.trim() {
                "parser" => p.parser = value.trim().parse().ok(),
                "source" => p.source = IndexSource::parse(value.trim()),
                _ => {}
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_round_trips_and_tolerates_old_or_odd_text() {
        for p in [
            Provenance::current(IndexSource::EmbeddedSeeds),
            Provenance::current(IndexSource::Files),
            Provenance::unknown(),
            Provenance {
                parser: Some(0),
                source: IndexSource::Files,
            },
        ] {
            assert_eq!(Provenance::parse(&p.render()), p, "{}", p.render());
        }
        let odd = Provenance::parse("source:files\nparser: x\nfuture: 1\nno colon\n");
        assert_eq!(odd.parser, None);
        assert_eq!(odd.source, IndexSource::Files);
        assert_eq!(Provenance::parse(""), Provenance::unknown());
    }

    #[test]
    fn staleness_and_batches() {
        let old_seeds = Provenance {
            parser: Some(PARSER_VERSION + 1),
            source: IndexSource::EmbeddedSeeds,
        };
        assert!(old_seeds.is_stale());
        assert!(Provenance::unknown().is_stale());
        assert!(!Provenance::current(IndexSource::Files).is_stale());
        // A cleared index takes the batch's provenance.
        assert_eq!(
            old_seeds.after_batch(IndexSource::Files, true),
            Provenance::current(IndexSource::Files)
        );
        // Adding keeps the old entries' parser version; files make the whole index "files".
        let added = old_seeds.after_batch(IndexSource::Files, false);
        assert_eq!(added.parser, old_seeds.parser);
        assert_eq!(added.source, IndexSource::Files);
        let seeds = Provenance::current(IndexSource::EmbeddedSeeds);
        assert_eq!(seeds.after_batch(IndexSource::EmbeddedSeeds, false), seeds);
        assert_eq!(
            Provenance::unknown()
                .after_batch(IndexSource::EmbeddedSeeds, false)
                .source,
            IndexSource::Unknown
        );
    }
}
