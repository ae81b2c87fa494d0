//! Comparison of wording: similar entries, document alignment, word-level diff.
