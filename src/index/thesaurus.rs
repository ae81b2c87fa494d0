//! The domain thesaurus as data: abbreviations of Russian education policy with their expansions,
//! and groups of interchangeable wordings (official ↔ everyday), read from `data/thesaurus.toml`
//! (embedded in the binary) and from local files of the same format (`serve --thesaurus FILE`).
//! Format, sources and override rules: `data/THESAURUS.md`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The built-in thesaurus file.
const BUILTIN: &str = include_str!("../../data/thesaurus.toml");
/// The format version this build reads.
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    block: Vec<Block>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Block {
    name: String,
    source: String,
    #[serde(default)]
    #[allow(dead_code)]
    url: Option<String>,
    #[serde(default)]
    abbreviations: Vec<(String, String)>,
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
    #[serde(default)]
    narrower: Vec<Vec<String>>,
}

/// Abbreviations with their expansions and groups of interchangeable wordings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Thesaurus {
    /// `(spelling, expansions)`, in file order; one spelling (folded) appears once.
    abbreviations: Vec<(String, Vec<String>)>,
    /// Groups of two or more interchangeable wordings.
    synonyms: Vec<Vec<String>>,
    /// `(broader term, narrower terms)`: kinds of a thing, searched when the thing is typed
    /// (not the other way round: «ЕГЭ» is a «государственная итоговая аттестация», not every
    /// ГИА is an ЕГЭ).
    narrower: Vec<(String, Vec<String>)>,
}

/// Case- and ё-insensitive key of a spelling.
fn fold(s: &str) -> String {
    s.trim().to_lowercase().replace('ё', "е")
}

impl Thesaurus {
    /// The built-in thesaurus (`data/thesaurus.toml`). Its parse is checked by a test; should it
    /// ever fail, the engine logs it and searches without a thesaurus.
    pub fn builtin() -> Thesaurus {
        let mut t = Thesaurus::default();
        if let Err(e) = t.merge_str(BUILTIN, "data/thesaurus.toml") {
            tracing::error!("built-in thesaurus unreadable: {e}");
        }
        t
    }

    /// The built-in thesaurus with the local files merged in, in order.
    pub fn with_files(files: &[impl AsRef<Path>]) -> Result<Thesaurus> {
        let mut t = Thesaurus::builtin();
        for f in files {
            t.merge_file(f.as_ref())?;
        }
        Ok(t)
    }

    /// Merges a local thesaurus file: its abbreviations replace the known expansions of the same
    /// spelling, its synonym groups are added.
    pub fn merge_file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        self.merge_str(&text, &path.display().to_string())
    }

    /// Merges thesaurus text (`origin` names it in errors).
    pub fn merge_str(&mut self, text: &str, origin: &str) -> Result<()> {
        let bad = |message: String| Error::Thesaurus {
            origin: origin.to_string(),
            message,
        };
        let file: File = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if file.version != FORMAT_VERSION {
            return Err(bad(format!(
                "format version {} is not supported (this program reads version {FORMAT_VERSION})",
                file.version
            )));
        }
        for block in file.block {
            self.merge_block(block).map_err(&bad)?;
        }
        Ok(())
    }

    fn merge_block(&mut self, block: Block) -> std::result::Result<(), String> {
        let what = format!("block «{}» ({})", block.name, block.source);
        // Rows of one spelling within a block together form its new expansions.
        let mut fresh: Vec<(String, Vec<String>)> = Vec::new();
        for (spelling, expansion) in block.abbreviations {
            let (spelling, expansion) = (spelling.trim(), expansion.trim());
            if spelling.is_empty() || expansion.is_empty() {
                return Err(format!("{what}: an abbreviation row has an empty field"));
            }
            match fresh.iter_mut().find(|(s, _)| fold(s) == fold(spelling)) {
                Some((_, exps)) => exps.push(expansion.to_string()),
                None => fresh.push((spelling.to_string(), vec![expansion.to_string()])),
            }
        }
        for (spelling, exps) in fresh {
            match self
                .abbreviations
                .iter_mut()
                .find(|(s, _)| fold(s) == fold(&spelling))
            {
                Some(known) => *known = (spelling, exps),
                None => self.abbreviations.push((spelling, exps)),
            }
        }
        for group in block.synonyms {
            let group: Vec<String> = group
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if group.len() < 2 {
                return Err(format!(
                    "{what}: a synonym group needs two or more wordings: {group:?}"
                ));
            }
            self.synonyms.push(group);
        }
        for row in block.narrower {
            let mut row = row
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
            let broad = row.next();
            let kinds: Vec<String> = row.collect();
            match broad {
                Some(broad) if !kinds.is_empty() => self.narrower.push((broad, kinds)),
                _ => {
                    return Err(format!(
                        "{what}: a narrower row needs a broader term and one or more narrower terms"
                    ));
                }
            }
        }
        Ok(())
    }

    /// `(spelling, expansions)` of every abbreviation.
    pub fn abbreviations(&self) -> &[(String, Vec<String>)] {
        &self.abbreviations
    }

    /// The synonym groups.
    pub fn synonyms(&self) -> &[Vec<String>] {
        &self.synonyms
    }

    /// `(broader term, narrower terms)` rows.
    pub fn narrower(&self) -> &[(String, Vec<String>)] {
        &self.narrower
    }

    /// Number of abbreviation spellings and of synonym groups.
    pub fn counts(&self) -> (usize, usize) {
        (self.abbreviations.len(), self.synonyms.len())
    }

    /// Expansions per folded spelling (for lookups by callers outside the query builder).
    pub fn expansions_by_spelling(&self) -> HashMap<String, &[String]> {
        self.abbreviations
            .iter()
            .map(|(s, e)| (fold(s), e.as_slice()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_file_parses_completely() {
        let mut t = Thesaurus::default();
        t.merge_str(BUILTIN, "builtin").unwrap();
        let (abbr, groups) = t.counts();
        assert!(abbr >= 300, "{abbr}");
        assert!(groups >= 100, "{groups}");
        assert!(t.narrower().len() >= 5, "{:?}", t.narrower());
        let by = t.expansions_by_spelling();
        let dout = by["до"];
        assert!(dout.contains(&"дошкольное образование".to_string()));
        assert!(dout.contains(&"дополнительное образование".to_string()));
        assert_eq!(Thesaurus::builtin(), t);
    }

    #[test]
    fn local_rows_replace_expansions_and_add_groups() {
        let mut t = Thesaurus::builtin();
        let before = t.counts();
        let local = r#"
version = 1
[[block]]
name = "местные"
source = "приказ"
abbreviations = [["до", "детский оздоровительный"], ["СОИРО", "Саратовский областной институт развития образования"]]
synonyms = [["продлёнка", "группа продлённого дня"]]
"#;
        t.merge_str(local, "local.toml").unwrap();
        let by = t.expansions_by_spelling();
        assert_eq!(by["до"], ["детский оздоровительный".to_string()]);
        assert_eq!(by["соиро"].len(), 1);
        assert_eq!(t.counts(), (before.0 + 1, before.1 + 1));
    }

    #[test]
    fn bad_files_are_named_errors() {
        let mut t = Thesaurus::default();
        for (text, needle) in [
            ("version = 2", "version 2"),
            ("version = 1\n[[block]]\nname = \"x\"", "source"),
            (
                "version = 1\n[[block]]\nname = \"x\"\nsource = \"y\"\nsynonyms = [[\"один\"]]",
                "two or more",
            ),
            (
                "version = 1\n[[block]]\nname = \"x\"\nsource = \"y\"\nnarrower = [[\"ГИА\"]]",
                "narrower row",
            ),
            ("version = 1\n[[block]\n", "local.toml"),
        ] {
            let e = t.merge_str(text, "local.toml").unwrap_err().to_string();
            assert!(e.contains("local.toml") && e.contains(needle), "{e}");
        }
        assert_eq!(t, Thesaurus::default());
    }
}
