//! Text helpers of segmentation: item numbers, sentences, and the splitting of overlong
//! paragraphs.

use crate::clean::NUMBERED;

/// Entries longer than this are split at sentence (or `;`) boundaries.
pub(super) const MAX_ENTRY_CHARS: usize = 1500;
/// Target size of the pieces of a split paragraph.
const PIECE_CHARS: usize = 900;

/// Splits a numbered paragraph into its number and the rest.
pub(super) fn split_number(text: &str) -> Option<(String, &str)> {
    let c = NUMBERED.captures(text)?;
    let number = c.get(1).or(c.get(3))?.as_str().to_string();
    let rest_start = c.get(2).or(c.get(4))?.start();
    Some((number, text[rest_start..].trim()))
}

pub(super) fn depth(number: &str) -> usize {
    number.split('.').count()
}

pub(super) fn is_ancestor(ancestor: &str, number: &str) -> bool {
    number.len() > ancestor.len()
        && number.starts_with(ancestor)
        && number[ancestor.len()..].starts_with('.')
}

pub(super) fn strip_item_end(text: &str) -> String {
    text.trim().trim_end_matches([';', ',', ' ']).to_string()
}

/// Sentences of a paragraph (split after `.`, `!`, `?` followed by a capital; initials and
/// common abbreviations do not end a sentence).
pub(super) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for k in 0..chars.len() {
        let (pos, c) = chars[k];
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let Some(&(_, sp)) = chars.get(k + 1) else {
            continue;
        };
        let Some(&(npos, next)) = chars.get(k + 2) else {
            continue;
        };
        if sp != ' ' || !(next.is_uppercase() || next == '«') {
            continue;
        }
        // initials («Н.Г. Чернышевского») and abbreviations («т. д. В», «г. Саратов»)
        let prev_word: String = text[start..pos]
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect();
        if prev_word.chars().count() == 1
            || matches!(
                prev_word.as_str(),
                "г" | "гг" | "им" | "ст" | "п" | "д" | "т"
            )
        {
            continue;
        }
        out.push(text[start..=pos + c.len_utf8() - 1].trim());
        start = npos;
    }
    if start < text.len() {
        out.push(text[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Splits an overlong text into pieces of whole sentences (or `;` clauses).
pub(super) fn split_long(text: &str) -> Vec<String> {
    if text.chars().count() <= MAX_ENTRY_CHARS {
        return vec![text.to_string()];
    }
    let mut units: Vec<String> = Vec::new();
    for s in sentences(text) {
        if s.chars().count() > MAX_ENTRY_CHARS {
            let parts: Vec<&str> = s.split_inclusive("; ").collect();
            units.extend(parts.into_iter().map(|p| p.trim().to_string()));
        } else {
            units.push(s.to_string());
        }
    }
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    for u in units {
        if !cur.is_empty() && cur.chars().count() + u.chars().count() > PIECE_CHARS {
            pieces.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(&u);
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    // A single unit longer than the limit still has to be cut somewhere: at a space.
    pieces
        .into_iter()
        .flat_map(|p| cut_at_spaces(&p, MAX_ENTRY_CHARS))
        .collect()
}

fn cut_at_spaces(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for w in text.split(' ') {
        if !cur.is_empty() && cur.chars().count() + w.chars().count() + 1 > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(super) fn sentence_case(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_split_respects_initials() {
        let s = sentences("Университет имени Н.Г. Чернышевского работает. Второе предложение.");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn long_text_is_split_into_bounded_pieces() {
        let text = "Предложение номер один про образование и воспитание. ".repeat(80);
        let pieces = split_long(text.trim());
        assert!(pieces.len() > 1);
        assert!(pieces.iter().all(|p| p.chars().count() <= MAX_ENTRY_CHARS));
    }
}
