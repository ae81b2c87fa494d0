//! Document ids of a batch against the documents the index already holds.
//!
//! A batch arrives with ids unique among its files ([`crate::ingest::collect_files`]). Against
//! the index, a file keeps the id its document already has (same canonical path: re-indexing
//! replaces it); a base id held by another file is taken over only when that document has the
//! same text (replacing it loses nothing: the same seed indexed from the binary and from
//! `seeds/`) or was indexed before origins were recorded; otherwise the file gets an id of its
//! own ([`crate::ingest::unique_id`]). So no document ever silently replaces another one.

use std::collections::{HashMap, HashSet};

/// What the index records of a document it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeldDoc {
    /// Canonical path of its file (`None`: indexed without one, or by an older version).
    pub origin: Option<String>,
    /// Fingerprint of its decoded text ([`crate::ingest::short_hash`]).
    pub content: Option<String>,
}

/// The id a file of a batch gets, decided before its text is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedId {
    /// The id unless `same_text` applies.
    pub id: String,
    /// A base id held by another file, with that document's text fingerprint: when the file's
    /// text has the same fingerprint, it replaces that document under that id.
    pub same_text: Option<(String, String)>,
}

impl PlannedId {
    /// The final id of a file whose text has the fingerprint `content`.
    pub fn resolve(&self, content: &str) -> &str {
        match &self.same_text {
            Some((id, held)) if held == content => id,
            _ => &self.id,
        }
    }
}

/// Plans the ids of a batch of `(batch id, canonical path)` against the held documents. The
/// planned ids (and their `same_text` alternatives) are unique within the batch whatever the
/// texts turn out to be.
pub(crate) fn plan(files: &[(&str, &str)], held: &HashMap<String, HeldDoc>) -> Vec<PlannedId> {
    let by_origin: HashMap<&str, &str> = held
        .iter()
        .filter_map(|(id, h)| Some((h.origin.as_deref()?, id.as_str())))
        .collect();
    // First the ids that need no suffix, so that suffixed ids avoid every one of them.
    let mut out: Vec<Option<PlannedId>> = files
        .iter()
        .map(|&(base, origin)| {
            let id = match (by_origin.get(origin), held.get(base)) {
                (Some(&id), _) => id,
                (None, None) => base,
                (None, Some(h)) if h.origin.is_none() => base,
                (None, Some(_)) => return None,
            };
            Some(PlannedId {
                id: id.to_string(),
                same_text: None,
            })
        })
        .collect();
    let mut taken: HashSet<String> = out.iter().flatten().map(|p| p.id.clone()).collect();
    let bases: HashSet<&str> = files.iter().map(|&(base, _)| base).collect();
    for (slot, &(base, origin)) in out.iter_mut().zip(files) {
        if slot.is_some() {
            continue;
        }
        let id = crate::ingest::unique_id(base, origin, |id| {
            taken.contains(id) || held.contains_key(id) || bases.contains(id)
        });
        taken.insert(id.clone());
        let same_text = held
            .get(base)
            .and_then(|h| h.content.clone())
            .filter(|_| !taken.contains(base))
            .map(|content| (base.to_string(), content));
        if same_text.is_some() {
            // One file at most takes a held id over.
            taken.insert(base.to_string());
        }
        *slot = Some(PlannedId { id, same_text });
    }
    out.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(entries: &[(&str, Option<&str>, &str)]) -> HashMap<String, HeldDoc> {
        entries
            .iter()
            .map(|&(id, origin, content)| {
                (
                    id.to_string(),
                    HeldDoc {
                        origin: origin.map(str::to_string),
                        content: Some(content.to_string()),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_file_keeps_its_id_and_others_get_their_own() {
        let index = held(&[("resolution", Some("/c/2019/resolution.txt"), "aaa")]);
        let plan = plan(
            &[
                ("2019_resolution", "/c/2019/resolution.txt"),
                ("resolution", "/d/resolution.txt"),
                ("other", "/c/other.txt"),
            ],
            &index,
        );
        assert_eq!(plan[0].id, "resolution");
        assert!(plan[1].id.starts_with("resolution-"), "{:?}", plan[1]);
        assert_eq!(plan[1].resolve("bbb"), plan[1].id);
        assert_eq!(plan[2].id, "other");
        // The held id is re-indexed by its own file in this batch: no take-over by text.
        assert_eq!(plan[1].resolve("aaa"), plan[1].id);
    }

    #[test]
    fn the_same_text_takes_the_held_id_over() {
        let index = held(&[("seed", Some("embedded:seeds/seed.txt"), "aaa")]);
        let plan = plan(&[("seed", "/repo/seeds/seed.txt")], &index);
        assert_eq!(plan[0].resolve("aaa"), "seed");
        assert_ne!(plan[0].resolve("bbb"), "seed");
    }

    #[test]
    fn documents_without_an_origin_are_replaced_as_before() {
        let mut index = held(&[("x", None, "aaa")]);
        index.insert("x-0".into(), HeldDoc::default());
        let plan = plan(&[("x", "/a/x.txt")], &index);
        assert_eq!(plan[0].id, "x");
    }

    #[test]
    fn suffixed_ids_avoid_the_ids_of_the_batch() {
        let index = held(&[("x", Some("/a/x.txt"), "aaa")]);
        let suffixed = plan(&[("x", "/b/x.txt")], &HashMap::new())[0].id.clone();
        assert_eq!(suffixed, "x");
        let first = plan(&[("x", "/b/x.txt")], &index)[0].id.clone();
        // A file of the batch already named like the suffixed id keeps it; the other moves on.
        let plan = plan(&[(first.as_str(), "/c/y.txt"), ("x", "/b/x.txt")], &index);
        assert_eq!(plan[0].id, first);
        assert_ne!(plan[1].id, first);
        assert!(plan[1].id.starts_with("x-"), "{:?}", plan[1]);
    }
}
