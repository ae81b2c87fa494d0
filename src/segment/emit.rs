//! The last step of segmentation: drafts (an item with the addressees, context and deadline
//! sources in force) become entries with ids and the document's metadata.

use super::classify::NameCase;
use super::lexicon::{SELF_CONTROL, SIGNED};
use super::period::period_end;
use super::text::{split_long, strip_item_end};
use super::{Draft, Segmenter, classify};
use crate::clean::Para;
use crate::enrich;
use crate::model::{DocKind, Entry, EntryType};

impl Segmenter<'_> {
    /// Whether the item is in the operative part of an act (or of an untyped text): before
    /// any section, appendix or project heading.
    pub(super) fn operative(&self) -> bool {
        (crate::meta::is_act(self.meta.kind) || self.meta.kind == DocKind::Other)
            && self.section_idx == 0
            && self.project.is_none()
    }

    /// Builds an entry draft with the addressees, context and deadline sources in force.
    pub(super) fn draft(
        &mut self,
        entry_type: EntryType,
        number: Option<String>,
        text: String,
    ) -> Draft {
        let headers_open = self.headers.len();
        let mut context = self
            .list
            .as_ref()
            .filter(|l| {
                l.depth >= headers_open || !self.headers.iter().any(|h| h.context.is_some())
            })
            .map(|l| l.text.clone());
        let mut addressees = None;
        let mut responsible: Vec<String> = Vec::new();
        let mut deadline_sources = Vec::new();
        for h in self.headers.iter_mut().rev() {
            h.children += 1;
            if context.is_none() {
                context.clone_from(&h.context);
            }
            if addressees.is_none()
                && let Some((a, r)) = &h.addressees
            {
                addressees = Some(a.clone());
                responsible.extend(r.iter().cloned());
            }
            deadline_sources.push(h.text.clone());
        }
        if let Some(c) = &context {
            deadline_sources.insert(0, c.clone());
        }
        let in_block = self.block.is_some();
        if let Some(b) = self.block.as_mut() {
            b.children += 1;
        }
        if let Some(b) = &self.block {
            if addressees.is_none() {
                addressees = Some(b.addressees.clone());
                responsible.extend(b.responsible.iter().cloned());
            }
            deadline_sources.push(b.title.clone());
        }
        let entry_type = if self.operative() {
            classify::act_item_type(&text, entry_type)
        } else {
            classify::narrative_type(&text, entry_type)
        };
        if addressees.as_ref().is_none_or(Vec::is_empty)
            && let Some((a, r)) = classify::control(&text)
        {
            addressees = Some(a);
            classify::merge_responsible(&mut responsible, r);
        }
        classify::merge_responsible(&mut responsible, enrich::responsible(&text));
        Draft {
            entry_type,
            number,
            text,
            context,
            addressees: addressees.unwrap_or_default(),
            responsible,
            deadline_sources,
            in_block,
        }
    }

    /// Turns a draft into entries (several if it is overlong).
    pub(super) fn emit(&mut self, d: Draft, item: bool) {
        let pieces = split_long(&d.text);
        if pieces.len() > 1 {
            self.warnings.push(format!(
                "{}: a paragraph of {} characters was split into {} entries",
                self.meta.doc_id,
                d.text.chars().count(),
                pieces.len()
            ));
        }
        let mut deadline = enrich::deadline(&d.text).or_else(|| period_end(&d.text));
        for source in &d.deadline_sources {
            if deadline.is_some() {
                break;
            }
            // Lead-ins repeat for every item of a block: parse each once.
            deadline = self
                .deadline_cache
                .entry(source.clone())
                .or_insert_with(|| enrich::deadline(source).or_else(|| period_end(source)))
                .clone();
        }
        let undated = match deadline {
            Some(_) => None,
            None => enrich::undated_term(&d.text),
        };
        let block_no = self
            .block
            .as_ref()
            .filter(|_| d.in_block)
            .map_or(0, |b| b.index + 1);
        let (section, topic) = match &self.project {
            Some(p) => (Some(p.section.clone()), Some(p.topic.clone())),
            None => (self.section.clone(), self.topic.clone()),
        };
        for piece in pieces {
            if piece.trim().is_empty() {
                continue;
            }
            let n = self
                .per_path
                .entry((self.section_idx, block_no))
                .or_insert(0);
            *n += 1;
            let id = format!(
                "{}/s{}/b{}/e{}",
                self.meta.doc_id, self.section_idx, block_no, n
            );
            let m = self.meta;
            self.entries.push(Entry {
                id,
                doc_id: m.doc_id.clone(),
                doc_title: m.title.clone(),
                kind: m.kind,
                level: m.level,
                region: m.region.clone(),
                municipality: m.municipality.clone(),
                date: m.date,
                year: m.year,
                section: section.clone(),
                topic: topic.clone(),
                entry_type: d.entry_type,
                number: d.number.clone(),
                addressees: d.addressees.clone(),
                deadline: deadline.as_ref().map(|x| x.date),
                deadline_text: deadline
                    .as_ref()
                    .map(|x| x.text.clone())
                    .or_else(|| undated.clone()),
                responsible: d.responsible.clone(),
                context: d.context.clone(),
                text: piece,
                position: self.entries.len() as u32,
                block: self.block.as_ref().filter(|_| d.in_block).map(|b| b.index),
                block_title: self
                    .block
                    .as_ref()
                    .filter(|_| d.in_block)
                    .map(|b| b.title.clone()),
            });
        }
        if item {
            self.last_item = self.entries.len().checked_sub(1);
        }
    }

    pub(super) fn finish(mut self, paras: &[Para], start: usize) -> (Vec<Entry>, Vec<String>) {
        self.close_block();
        if self.entries.is_empty() && paras.len() > start {
            // Nothing recognised at all: every paragraph becomes an entry.
            for p in &paras[start..] {
                let ty = self.narrative_type();
                let d = self.draft(ty, None, strip_item_end(&p.text));
                self.emit(d, false);
            }
        }
        self.signer_keeps_control(paras, start);
        if !self.structured && !self.entries.is_empty() {
            let msg = format!(
                "{}: no sections, recommendation lead-ins or addressee blocks recognised; \
                 the document was split into paragraph entries",
                self.meta.doc_id
            );
            tracing::warn!("{msg}");
            self.warnings.push(msg);
        }
        for (k, e) in self.entries.iter_mut().enumerate() {
            e.position = k as u32;
        }
        (self.entries, self.warnings)
    }

    /// «Контроль … оставляю за собой»: the item is addressed to the post of the act's
    /// signature (the first paragraph after the header opening with a post and «И.О.
    /// Фамилия»), and the signer is responsible.
    fn signer_keeps_control(&mut self, paras: &[Para], start: usize) {
        let wanted = |e: &Entry| e.addressees.is_empty() && SELF_CONTROL.is_match(&e.text);
        if !self.entries.iter().any(wanted) {
            return;
        }
        // The post and the name may stand in two paragraphs (short lines of a signature).
        let signed = |text: &str| {
            let c = SIGNED.captures(text)?;
            Some((
                c.get(1)?.as_str().to_string(),
                c.get(2)?.as_str().to_string(),
            ))
        };
        let tail = paras.get(start..).unwrap_or_default();
        let found = tail.iter().enumerate().find_map(|(k, p)| {
            let text = p.text.trim();
            signed(text).or_else(|| {
                let next = tail.get(k + 1).filter(|_| text.chars().count() < 150)?;
                signed(&format!("{text} {}", next.text.trim()))
            })
        });
        let Some((post, person)) = found else {
            return;
        };
        let addressees = enrich::addressees_nominative(&post);
        let (_, persons) = classify::take_persons(&person, NameCase::Written);
        for e in self.entries.iter_mut().filter(|e| wanted(e)) {
            e.addressees.clone_from(&addressees);
            classify::merge_responsible(&mut e.responsible, persons.iter().cloned());
        }
    }
}
