//! Stage 4: segment a document into sections, addressee blocks and entries.
//!
//! The hierarchy is document → section → addressee block → entry:
//! - **sections**: strategic-session headings («I. Стратегическая сессия «…»», «Резолюция по
//!   результатам работы стратегической сессии «…»», «По результатам работы стратегической
//!   сессии «…»», «По вопросу «…»»), roman-numeral chapters, appendices («Приложение № 2» +
//!   its title), project headings («2.5. В рамках проекта «Современная школа»:»). The topic is
//!   the title in quotes; inside an appendix it is the appendix title («Модель поддержки …»).
//! - **addressee blocks**: a numbered lead-in in the dative («1. Министерству образования …:»,
//!   «2. Рекомендовать отделу образования (Абрамова), …:», «6. МКУ ИРЦОСО (Вислобокова):»),
//!   an unnumbered one ending with a colon, or the Model's «N. X с функциями:» /
//!   «В функции X входит:» (provisions addressed to X). A lead-in that goes on with a verb
//!   («3. Главам … взять на личный контроль:») keeps the verb part as the `context` of its
//!   items; without a colon («1. Министерству … обеспечить …») it is a one-entry block.
//! - **entries**: items of a block (`;`-terminated clauses, bullets, numbered sub-items), items
//!   of a list under a lead-in ending with a colon (the lead-in becomes their `context` and is
//!   not an entry of its own), and narrative paragraphs (findings, or provisions in orders).
//!
//! Conventions:
//! - `number` is the number as printed («2.6», «3.6.1»). An unnumbered item under a numbered
//!   block or lead-in gets the parent number, a hyphen and its 1-based position among the
//!   unnumbered items of that parent: the second bullet of block 3 is «3-2», the first item
//!   under «2.6.» is «2.6-1». Items outside any numbered parent have no number.
//! - `text` is the item without its number or bullet, and without a trailing `;` (a final `.`
//!   is kept). The deadline line that follows an item in tabular decisions («в срок до
//!   31.12.2021 г.») is not part of the text and not an entry: it becomes the item's
//!   `deadline_text` (and `deadline` when it has a date).
//! - `deadline`: the deadline line after the item wins, then a date in the item, then in its
//!   context, then in the enclosing lead-ins («до конца 2021 года:», «… до 15 апреля 2022
//!   года:»).
//! - `entry_type`: items of addressee blocks and everything after «… рекомендуют:»,
//!   «Конференция решила:», «ПРИКАЗЫВАЮ:» are recommendations (narrative paragraphs there stay
//!   findings); items of the Model's «с функциями:» / «В функции … входит:» blocks are
//!   provisions; other narrative paragraphs and lists are findings, or provisions in orders
//!   (the Concept and the Model).
//! - `id` is `doc_id/s{section}/b{block}/e{n}`: section index (0 before the first heading),
//!   block number (1-based in the document, 0 outside blocks) and the 1-based index of the
//!   entry within that section and block. It depends only on the text, so it is stable.
//! - Documents without recognisable structure degrade to one entry per paragraph (long
//!   paragraphs split at sentence ends) with a warning.

mod classify;
mod emit;
mod layout;
mod lexicon;
mod period;
mod text;

use std::collections::HashMap;

use crate::clean::{self, NUMBERED, Para};
use crate::enrich;
use crate::meta::first_quoted;
use crate::model::{Addressee, Deadline, DocKind, DocumentMeta, Entry, EntryType, Role};
use crate::ru::DALEE;
use classify::NameCase;
use lexicon::{
    ACT_SUBJECT, ADDRESSING_VERBS, APPENDIX, APPENDIX_REQUISITE, DEFINES, DOC_TYPE, FUNCTIONS_IN,
    HEARD, PAREN_NUMBER, PROJECT, REGULATION, REGULATION_SUBJECT, REGULATION_TITLE, ROMAN, SESSION,
    SIGNATURE, TRIGGER, WITH_FUNCTIONS, clean_lead, find_infinitive, is_addressee_start,
    starts_with_infinitive,
};
use text::{depth, is_ancestor, sentence_case, sentences, split_number, strip_item_end};

/// Segments clean paragraphs into entries (document order) and warnings.
pub fn segment(meta: &DocumentMeta, paragraphs: &[Para]) -> (Vec<Entry>, Vec<String>) {
    let (paragraphs, rows) = layout::normalise(paragraphs);
    let paragraphs = paragraphs.as_slice();
    let mut seg = Segmenter::new(meta);
    seg.rows = rows;
    seg.normative = meta.kind == DocKind::Other
        && paragraphs
            .iter()
            .take(6)
            .any(|p| REGULATION.is_match(&p.text));
    let start = header_len(paragraphs);
    let mut i = start;
    while i < paragraphs.len() {
        i = seg.step(paragraphs, i);
    }
    let (mut entries, warnings) = seg.finish(paragraphs, start);
    let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
    // Typos first, so that a misspelt full name joins its body before the aliases apply.
    enrich::unify_spellings(&mut entries);
    let aliases = enrich::Aliases::from_paragraphs(&texts);
    for e in &mut entries {
        enrich::merge_aliases(&mut e.addressees, &aliases);
    }
    (entries, warnings)
}

/// Number of leading paragraphs that are the document's requisites (title lines, date,
/// «Одобрена участниками …», the order's subject) rather than content.
fn header_len(paras: &[Para]) -> usize {
    let mut n = 0;
    for p in paras.iter().take(12) {
        let t = p.text.as_str();
        let len = t.chars().count();
        let requisite = t.starts_with("Одобрен")
            || t.starts_with("Принят")
            || t.starts_with("от ")
            || t.starts_with("г. ")
            || t == "Проект";
        let title_like = len < 400
            && !t.ends_with(':')
            && !t.ends_with(';')
            && !t.ends_with('.')
            && !NUMBERED.is_match(t)
            && !p.bullet;
        if requisite || title_like {
            n += 1;
        } else {
            break;
        }
    }
    n
}

/// An addressee block.
#[derive(Debug, Clone)]
struct Block {
    /// 0-based index in the document.
    index: u32,
    number: Option<String>,
    title: String,
    addressees: Vec<Addressee>,
    responsible: Vec<String>,
    kind: EntryType,
    /// Entries emitted in the block so far.
    children: u32,
    /// The lead-in as written: an entry of its own if nothing follows it.
    lead: String,
}

/// A numbered lead-in governing the items numbered below it («2.6.», «2.7.1.»).
#[derive(Debug, Clone)]
struct Header {
    number: String,
    /// Lead-in text kept as the context of the items («… обучающихся:»).
    context: Option<String>,
    /// Addressees named by this lead-in («2.7.1. МБОУ «Сатинская СОШ» (Ветров):»).
    addressees: Option<(Vec<Addressee>, Vec<String>)>,
    /// The header paragraph, emitted as an entry if no item follows it.
    text: String,
    children: u32,
    /// The header was emitted as an entry of its own already (a lead-in with content).
    emitted: bool,
    /// The header defines what its items list («2. Определить следующие места
    /// регистрации:»): the items are provisions unless worded as instructions.
    defines: bool,
}

/// An unnumbered lead-in ending with a colon, context of the list that follows.
#[derive(Debug, Clone)]
struct ListCtx {
    text: String,
    children: u32,
    /// The list's items are numbered («1. Федеральный закон …»).
    numbered: bool,
    /// Number of headers open when the lead-in appeared (the list is nested below them).
    depth: usize,
}

/// A project sub-section («2.5. В рамках проекта «Современная школа»:»).
#[derive(Debug, Clone)]
struct Project {
    number: String,
    section: String,
    topic: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    Narrative,
    Recommend,
}

/// What an entry is, before ids and metadata are attached.
struct Draft {
    entry_type: EntryType,
    number: Option<String>,
    text: String,
    context: Option<String>,
    addressees: Vec<Addressee>,
    responsible: Vec<String>,
    /// Text searched for a deadline after the item itself (context, lead-ins).
    deadline_sources: Vec<String>,
    in_block: bool,
}

struct Segmenter<'a> {
    meta: &'a DocumentMeta,
    entries: Vec<Entry>,
    warnings: Vec<String>,
    section: Option<String>,
    topic: Option<String>,
    section_idx: u32,
    appendix_topic: Option<String>,
    zone: Zone,
    blocks: u32,
    block: Option<Block>,
    headers: Vec<Header>,
    list: Option<ListCtx>,
    project: Option<Project>,
    per_path: HashMap<(u32, u32), u32>,
    unnumbered: HashMap<String, u32>,
    /// Index of the last entry if it was an item that a deadline line may follow.
    last_item: Option<usize>,
    /// The last item, if it was bulleted or a numbered sub-item, with its raw text: a
    /// lower-case, unmarked paragraph right after it continues it (a wrapped line that
    /// happened to end with `;`).
    continuable: Option<(usize, String)>,
    deadline_cache: HashMap<String, Option<Deadline>>,
    /// The previous item ended with `;` (the list goes on).
    list_open: bool,
    structured: bool,
    /// The text is a regulation (Положение, Порядок): its narrative clauses are provisions.
    normative: bool,
    /// Plan-table rows by paragraph index (see `layout`).
    rows: HashMap<usize, layout::TableRow>,
}

impl<'a> Segmenter<'a> {
    fn new(meta: &'a DocumentMeta) -> Self {
        Segmenter {
            meta,
            entries: Vec::new(),
            warnings: Vec::new(),
            section: None,
            topic: None,
            section_idx: 0,
            appendix_topic: None,
            zone: Zone::Narrative,
            blocks: 0,
            block: None,
            headers: Vec::new(),
            list: None,
            project: None,
            per_path: HashMap::new(),
            unnumbered: HashMap::new(),
            last_item: None,
            continuable: None,
            deadline_cache: HashMap::new(),
            list_open: false,
            structured: false,
            normative: false,
            rows: HashMap::new(),
        }
    }

    fn narrative_type(&self) -> EntryType {
        // The clauses of a regulation, also one annexed to an act, are provisions.
        let regulation = self
            .appendix_topic
            .as_deref()
            .is_some_and(|t| REGULATION.is_match(t) || REGULATION_TITLE.is_match(t));
        if self.meta.kind == DocKind::Order || self.normative || regulation {
            EntryType::Provision
        } else {
            EntryType::Finding
        }
    }

    /// Processes the paragraph at `i`; returns the index of the next one.
    fn step(&mut self, paras: &[Para], i: usize) -> usize {
        let p = &paras[i];
        let text = p.text.trim();
        let last_item = self.last_item.take();
        let continuable = self.continuable.take();
        if text.is_empty() || SIGNATURE.is_match(text) {
            return i + 1;
        }
        if HEARD.is_match(text) {
            self.close_block();
            self.zone = Zone::Narrative;
        }
        if let Some(row) = self.rows.remove(&i) {
            self.table_row(text, row);
            return i + 1;
        }
        // «1) обеспечить …» under «2. Управлению …:» is item 2.1.
        if !p.bullet
            && let Some(c) = PAREN_NUMBER.captures(text)
            && let (Some(n), Some(rest)) = (c.get(1), c.get(2))
        {
            let number = match self.parent_number().filter(|p| !p.is_empty()) {
                Some(parent) => format!("{parent}.{}", n.as_str()),
                None => n.as_str().to_string(),
            };
            self.numbered(&number, rest.as_str());
            return i + 1;
        }
        let deadline_line = clean::is_deadline_line(text);
        if deadline_line && let Some(idx) = last_item {
            self.attach_deadline_line(idx, text);
            return i + 1;
        }
        if !p.bullet
            && !deadline_line
            && !text.ends_with(':')
            && !starts_with_infinitive(text)
            && !SESSION.is_match(text)
            && !ROMAN.is_match(text)
            && !APPENDIX.is_match(text)
            && !TRIGGER.is_match(text)
            && !NUMBERED.is_match(text)
            // a capitalised paragraph continues an item only if it looks like the rest of one
            && (text.starts_with(char::is_lowercase)
                || text.ends_with(';')
                || text.chars().count() < 300)
            && let Some((idx, raw)) = continuable
            && (raw.trim_end().ends_with(';')
                || raw.trim_end().ends_with('.') && text.ends_with(';'))
            && let Some(e) = self.entries.get_mut(idx)
        {
            let merged = format!("{} {}", raw.trim_end(), text);
            e.text = strip_item_end(&merged);
            self.continuable = Some((idx, merged));
            self.last_item = Some(idx);
            return i + 1;
        }
        if !p.bullet && self.is_act_subject(text) {
            return i + 1;
        }
        if !p.bullet {
            if SESSION.is_match(text) && text.chars().count() < 400 {
                let topic = first_quoted(text).map(|q| q.trim().trim_end_matches('.').to_string());
                self.new_section(Some(text.to_string()), topic, Zone::Narrative);
                return i + 1;
            }
            if APPENDIX.is_match(text) && text.chars().count() < 200 {
                return self.appendix(paras, i);
            }
            if REGULATION_TITLE.is_match(text) && !self.entries.is_empty() {
                return self.regulation(paras, i);
            }
            if let Some(c) = ROMAN.captures(text)
                && text.chars().count() < 250
                && !text.ends_with(';')
                && !text.ends_with(':')
            {
                let title = c.get(2).map_or("", |m| m.as_str()).trim_end_matches('.');
                let topic = self
                    .appendix_topic
                    .clone()
                    .or_else(|| first_quoted(title).map(str::to_string))
                    .unwrap_or_else(|| title.to_string());
                self.new_section(Some(text.to_string()), Some(topic), Zone::Narrative);
                return i + 1;
            }
            if TRIGGER.is_match(text) && !NUMBERED.is_match(text) && text.chars().count() < 1500 {
                self.close_block();
                // Narrative sentences glued before «… рекомендуют:» are a finding.
                let s = sentences(text);
                if s.len() > 1 {
                    let last = s[s.len() - 1];
                    let before = text[..text.len() - last.len()].trim();
                    let ty = self.narrative_type();
                    let draft = self.draft(ty, None, strip_item_end(before));
                    self.emit(draft, false);
                }
                self.zone = Zone::Recommend;
                self.structured = true;
                return i + 1;
            }
        }
        if !p.bullet
            && let Some((number, rest)) = split_number(text)
        {
            self.numbered(&number, rest);
            return i + 1;
        }
        self.unnumbered(p, text);
        i + 1
    }

    /// «Об утверждении Порядка …» before the operative part of an act: its subject line, a
    /// title rather than content.
    fn is_act_subject(&self, text: &str) -> bool {
        crate::meta::is_act(self.meta.kind)
            && !self.structured
            && self.zone == Zone::Narrative
            && ACT_SUBJECT.is_match(text)
            && text.chars().count() < 300
    }

    fn attach_deadline_line(&mut self, idx: usize, line: &str) {
        let Some(e) = self.entries.get_mut(idx) else {
            return;
        };
        let mut written = line.trim().trim_end_matches([';', ',', ' ']).to_string();
        if written.ends_with('.') && !written.ends_with("г.") {
            written.pop();
        }
        match enrich::deadline(line) {
            Some(d) => {
                e.deadline = Some(d.date);
                e.deadline_text = Some(d.text);
            }
            None => {
                e.deadline = None;
                e.deadline_text = Some(written);
            }
        }
    }

    fn new_section(&mut self, section: Option<String>, topic: Option<String>, zone: Zone) {
        self.close_block();
        self.end_project();
        self.section_idx += 1;
        self.section = section;
        self.topic = topic;
        self.zone = zone;
        self.structured |= self.section.is_some();
    }

    /// «Приложение № 2», its requisites and its title; returns the next paragraph index.
    fn appendix(&mut self, paras: &[Para], i: usize) -> usize {
        let mut j = i + 1;
        let mut name: Option<String> = None;
        while j < paras.len() && j <= i + 6 {
            let t = paras[j].text.trim();
            if APPENDIX_REQUISITE.is_match(t) && t.chars().count() < 200 {
                j += 1;
                continue;
            }
            if t.chars().count() < 400
                && !t.ends_with(';')
                && !t.ends_with(':')
                && !ROMAN.is_match(t)
            {
                if let Some(m) = DOC_TYPE.find(t) {
                    name = Some(t[m.start()..].trim().trim_end_matches('.').to_string());
                    j += 1;
                } else if t
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(char::is_uppercase)
                {
                    name = Some(sentence_case(t));
                    j += 1;
                }
            }
            break;
        }
        let heading = paras[i].text.trim().to_string();
        let section = match &name {
            Some(n) => format!("{heading}. {n}"),
            None => heading,
        };
        self.appendix_topic = name.clone();
        self.new_section(Some(section), name, Zone::Narrative);
        j
    }

    /// «ПОЛОЖЕНИЕ» / «О МИНИСТЕРСТВЕ …» after the operative part: the regulation the act
    /// approves, printed without an «Приложение» line; its clauses are provisions.
    fn regulation(&mut self, paras: &[Para], i: usize) -> usize {
        let mut name = paras[i].text.trim().to_string();
        let mut j = i + 1;
        if let Some(next) = paras.get(j).map(|p| p.text.trim())
            && REGULATION_SUBJECT.is_match(next)
            && next.chars().count() < 300
        {
            name = format!("{name} {next}");
            j += 1;
        }
        let upper = name
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
        if upper {
            name = sentence_case(&name);
        }
        self.appendix_topic = Some(name.clone());
        self.new_section(Some(name.clone()), Some(name), Zone::Narrative);
        j
    }

    fn end_project(&mut self) {
        if self.project.take().is_some() {
            self.section_idx += 1;
        }
    }

    fn close_block(&mut self) {
        self.flush_headers(0);
        self.flush_list();
        // A lead-in naming addressees with nothing under it (a page cut after it, or an
        // instruction without a verb) is still an entry, addressed to them.
        if let Some(b) = &self.block
            && b.children == 0
            && b.kind == EntryType::Recommendation
            && !b.lead.is_empty()
        {
            let text = strip_item_end(&b.lead);
            let number = b.number.clone();
            let draft = self.draft(EntryType::Recommendation, number, text);
            self.emit(draft, false);
        }
        self.block = None;
        self.list_open = false;
    }

    /// Pops headers from the stack down to `keep`, emitting those that got no items.
    fn flush_headers(&mut self, keep: usize) {
        while self.headers.len() > keep {
            let Some(h) = self.headers.pop() else { break };
            if h.children == 0 && h.addressees.is_none() && !h.emitted {
                let draft = self.draft(
                    self.default_type(),
                    Some(h.number.clone()),
                    strip_item_end(&h.context.clone().unwrap_or(h.text.clone())),
                );
                self.emit(draft, false);
            }
        }
    }

    fn flush_list(&mut self) {
        if let Some(l) = self.list.take()
            && l.children == 0
        {
            let ty = self.default_type();
            let number = self.parent_number().map(|_| self.next_unnumbered());
            let draft = self.draft(ty, number, strip_item_end(&l.text));
            self.emit(draft, false);
        }
    }

    /// Type of an actionable item here.
    fn default_type(&self) -> EntryType {
        if let Some(b) = &self.block {
            return b.kind;
        }
        if self.headers.last().is_some_and(|h| h.defines) {
            return EntryType::Provision;
        }
        match self.zone {
            Zone::Recommend => EntryType::Recommendation,
            Zone::Narrative => self.narrative_type(),
        }
    }

    fn parent_number(&self) -> Option<String> {
        self.headers
            .last()
            .map(|h| h.number.clone())
            .or_else(|| self.block.as_ref().and_then(|b| b.number.clone()))
    }

    fn next_unnumbered(&mut self) -> String {
        let parent = self.parent_number().unwrap_or_default();
        let block = self.block.as_ref().map_or(u32::MAX, |b| b.index);
        let k = self
            .unnumbered
            .entry(format!("{block}:{parent}"))
            .or_insert(0);
        *k += 1;
        format!("{parent}-{k}")
    }

    fn numbered(&mut self, number: &str, rest: &str) {
        // A numbered list is structure: the document is not split into bare paragraphs.
        self.structured = true;
        let plain_item = !PROJECT.is_match(rest)
            && !WITH_FUNCTIONS.is_match(rest)
            && !is_addressee_start(rest, true);
        let keeps_list = plain_item
            && depth(number) == 1
            && self.block.is_none()
            && self
                .list
                .as_ref()
                .is_some_and(|l| l.children == 0 || l.numbered);
        if keeps_list {
            let list = self.list.take();
            self.flush_headers(0);
            self.list = list;
            if let Some(l) = self.list.as_mut() {
                l.depth = 0;
                l.numbered = true;
                l.children += 1;
            }
            let ty = self.default_type();
            let draft = self.draft(ty, Some(number.to_string()), strip_item_end(rest));
            self.emit(draft, true);
            self.list_open = rest.ends_with(';');
            return;
        }
        self.flush_list();
        // Leave the headers that are not ancestors of this number.
        let keep = self
            .headers
            .iter()
            .take_while(|h| is_ancestor(&h.number, number))
            .count();
        self.flush_headers(keep);
        if let Some(pr) = &self.project
            && !is_ancestor(&pr.number, number)
        {
            self.end_project();
        }
        let top = depth(number) == 1;
        if top {
            self.close_block();
        }
        if let Some(b) = &self.block
            && b.number
                .as_deref()
                .is_some_and(|bn| !is_ancestor(bn, number))
        {
            self.close_block();
        }

        if PROJECT.is_match(rest) {
            self.start_project(number, rest);
            return;
        }
        if let Some(c) = WITH_FUNCTIONS.captures(rest) {
            let who = DALEE
                .replace_all(c.get(1).map_or("", |m| m.as_str()), "")
                .to_string();
            self.open_block(Some(number.to_string()), &who, rest, EntryType::Provision);
            return;
        }
        if is_addressee_start(rest, true) && rest.chars().count() < 700 {
            self.addressee_lead(Some(number), rest, rest);
            return;
        }
        if rest.ends_with(':') {
            // «2. Определить следующие места регистрации:», «2) государственную программу …
            // изложить в следующей редакции:» in an act say something themselves: they are
            // entries, and the context of their items.
            let with_content = self.operative()
                && (starts_with_infinitive(rest) || find_infinitive(rest, 40).is_some())
                && rest.split_whitespace().count() >= 4;
            if with_content {
                let ty = self.default_type();
                let draft = self.draft(ty, Some(number.to_string()), rest.to_string());
                self.emit(draft, false);
            }
            self.headers.push(Header {
                number: number.to_string(),
                context: Some(rest.to_string()),
                addressees: None,
                text: rest.to_string(),
                children: 0,
                emitted: with_content,
                defines: with_content && DEFINES.is_match(rest),
            });
            return;
        }
        let ty = self.default_type();
        let draft = self.draft(ty, Some(number.to_string()), strip_item_end(rest));
        let before = self.entries.len();
        self.emit(draft, true);
        if depth(number) > 1 && self.entries.len() == before + 1 {
            self.continuable = Some((before, rest.to_string()));
        }
        self.list_open = rest.ends_with(';');
    }

    fn start_project(&mut self, number: &str, rest: &str) {
        let name = first_quoted(rest).unwrap_or("").trim().to_string();
        let end = rest
            .find(&format!("{name}»"))
            .map_or(rest.len(), |p| p + name.len() + '»'.len_utf8());
        let section = format!("{number}. {}", &rest[..end]);
        self.project = Some(Project {
            number: number.to_string(),
            section,
            topic: name,
        });
        self.section_idx += 1;
        self.headers.push(Header {
            number: number.to_string(),
            context: Some(rest.to_string()),
            addressees: None,
            text: rest.to_string(),
            children: 0,
            emitted: false,
            defines: false,
        });
    }

    /// A plan-table row: an instruction with the row's deadline and, as addressees, the
    /// people or bodies of its responsible column.
    fn table_row(&mut self, text: &str, row: layout::TableRow) {
        self.close_block();
        self.structured = true;
        let (number, rest) = split_number(text).map_or((None, text), |(n, r)| (Some(n), r));
        let mut draft = self.draft(EntryType::Recommendation, number, strip_item_end(rest));
        if let Some(cell) = &row.responsible {
            let (rest, persons) = classify::take_persons(cell, NameCase::Written);
            draft.addressees = if persons.is_empty() {
                enrich::addressees_nominative(&rest)
            } else {
                persons
                    .iter()
                    .map(|p| Addressee {
                        raw: p.clone(),
                        canonical: p.clone(),
                        role: Role::Other,
                    })
                    .collect()
            };
            classify::merge_responsible(&mut draft.responsible, persons);
        }
        if let Some(d) = &row.deadline {
            draft.deadline_sources.insert(0, d.clone());
        }
        let before = self.entries.len();
        self.emit(draft, true);
        if let Some(d) = row.deadline {
            for e in self.entries.iter_mut().skip(before) {
                if e.deadline_text.is_none() {
                    e.deadline_text = Some(d.clone());
                }
            }
        }
    }

    /// Opens an addressee block (top level) or an addressee sub-header (deeper numbers).
    /// `lead` is the addressee phrase shown as the block title; `written` is the lead-in
    /// as written, which the enrich stage parses (it knows the numbering, «Рекомендовать»,
    /// verbs, «с функциями:» and «В функции … входит:»).
    fn open_block(&mut self, number: Option<String>, lead: &str, written: &str, kind: EntryType) {
        // «Начальнику … Брюшковой Л.Н.:», «(начальник Н.Г.Сован)»: persons are responsible,
        // not part of the addressee.
        let original = written.to_string();
        let (written, mut responsible) = classify::take_persons(written, NameCase::Dative);
        let (lead, _) = classify::take_persons(lead, NameCase::Dative);
        let title = clean_lead(&lead);
        let addressees = enrich::addressees(&written);
        classify::merge_responsible(&mut responsible, enrich::responsible(&lead));
        self.structured = true;
        match number {
            Some(n) if depth(&n) > 1 && self.block.is_some() => {
                self.headers.push(Header {
                    number: n,
                    context: None,
                    addressees: Some((addressees, responsible)),
                    text: lead.to_string(),
                    children: 0,
                    emitted: false,
                    defines: false,
                });
            }
            number => {
                self.close_block();
                self.block = Some(Block {
                    index: self.blocks,
                    number,
                    title,
                    addressees,
                    responsible,
                    kind,
                    children: 0,
                    lead: original,
                });
                self.blocks += 1;
            }
        }
    }

    /// A lead-in naming addressees: a block header, possibly with a verb part (context) or a
    /// whole one-sentence instruction.
    fn addressee_lead(&mut self, number: Option<&str>, rest: &str, full: &str) {
        // «Рекомендовать отделу образования …» is not the verb of the item.
        let skip = ADDRESSING_VERBS
            .iter()
            .find(|p| rest.starts_with(*p))
            .map_or(0, |p| p.len());
        let inf = find_infinitive(&rest[skip..], 60).map(|pos| pos + skip);
        let (lead, remainder) = match inf {
            Some(pos) => (&rest[..pos], Some(rest[pos..].trim())),
            None => (rest, None),
        };
        let written = match remainder {
            Some(_) => full
                .find(rest)
                .and_then(|off| full.get(..off + lead.len()))
                .unwrap_or(lead)
                .trim_end()
                .trim_end_matches(['-', '–', ',', ' ']),
            None => full,
        };
        self.open_block(
            number.map(str::to_string),
            lead,
            written,
            EntryType::Recommendation,
        );
        match remainder {
            Some(r) if r.ends_with(':') => {
                let n = number.map_or_else(String::new, str::to_string);
                self.headers.push(Header {
                    number: n,
                    context: Some(r.to_string()),
                    addressees: None,
                    text: rest.to_string(),
                    children: 0,
                    emitted: false,
                    defines: false,
                });
            }
            Some(_) => {
                let draft = self.draft(
                    EntryType::Recommendation,
                    number.map(str::to_string),
                    strip_item_end(rest),
                );
                self.emit(draft, true);
                self.list_open = rest.ends_with(';');
            }
            None => {}
        }
    }

    fn unnumbered(&mut self, p: &Para, text: &str) {
        if let Some(c) = FUNCTIONS_IN.captures(text) {
            let who = c.get(1).map_or("", |m| m.as_str()).to_string();
            self.flush_list();
            self.open_block(None, &who, text, EntryType::Provision);
            return;
        }
        let starts_lower = text.chars().next().is_some_and(char::is_lowercase);
        if !p.bullet
            && !starts_lower
            && is_addressee_start(text, false)
            && text.chars().count() < 700
        {
            let inf = find_infinitive(text, 60);
            if text.ends_with(':') || inf.is_some() {
                self.flush_list();
                self.addressee_lead(None, text, text);
                return;
            }
        }
        if text.ends_with(':') {
            self.lead_in(p, text);
            return;
        }
        let in_block = self.block.is_some() || !self.headers.is_empty();
        let item_like = p.bullet
            || starts_lower
            || self.list_open
            || (self.list.as_ref().is_some_and(|l| l.children == 0))
            || (self.block.as_ref().is_some_and(|b| b.children == 0))
            || (self
                .headers
                .last()
                .is_some_and(|h| h.children == 0 && h.context.is_some()))
            || in_block
                && (starts_with_infinitive(text)
                    || find_infinitive(text, 30).is_some()
                    || PROJECT.is_match(text));
        if item_like && (in_block || self.list.is_some() || p.bullet || self.list_open) {
            let ty = self.default_type();
            let number = self.parent_number().map(|_| self.next_unnumbered());
            let draft = self.draft(ty, number, strip_item_end(text));
            let before = self.entries.len();
            self.emit(draft, true);
            if p.bullet && self.entries.len() == before + 1 {
                self.continuable = Some((before, text.to_string()));
            }
            if let Some(l) = self.list.as_mut() {
                l.children += 1;
            }
            self.list_open = text.ends_with(';');
            if text.ends_with('.') && self.list.is_some() && !p.bullet {
                self.list = None;
            }
            return;
        }
        // A narrative paragraph: it ends the current block and list.
        self.close_block();
        let ty = self.narrative_type();
        let draft = self.draft(ty, None, strip_item_end(text));
        self.emit(draft, false);
    }

    /// An unnumbered paragraph ending with a colon: the context of the list that follows.
    /// A narrative sentence before it in the same paragraph is an entry of its own.
    fn lead_in(&mut self, p: &Para, text: &str) {
        self.flush_list();
        let in_block = self.block.is_some() || !self.headers.is_empty();
        let mut lead = text.to_string();
        if !p.bullet {
            let s = sentences(text);
            let last = s.last().copied().unwrap_or(text);
            let functions = FUNCTIONS_IN.captures(last);
            if !in_block || functions.is_some() {
                let before = text[..text.len() - last.len()].trim();
                if before.chars().count() >= 40 {
                    self.close_block();
                    let ty = self.narrative_type();
                    let draft = self.draft(ty, None, before.to_string());
                    self.emit(draft, false);
                    lead = last.to_string();
                }
                if let Some(c) = functions {
                    let who = c.get(1).map_or("", |m| m.as_str()).to_string();
                    self.open_block(None, &who, last, EntryType::Provision);
                    return;
                }
                self.close_block();
            }
        }
        self.list = Some(ListCtx {
            text: lead,
            children: 0,
            numbered: false,
            depth: self.headers.len(),
        });
        self.list_open = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The metadata and entries of a text, as the pipeline parses it.
    fn parsed(id: &str, text: &str) -> (DocumentMeta, Vec<Entry>) {
        let paras = crate::clean::clean(text);
        let texts: Vec<String> = paras.iter().map(|p| p.text.clone()).collect();
        let meta = crate::meta::detect(id, &format!("{id}.txt"), &texts);
        let (entries, _) = segment(&meta, &paras);
        (meta, entries)
    }

    #[test]
    fn protocol_decisions_after_the_reports() {
        let text = "ПРОТОКОЛ № 2\n\nзаседания общественного совета\n\nот 14.03.2019\n\n1. СЛУШАЛИ:\n\nПетрову А.В. о подготовке к итоговой аттестации.\n\nРЕШИЛИ:\n\n1.1. Информацию Петровой А.В. принять к сведению.\n\n1.2. Рекомендовать руководителям общеобразовательных организаций обеспечить информирование родителей до 01.04.2019.\n\n2. СЛУШАЛИ:\n\nСидорова И.И. о летней оздоровительной кампании.\n\nПОСТАНОВИЛИ:\n\n2.1. Поручить отделу общего образования (Петрова А.В.) подготовить справку в срок до 20.05.2019.\n";
        let (meta, entries) = parsed("p", text);
        assert_eq!(meta.kind, DocKind::Protocol);
        assert_eq!(meta.number.as_deref(), Some("2"));
        let by_start = |s: &str| entries.iter().find(|e| e.text.starts_with(s));
        let ty = |s: &str| by_start(s).map(|e| e.entry_type);
        assert_eq!(ty("Петрову"), Some(EntryType::Finding));
        assert_eq!(ty("Информацию"), Some(EntryType::Finding));
        assert_eq!(ty("Сидорова"), Some(EntryType::Finding));
        let rec = by_start("Рекомендовать").map(|e| (e.entry_type, e.addressees.len(), e.deadline));
        assert_eq!(
            rec,
            Some((
                EntryType::Recommendation,
                1,
                chrono::NaiveDate::from_ymd_opt(2019, 4, 1)
            ))
        );
        let order = by_start("Поручить");
        assert_eq!(
            order.map(|e| e.addressees.iter().map(|a| a.role).collect::<Vec<_>>()),
            Some(vec![Role::MunicipalAuthority])
        );
        assert_eq!(
            order.map(|e| e.responsible.clone()),
            Some(vec!["Петрова А.В.".to_string()])
        );
    }

    #[test]
    fn the_signer_keeps_control() {
        let text = "АДМИНИСТРАЦИЯ КАЛМАНСКОГО РАЙОНА\n\nПОСТАНОВЛЕНИЕ\n\nот 14.11.2014 № 601\n\nПОСТАНОВЛЯЮ:\n\n1. Утвердить муниципальную программу.\n\n2. Контроль за исполнением настоящего постановления оставляю за собой.\n\nГлава администрации\nКалманского района\n\nС.А. Тахтаров\n";
        let (_, entries) = parsed("k", text);
        let control = entries.iter().find(|e| e.text.starts_with("Контроль"));
        assert_eq!(
            control.map(|e| (
                e.addressees
                    .iter()
                    .map(|a| (a.canonical.clone(), a.role))
                    .collect::<Vec<_>>(),
                e.responsible.clone()
            )),
            Some((
                vec![(
                    "Глава администрации Калманского района".to_string(),
                    Role::MunicipalHead
                )],
                vec!["Тахтаров С.А.".to_string()]
            ))
        );
    }

    #[test]
    fn items_of_a_defining_lead_in_are_provisions() {
        let text = "ПРИКАЗ\n\nприказываю:\n\n1. Утвердить форму заявления.\n\n2. Определить следующие места регистрации на сдачу ЕГЭ:\n\n2.1. Для выпускников прошлых лет – органы местного самоуправления.\n\n2.2. Обеспечить прием заявлений.\n";
        let (_, entries) = parsed("o", text);
        let ty = |n: &str| {
            entries
                .iter()
                .find(|e| e.number.as_deref() == Some(n))
                .map(|e| e.entry_type)
        };
        assert_eq!(ty("2"), Some(EntryType::Recommendation));
        assert_eq!(ty("2.1"), Some(EntryType::Provision));
        assert_eq!(ty("2.2"), Some(EntryType::Recommendation));
    }

    #[test]
    fn addressee_starts() {
        assert!(is_addressee_start(
            "Министерству образования Саратовской области:",
            true
        ));
        assert!(is_addressee_start(
            "Рекомендовать отделу образования (Абрамова):",
            true
        ));
        assert!(is_addressee_start("МКУ ИРЦОСО (Вислобокова):", false));
        assert!(!is_addressee_start("Утвердить:", true));
        assert!(!is_addressee_start(
            "Создание системы взаимодействия.",
            true
        ));
        assert!(!is_addressee_start("Согласиться с выводами.", true));
    }
}
