//! Abbreviations defined in the documents themselves: «школами с низкими образовательными
//! результатами (НОР)», «… оценки качества образования (далее – ВСОКО)». Learned at indexing
//! time, kept in the index directory, and used at query time to search the full form when the
//! abbreviation is typed (and the abbreviation when the full form is typed).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::analysis::fold;
use crate::error::{Error, Result};
use crate::model::Document;

/// File of the learned abbreviations in the index directory.
pub const FILE: &str = "edusearch-abbreviations.json";

/// Most words considered before the parenthesis.
const MAX_WORDS_BACK: usize = 12;

/// Abbreviations per document: `doc_id → [(abbreviation, full form)]`, each distinct pair
/// held once (documents repeat the same definitions: at 50,000 documents the file of every
/// document's pairs in full was 21 MB, read whole whenever an index is opened).
#[derive(Debug, Clone, Default)]
pub struct Abbreviations {
    /// Every pair met, numbered in the order met (a pair no document defines any more stays
    /// until the next save).
    pairs: Vec<(String, String)>,
    /// The number of each pair in `pairs`.
    numbers: HashMap<(String, String), u32>,
    /// The pairs each document defines, by number.
    by_doc: BTreeMap<String, Vec<u32>>,
}

/// The file's form: the pairs once, each document's by number. Files of older binaries hold
/// each document's pairs in full (`by_doc`); they are read as well.
#[derive(Default, Serialize, Deserialize)]
struct OnDisk {
    #[serde(default)]
    pairs: Vec<(String, String)>,
    #[serde(default)]
    docs: BTreeMap<String, Vec<u32>>,
    #[serde(default, skip_serializing)]
    by_doc: BTreeMap<String, Vec<(String, String)>>,
}

fn paren_regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        // `(НОР)`, `(далее – ВСОКО)`, `(далее - ГАУ СО «РЦОКО»)`, `(далее – школы с НОР)`.
        Regex::new(r"\((?:\s*далее\s*(?:по тексту\s*)?[-–—:]?\s*)?([^()]{2,60})\)").ok()
    })
    .as_ref()
}

/// Words of an abbreviation candidate: 2–10 capital letters.
fn is_abbreviation(word: &str) -> bool {
    let n = word.chars().count();
    (2..=10).contains(&n)
        && word
            .chars()
            .all(|c| c.is_uppercase() && crate::ru::is_letter(c))
}

/// Short function words that may sit inside a full form without giving a letter.
fn is_function_word(word: &str) -> bool {
    matches!(
        word,
        "и" | "в" | "во" | "с" | "со" | "по" | "для" | "на" | "к" | "о" | "об"
    )
}

/// Finds `(ABBR)` definitions in a text: pairs of (abbreviation, full form as written).
pub fn find_definitions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(re) = paren_regex() else {
        return out;
    };
    for caps in re.captures_iter(text) {
        let (Some(whole), Some(inner)) = (caps.get(0), caps.get(1)) else {
            continue;
        };
        // The full form is within the few hundred bytes before the parenthesis.
        let mut from = whole.start().saturating_sub(400);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..whole.start()];
        for abbr in inner
            .as_str()
            .split(|c: char| !crate::ru::is_letter(c))
            .filter(|w| is_abbreviation(w))
        {
            if let Some(full) = expansion(before, abbr)
                && !out.iter().any(|(a, f)| a == abbr && *f == full)
            {
                out.push((abbr.to_string(), full));
            }
        }
    }
    out
}

/// The words right before `before`'s end whose initials spell `abbr`, if any.
fn expansion(before: &str, abbr: &str) -> Option<String> {
    // Words (hyphenated parts separately) with their byte starts, the last ones first.
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in before
        .char_indices()
        .chain(std::iter::once((before.len(), ' ')))
    {
        match (crate::ru::is_letter(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, &before[s..i]));
                start = None;
            }
            _ => {}
        }
        // Sentence boundaries stop the search.
        if matches!(c, '.' | ';' | '(' | ')') && i + 1 < before.len() {
            words.clear();
        }
    }
    let letters: Vec<char> = fold(abbr).chars().collect();
    let mut li = letters.len();
    let mut first_used = None;
    for &(s, w) in words.iter().rev().take(MAX_WORDS_BACK) {
        if li == 0 {
            break;
        }
        let lw = fold(w);
        if lw.starts_with(letters[li - 1]) {
            li -= 1;
            first_used = Some(s);
        } else if is_function_word(&lw) && first_used.is_some() {
            continue;
        } else {
            return None;
        }
    }
    let from = first_used?;
    if li != 0 {
        return None;
    }
    let full = before[from..].trim_end_matches(|c: char| !crate::ru::is_letter(c));
    Some(full.to_string())
}

impl Abbreviations {
    /// Loads the abbreviations of an index directory (empty if there are none).
    pub fn load(dir: &Path) -> Result<Self> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => return Err(Error::Io { path, source }),
        };
        let disk: OnDisk = serde_json::from_str(&text)
            .map_err(|e| Error::Index(format!("{}: {e}", path.display())))?;
        let mut out = Abbreviations::default();
        for pair in disk.pairs {
            out.number(pair);
        }
        let known = out.pairs.len();
        for (doc, numbers) in disk.docs {
            let valid = numbers.into_iter().filter(|&n| (n as usize) < known);
            out.by_doc.insert(doc, valid.collect());
        }
        for (doc, pairs) in disk.by_doc {
            let numbers = pairs.into_iter().map(|p| out.number(p)).collect();
            out.by_doc.insert(doc, numbers);
        }
        Ok(out)
    }

    /// Writes the abbreviations atomically (temp file + rename), only the pairs some
    /// document defines.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let mut disk = OnDisk::default();
        let mut renumbered: HashMap<u32, u32> = HashMap::new();
        for (doc, numbers) in &self.by_doc {
            let mut own = Vec::with_capacity(numbers.len());
            for &n in numbers {
                let Some(pair) = self.pairs.get(n as usize) else {
                    continue;
                };
                let next = disk.pairs.len() as u32;
                let m = *renumbered.entry(n).or_insert_with(|| {
                    disk.pairs.push(pair.clone());
                    next
                });
                own.push(m);
            }
            disk.docs.insert(doc.clone(), own);
        }
        let json = serde_json::to_string(&disk).map_err(|e| Error::Index(e.to_string()))?;
        super::write_atomically(&dir.join(FILE), json.as_bytes())
    }

    /// The number of `pair`, given one when new.
    fn number(&mut self, pair: (String, String)) -> u32 {
        if let Some(&n) = self.numbers.get(&pair) {
            return n;
        }
        let n = self.pairs.len() as u32;
        self.pairs.push(pair.clone());
        self.numbers.insert(pair, n);
        n
    }

    /// Forgets the definitions of one removed document, so that its abbreviations no longer
    /// expand queries once the document is gone.
    pub fn forget(&mut self, doc_id: &str) {
        self.by_doc.remove(doc_id);
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Abbreviations::default();
    }

    /// Learns the definitions of one document (replacing what was known of it).
    pub fn learn(&mut self, doc: &Document) {
        let mut defs: Vec<(String, String)> = Vec::new();
        // A context or block lead-in is shared by the entries under it: read once.
        let mut shared: HashSet<&str> = HashSet::new();
        for e in &doc.entries {
            let lead_ins = [e.context.as_deref(), e.block_title.as_deref()]
                .into_iter()
                .flatten()
                .filter(|t| shared.insert(t));
            for text in std::iter::once(e.text.as_str()).chain(lead_ins) {
                for d in find_definitions(text) {
                    if !defs.contains(&d) {
                        defs.push(d);
                    }
                }
            }
        }
        self.define(&doc.meta.doc_id, defs);
    }

    /// Sets the pairs document `doc_id` defines (none: the document is forgotten).
    fn define(&mut self, doc_id: &str, defs: Vec<(String, String)>) {
        if defs.is_empty() {
            self.by_doc.remove(doc_id);
        } else {
            let numbers = defs.into_iter().map(|d| self.number(d)).collect();
            self.by_doc.insert(doc_id.to_string(), numbers);
        }
    }

    /// Every distinct (abbreviation, full form) pair over all documents. Spellings of an
    /// abbreviation that differ only in case or ё/е are one abbreviation, shown (in `expanded`)
    /// as the documents write it most often (ties: the most capitals, then code-point order);
    /// matching folds it anyway.
    pub fn pairs(&self) -> Vec<(String, String)> {
        // Documents per pair, then (folded abbreviation, full form) → its spellings with their
        // numbers of documents, in the order the pairs are first met.
        let mut docs = vec![0usize; self.pairs.len()];
        let mut first: Vec<u32> = Vec::new();
        for numbers in self.by_doc.values() {
            for &n in numbers {
                if let Some(c) = docs.get_mut(n as usize) {
                    if *c == 0 {
                        first.push(n);
                    }
                    *c += 1;
                }
            }
        }
        let mut spellings: HashMap<(String, &str), Vec<(&str, usize)>> = HashMap::new();
        let mut order: Vec<(String, &str)> = Vec::new();
        for n in first {
            let Some((a, f)) = self.pairs.get(n as usize) else {
                continue;
            };
            let count = docs.get(n as usize).copied().unwrap_or(0);
            let key = (fold(a), f.as_str());
            let known = spellings.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                Vec::new()
            });
            known.push((a.as_str(), count));
        }
        let capitals = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
        order
            .into_iter()
            .filter_map(|key| {
                let best = spellings.get(&key)?.iter().max_by(|(a, n), (b, m)| {
                    n.cmp(m).then(capitals(a).cmp(&capitals(b))).then(b.cmp(a))
                })?;
                Some((best.0.to_string(), key.1.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_definitions_in_seed_sentences() {
        let text = "что дальнейшему повышению эффективности работы со школами с низкими \
                    образовательными результатами (НОР) будет способствовать";
        assert_eq!(
            find_definitions(text),
            [(
                "НОР".to_string(),
                "низкими образовательными результатами".to_string()
            )]
        );
        let text = "в рамках внутренней системы оценки качества образования (далее – ВСОКО)";
        assert_eq!(
            find_definitions(text)[0].1,
            "внутренней системы оценки качества образования"
        );
        let text = "мониторинговой информационно-аналитической системы (МИАС)";
        assert_eq!(find_definitions(text)[0].0, "МИАС");
    }

    #[test]
    fn pairs_keep_the_spelling_of_the_documents() {
        let full = "всероссийской олимпиады школьников".to_string();
        let mut a = Abbreviations::default();
        for (id, spelling) in [("a", "ВсОШ"), ("b", "ВСОШ"), ("c", "ВсОШ")] {
            a.define(id, vec![(spelling.to_string(), full.clone())]);
        }
        assert_eq!(a.pairs(), [("ВсОШ".to_string(), full.clone())]);
        // A tie goes to the spelling with more capitals.
        a.forget("c");
        assert_eq!(a.pairs(), [("ВСОШ".to_string(), full)]);
    }

    #[test]
    fn the_file_holds_each_pair_once_and_older_files_still_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pair = |a: &str, f: &str| (a.to_string(), f.to_string());
        let mut a = Abbreviations::default();
        a.define(
            "d1",
            vec![
                pair("НОР", "низкими результатами"),
                pair("ОО", "организации"),
            ],
        );
        a.define("d2", vec![pair("ОО", "организации")]);
        a.define("d3", vec![pair("ГИА", "итоговой аттестации")]);
        a.forget("d3");
        a.save(dir.path()).expect("save");
        let text = std::fs::read_to_string(dir.path().join(FILE)).expect("read");
        assert_eq!(text.matches("организации").count(), 1, "{text}");
        assert!(
            !text.contains("ГИА"),
            "a forgotten document's pairs are not written: {text}"
        );
        let back = Abbreviations::load(dir.path()).expect("load");
        assert_eq!(back.pairs(), a.pairs());
        assert_eq!(back.pairs().len(), 2);
        // The form written by older binaries: every document's pairs in full.
        let old = r#"{"by_doc":{"d1":[["НОР","низкими результатами"],["ОО","организации"]],"d2":[["ОО","организации"]]}}"#;
        std::fs::write(dir.path().join(FILE), old).expect("write");
        let legacy = Abbreviations::load(dir.path()).expect("load the older form");
        assert_eq!(legacy.pairs(), a.pairs());
    }

    #[test]
    fn ignores_parentheses_that_are_not_definitions() {
        assert!(find_definitions("руководители (Иванова И.И.)").is_empty());
        assert!(find_definitions("провести конференцию (далее - конференция)").is_empty());
        assert!(find_definitions("итоги года (ЕГЭ)").is_empty());
        assert!(find_definitions("(НОР)").is_empty());
    }
}
