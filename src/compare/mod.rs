//! Comparison of wording: similar entries ([`nearest`]), document alignment, word-level diff.
//!
//! All functions are pure over [`Entry`](crate::model::Entry) values except the index-backed
//! [`CandidateSource`] of [`candidates`]. The similarity measure is defined in [`similarity`].

pub mod align;
pub mod candidates;
pub mod diff;
pub mod nearest;
pub mod service;
pub mod similarity;
#[cfg(test)]
mod testutil;
pub mod text;

pub use align::{AlignOptions, AlignedPair, Alignment, EntryRef, Relation, align};
pub use diff::{DiffOp, DiffToken, WordDiff, word_diff};
pub use nearest::{CandidateSource, SimilarEntry, nearest_entries};
pub use similarity::{Profile, similarity};
