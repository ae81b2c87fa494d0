//! Word-level diff of two texts.
//!
//! The diff runs on words (see [`super::text::words`]) compared by their folded form (lowercase,
//! ё→е), so line breaks, runs of spaces, punctuation, quotes and ё/е spelling never show up as
//! changes. The tokens keep the words as written, each with its following punctuation and a single
//! space, so a diff can be displayed as running text.

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use super::text::{Word, words};

/// What happened to a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    /// In both texts.
    Equal,
    /// Only in the second text.
    Insert,
    /// Only in the first text.
    Delete,
}

/// One word of the diff, with the punctuation that follows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DiffToken {
    /// Equal, inserted or deleted.
    pub op: DiffOp,
    /// The word as written (for equal words: as in the first text) and the punctuation after it,
    /// whitespace collapsed to one space.
    pub text: String,
}

/// The word-level diff of two texts.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WordDiff {
    /// Tokens in reading order: deletions before the insertions that replace them.
    pub tokens: Vec<DiffToken>,
    /// Words of the first text.
    pub words_a: usize,
    /// Words of the second text.
    pub words_b: usize,
    /// Share of words changed: (deleted + inserted) / (words of a + words of b); 0 = same words.
    pub changed: f32,
}

impl WordDiff {
    /// Whether the two texts have the same words (up to case, ё/е, punctuation, spacing).
    pub fn is_identical(&self) -> bool {
        self.tokens.iter().all(|t| t.op == DiffOp::Equal)
    }
}

/// Computes the word-level diff of `a` (old) and `b` (new).
pub fn word_diff(a: &str, b: &str) -> WordDiff {
    let wa = words(a);
    let wb = words(b);
    let ka: Vec<&str> = wa.iter().map(|w| w.folded.as_str()).collect();
    let kb: Vec<&str> = wb.iter().map(|w| w.folded.as_str()).collect();
    let mut tokens = Vec::with_capacity(wa.len().max(wb.len()));
    let mut changed = 0usize;
    for op in capture_diff_slices(Algorithm::Patience, &ka, &kb) {
        let (tag, ra, rb) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push_all(&mut tokens, DiffOp::Equal, &wa[ra]),
            DiffTag::Delete => {
                changed += ra.len();
                push_all(&mut tokens, DiffOp::Delete, &wa[ra]);
            }
            DiffTag::Insert => {
                changed += rb.len();
                push_all(&mut tokens, DiffOp::Insert, &wb[rb]);
            }
            DiffTag::Replace => {
                changed += ra.len() + rb.len();
                push_all(&mut tokens, DiffOp::Delete, &wa[ra]);
                push_all(&mut tokens, DiffOp::Insert, &wb[rb]);
            }
        }
    }
    // The last word of either text has no separator after it; inside the diff it needs one.
    let n = tokens.len();
    for t in tokens.iter_mut().take(n.saturating_sub(1)) {
        if t.text.ends_with(char::is_alphanumeric) {
            t.text.push(' ');
        }
    }
    let total = wa.len() + wb.len();
    WordDiff {
        tokens,
        words_a: wa.len(),
        words_b: wb.len(),
        changed: if total == 0 {
            0.0
        } else {
            changed as f32 / total as f32
        },
    }
}

fn push_all(out: &mut Vec<DiffToken>, op: DiffOp, words: &[Word<'_>]) {
    out.extend(words.iter().map(|w| DiffToken {
        op,
        text: display(w),
    }));
}

/// The word and its trailing separator with whitespace collapsed to one space.
fn display(w: &Word<'_>) -> String {
    let mut s = String::with_capacity(w.text.len() + w.trailing.len());
    s.push_str(w.text);
    let mut in_space = false;
    for c in w.trailing.chars() {
        if c.is_whitespace() {
            if !in_space {
                s.push(' ');
            }
            in_space = true;
        } else {
            s.push(c);
            in_space = false;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(d: &WordDiff) -> Vec<(DiffOp, &str)> {
        d.tokens.iter().map(|t| (t.op, t.text.trim_end())).collect()
    }

    #[test]
    fn rewrapped_lines_are_equal() {
        let a = "обеспечить реализацию Программы развития\nвоспитания в Саратовской области";
        let b = "обеспечить   реализацию\n\nПрограммы развития воспитания в Саратовской\nобласти";
        let d = word_diff(a, b);
        assert!(d.is_identical());
        assert_eq!(d.changed, 0.0);
        assert_eq!(d.tokens[3].text, "развития ");
    }

    #[test]
    fn yo_and_case_are_equal_and_displayed_as_written() {
        let d = word_diff("Зелёная ёлка", "зеленая Елка");
        assert!(d.is_identical());
        assert_eq!(d.tokens[0].text, "Зелёная ");
        assert_eq!(d.tokens[1].text, "ёлка");
    }

    #[test]
    fn punctuation_changes_are_equal() {
        let a = "сети психолого-педагогических классов; «Проектория»,";
        let b = "сети психолого - педагогических классов. \"Проектория\"";
        assert!(word_diff(a, b).is_identical());
    }

    #[test]
    fn changes_are_marked_on_words() {
        let d = word_diff(
            "провести мониторинг служб медиации в Саратовской области",
            "провести мониторинг служб медиации в районе",
        );
        assert_eq!(
            ops(&d),
            [
                (DiffOp::Equal, "провести"),
                (DiffOp::Equal, "мониторинг"),
                (DiffOp::Equal, "служб"),
                (DiffOp::Equal, "медиации"),
                (DiffOp::Equal, "в"),
                (DiffOp::Delete, "Саратовской"),
                (DiffOp::Delete, "области"),
                (DiffOp::Insert, "районе"),
            ]
        );
        assert!((d.changed - 3.0 / 13.0).abs() < 1e-6);
    }

    #[test]
    fn end_of_a_text_inside_the_diff_gets_a_space() {
        let d = word_diff(
            "на муниципальном уровне",
            "на муниципальном уровне и уровне школы",
        );
        let text: String = d.tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(text, "на муниципальном уровне и уровне школы");
        assert_eq!(d.tokens.last().map(|t| t.text.as_str()), Some("школы"));
    }

    #[test]
    fn empty_sides() {
        let d = word_diff("", "новый пункт");
        assert_eq!(
            ops(&d),
            [(DiffOp::Insert, "новый"), (DiffOp::Insert, "пункт")]
        );
        assert_eq!(d.changed, 1.0);
        let d = word_diff("", "");
        assert!(d.tokens.is_empty());
        assert_eq!(d.changed, 0.0);
    }
}
