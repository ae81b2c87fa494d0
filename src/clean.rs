//! Stage 2: turn decoded text into logical paragraphs.
//!
//! Joins hard-wrapped PDF lines, undoes end-of-line hyphenation, removes bullets and
//! conversion artefacts (`·`, `-` bullets, U+F02D/U+F0B7, `**`, `[bookmark: …]`, page
//! numbers) and collapses spaces, keeping the original letters (ё, «», dashes).
//!
//! Two layouts are handled:
//! - *one paragraph per line* (blank lines optional): a line is a paragraph unless it
//!   visibly continues the previous one (no terminator before it and a lower-case start);
//!   a blank line after a short single line (a title line) always separates;
//! - *hard-wrapped* PDF extractions (lines of 60–90 characters, often with blank lines
//!   between them): blank lines carry no meaning, and boundaries come from the text itself —
//!   a terminator (`;`, `:`, `.`) at the end of a line, a numbered item, a bullet, a heading,
//!   or a deadline line starting the next one; a short last line without a terminator
//!   before a capitalised line ends a title of several lines; an editorial note «(в ред. …)»
//!   on lines of its own ends where its parenthesis closes. After a `.` followed by a capital, a short
//!   line ends the paragraph; a line that fills the typical width continues it unless the
//!   next line's first word would have fitted on it (the wrap width is the 95th percentile
//!   of line lengths), the next line opens like paragraphs that start unambiguously
//!   elsewhere in the text (same first word, or same short word + second/third word: «На
//!   втором этапе …» / «На третьем этапе …»), or it opens a narrative paragraph of a
//!   resolution («Участники …», «По итогам обсуждения …», «В ходе обсуждения …»).
//!
//! List items are never glued together: a bullet, an item number or a `;`/`:` line end
//! always starts a new paragraph.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

/// One logical paragraph after cleaning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    /// Clean text: one line, single spaces, no bullet.
    pub text: String,
    /// The paragraph started with a bullet (`·`, `-`, U+F02D …) in the source.
    pub bullet: bool,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

static BOOKMARK: LazyLock<Regex> = LazyLock::new(|| re(r"\[bookmark:[^\]]*\]"));
static SPACES: LazyLock<Regex> = LazyLock::new(|| re(r"\s+"));
static SPACE_BEFORE_PUNCT: LazyLock<Regex> = LazyLock::new(|| re(r"\s+([,;:)»])"));
static SPACE_BEFORE_DOT: LazyLock<Regex> = LazyLock::new(|| re(r"([^\s.])\s+\.(\s|$)"));
static SPACE_AFTER_OPEN: LazyLock<Regex> = LazyLock::new(|| re(r"([(«])\s+"));
/// «лидером- наставником», «социально- психологического»: a compound split by a stray space.
static BROKEN_COMPOUND: LazyLock<Regex> = LazyLock::new(|| re(r"(\p{Ll})-\s+(\p{Ll})"));
/// Item numbers: «1.», «2.1.», «2.1 », «3.6.1.» followed by text.
pub(crate) static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(\d{1,2}(?:\.\d{1,2})*)\.\s*([\p{L}«\[(])|^(\d{1,2}(?:\.\d{1,2})+)\s+([\p{L}«])")
});
static ROMAN: LazyLock<Regex> = LazyLock::new(|| re(r"^[IVXLC]{1,6}\.\s*\S"));
/// Lines that start a heading: a break always precedes them.
static HEADING_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:Резолюция|РЕЗОЛЮЦИЯ|По результатам работы стратегической|Стратегическая сессия|Приложение\s*(?:№|N|\d|$)|ПРИЛОЖЕНИЕ|По вопросу\s*«|П\s?Р\s?И\s?К\s?А\s?З|ПРИКАЗЫВАЮ|Конференция решила|РЕШЕНИЕ|УТВЕРЖДЕН)",
    )
});
/// Whole lines that are paragraphs of their own (order requisites, the city of signing).
static STANDALONE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:от\s+\d{1,2}\.\d{1,2}\.\d{4}\s*(?:г\.?)?\s*№\s*\S+|г\.\s?\p{Lu}[\p{L}-]+)$")
});
/// Approval lines of a document header.
static REQUISITE: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:Одобрен|Принят|Утвержден)\p{L}*\s"));
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^[.\-–—_*•·]+$|^(?:Страница|стр\.)\s*\d+(?:\s*из\s*\d+)?$")
});
static URL_ONLY: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:https?://|www\.)\S+$"));
static DEADLINE_START: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:в\s+срок|срок|до\s|не\s+позднее|в\s+течени[ея]|постоянно|ежегодно|ежеквартально|ежемесячно|по\s+мере|в\s+\d{4}|в\s+(?:январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре)|(?:I|II|III|IV)\s+квартал)",
    )
});
static DEADLINE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:в|во|до|с|на|по|и|не|позднее|позже|срок|течение|течения|года?|году|г|гг|учебного|учебном|учебный|календарного|финансового|квартала?|полугоди[ея]|месяца?|раз|далее|постоянно|ежегодно|ежеквартально|ежемесячно|мере|необходимости|конца|начала|период|сентября|января|февраля|марта|апреля|мая|июня|июля|августа|октября|ноября|декабря|январе|феврале|марте|апреле|мае|июне|июле|августе|сентябре|октябре|ноябре|декабре|[ivx]+|\d[\d./]*(?:г|гг|года?)?)$",
    )
});

/// True for a short line that is only a deadline («в срок до 31.12.2021 г.», «в течение года»,
/// «постоянно»): in tabular decisions (004) such a line follows its item.
pub fn is_deadline_line(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 70 || line.ends_with(':') {
        return false;
    }
    if !DEADLINE_START.is_match(line) {
        return false;
    }
    line.split(|c: char| !(crate::ru::is_alphanumeric(c) || c == '.' || c == '/'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .all(|w| DEADLINE_WORD.is_match(w))
}

/// Splits `text` into clean logical paragraphs, in order.
pub fn paragraphs(text: &str) -> Vec<String> {
    clean(text).into_iter().map(|p| p.text).collect()
}

/// Splits `text` into clean logical paragraphs with their bullet flag, in order.
pub fn clean(text: &str) -> Vec<Para> {
    let text = normalise(text);
    let mut lines: Vec<Line> = Vec::new();
    let mut blank = false;
    for raw in text.split('\n') {
        match Line::parse(raw) {
            Some(mut line) => {
                line.after_blank = blank;
                blank = false;
                lines.push(line);
            }
            None => blank |= raw.trim().is_empty(),
        }
    }
    if lines.is_empty() {
        return Vec::new();
    }
    let layout = Layout::detect(&lines);
    let vocab = Vocabulary::of(&text);
    let mut out = Vec::new();
    let mut cur: Option<Building> = None;
    for (i, line) in lines.iter().enumerate() {
        let Some(b) = cur.as_mut() else {
            cur = Some(Building::start(line, i == 0));
            continue;
        };
        if line.is_url && b.ends_with_terminator() {
            continue; // a footnote URL between two items
        }
        if starts_new(b, line, &layout) {
            if let Some(done) = cur.take() {
                out.push(done.finish());
            }
            cur = Some(Building::start(line, b_ended(&out)));
        } else {
            b.append(line, &vocab);
        }
    }
    if let Some(done) = cur {
        out.push(done.finish());
    }
    out.retain(|p| !p.text.is_empty());
    out
}

fn b_ended(out: &[Para]) -> bool {
    // An editorial note between two items («(в ред. …)») does not end or continue anything.
    out.iter()
        .rev()
        .find(|p| !is_parenthesis(&p.text))
        .is_none_or(|p| ends_with_terminator(&p.text))
}

/// The text is one closed parenthesis («(в ред. Постановления … N 531-пП)»).
fn is_parenthesis(text: &str) -> bool {
    let t = text.trim();
    t.starts_with('(')
        && t.ends_with(')')
        && t.len() < 1000
        && t.matches('(').count() == t.matches(')').count()
}

/// Line ends, artefacts that span lines, odd spaces.
///
/// Each replacement copies the text only when it has something to replace (most texts have
/// none of these).
fn normalise(text: &str) -> String {
    let mut text = Cow::Borrowed(text);
    if text.contains('\r') {
        text = Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
    if text.contains("[bookmark:") {
        text = Cow::Owned(BOOKMARK.replace_all(&text, "").into_owned());
    }
    if text.contains("**") {
        text = Cow::Owned(text.replace("**", ""));
    }
    const SPACES: [char; 4] = ['\u{a0}', '\u{2007}', '\u{202f}', '\t'];
    if text.contains(SPACES) {
        text = Cow::Owned(text.replace(SPACES, " "));
    }
    const INVISIBLE: [char; 3] = ['\u{200b}', '\u{feff}', '\u{ad}'];
    if text.contains(INVISIBLE) {
        text = Cow::Owned(text.replace(INVISIBLE, ""));
    }
    text.into_owned()
}

/// One non-empty source line.
#[derive(Debug)]
struct Line {
    /// Trimmed text, spaces collapsed, bullet removed.
    text: String,
    /// Started with an unambiguous bullet (`·`, U+F02D …).
    bullet: bool,
    /// Started with `-`/`–`: a bullet after a finished item, a dash inside a sentence otherwise.
    dash: Option<char>,
    /// Length of the trimmed raw line (justified text keeps its padding).
    raw_len: usize,
    is_url: bool,
    /// A blank line came before it.
    after_blank: bool,
}

impl Line {
    fn parse(raw: &str) -> Option<Line> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || PAGE_NUMBER.is_match(trimmed) {
            return None;
        }
        let raw_len = trimmed.chars().count();
        let mut rest = trimmed;
        let mut bullet = false;
        let mut dash = None;
        while let Some(c) = rest.chars().next() {
            match c {
                '·' | '•' | '\u{f02d}' | '\u{f0b7}' | '\u{f0a7}' | '\u{f076}' | '\u{f0d8}'
                | '▪' | '●' | '◦' | '\u{2219}' => bullet = true,
                '-' | '–' | '—' if !bullet && dash.is_none() => {
                    let after = rest[c.len_utf8()..].chars().next();
                    if after.is_some_and(|a| a.is_ascii_digit()) {
                        break; // «-5 %»
                    }
                    dash = Some(c);
                }
                _ => break,
            }
            rest = rest[c.len_utf8()..].trim_start();
        }
        let text = if has_odd_spaces(rest) {
            SPACES.replace_all(rest, " ").into_owned()
        } else {
            rest.to_owned()
        };
        if text.is_empty() {
            return None;
        }
        let is_url = URL_ONLY.is_match(&text);
        Some(Line {
            text,
            bullet,
            dash,
            raw_len,
            is_url,
            after_blank: false,
        })
    }

    /// «- Принять меры …»: a hyphen and a capital start an item even after an unterminated
    /// line (an en dash with a capital may still be a dash inside a sentence).
    fn hyphen_bullet(&self) -> bool {
        self.dash == Some('-') && self.first_char().is_uppercase()
    }

    fn first_char(&self) -> char {
        self.text.chars().next().unwrap_or(' ')
    }

    fn starts_lower(&self) -> bool {
        self.first_char().is_lowercase()
    }

    fn is_numbered(&self) -> bool {
        NUMBERED.is_match(&self.text) || ROMAN.is_match(&self.text)
    }

    fn is_upper(&self) -> bool {
        is_upper(&self.text)
    }
}

/// An all-capitals heading line («МИНИСТЕРСТВО ОБРАЗОВАНИЯ», «РЕЗОЛЮЦИЯ»), not a lone
/// abbreviation such as «СО «РЦОКО»;».
fn is_upper(s: &str) -> bool {
    let mut letters = s.chars().filter(|&c| crate::ru::is_letter(c)).peekable();
    if letters.peek().is_none() || !letters.all(|c| c.is_uppercase()) {
        return false;
    }
    let long: Vec<usize> = s
        .split(|c: char| !crate::ru::is_letter(c))
        .map(|w| w.chars().count())
        .filter(|&n| n >= 4)
        .collect();
    long.len() >= 2 || long.iter().any(|&n| n >= 6)
}

/// Layout facts of a whole text.
struct Layout {
    /// Hard-wrapped PDF extraction.
    wrapped: bool,
    /// A line at least this long is a full line of a wrapped paragraph.
    full_width: usize,
    /// The width text is wrapped at: the length of the longest ordinary lines (95th
    /// percentile, so that a few overlong lines do not count).
    wrap_width: usize,
    /// How often each sentence opener (see [`opener`]) starts a paragraph whose start is
    /// unambiguous: after a `;`/`:` line end, or after a `.` at the end of a short line.
    openers: HashMap<String, usize>,
}

impl Layout {
    fn detect(lines: &[Line]) -> Layout {
        let mut lens: Vec<usize> = lines.iter().map(|l| l.raw_len).collect();
        lens.sort_unstable();
        let p90 = lens[(lens.len() * 9 / 10).min(lens.len() - 1)];
        let p95 = lens[(lens.len() * 95 / 100).min(lens.len() - 1)];
        let median = lens[lens.len() / 2];
        let continued = lines
            .windows(2)
            .filter(|w| {
                !ends_with_terminator(&w[0].text)
                    && w[1].starts_lower()
                    && !is_deadline_line(&w[1].text)
            })
            .count();
        let wrapped = lines.len() >= 4 && median <= 100 && continued * 5 >= lines.len();
        let full_width = (p90 * 85 / 100).max(40);
        let mut openers: HashMap<String, usize> = HashMap::new();
        if wrapped {
            for w in lines.windows(2) {
                let prev = w[0].text.trim_end();
                let clear_end =
                    prev.ends_with([';', ':']) || prev.ends_with('.') && w[0].raw_len < full_width;
                if clear_end {
                    for key in opener(&w[1].text) {
                        *openers.entry(key).or_default() += 1;
                    }
                }
            }
        }
        Layout {
            wrapped,
            full_width,
            wrap_width: p95,
            openers,
        }
    }

    /// After a full wrapped line ending with `.`, whether a capitalised `line` starts a
    /// new paragraph anyway: its first word would have fitted on the previous line (so
    /// the line was broken on purpose), or it begins with a sentence opener that starts
    /// paragraphs elsewhere in the text («На третьем этапе …» after «На втором этапе …»).
    fn breaks_after_full_line(&self, last_len: usize, line: &Line) -> bool {
        let first_word = line.text.split(' ').next().unwrap_or("").chars().count();
        if last_len + 1 + first_word <= self.wrap_width {
            return true;
        }
        let folded = crate::ru::fold(&line.text);
        PARAGRAPH_OPENERS.iter().any(|o| folded.starts_with(o))
            || opener(&line.text)
                .iter()
                .any(|k| self.openers.get(k).is_some_and(|&n| n >= 1))
    }
}

/// Openers of the narrative paragraphs of resolutions («Участники стратегической сессии
/// отметили …», «По итогам обсуждения участники …»). In the seeds written one paragraph per
/// line (001, 002, 004) they start paragraphs 31 times and never a sentence inside one.
const PARAGRAPH_OPENERS: [&str; 3] = ["участники ", "по итогам обсуждения", "в ходе обсуждения"];

/// Words that open a sentence continuing the previous one («Это …», «Такой подход …»,
/// «При этом …»): never counted as paragraph openers.
const ANAPHORIC: [&str; 16] = [
    "это",
    "эти",
    "этот",
    "эта",
    "данный",
    "данная",
    "данное",
    "данные",
    "такой",
    "такая",
    "такое",
    "такие",
    "также",
    "кроме",
    "при",
    "однако",
];

/// The opener keys of a capitalised line, lower-cased and «ё»-folded: its first word when
/// it has four letters or more («участники», «наличие»); after a short first word, that
/// word with the second and with the third word («На третьем этапе» → «на третьем», «на
/// этапе»), so that parallel paragraphs («На втором этапе …») share a key. Empty for lines
/// that do not start with a capital letter or start with an anaphoric word.
fn opener(text: &str) -> Vec<String> {
    if !text.starts_with(char::is_uppercase) {
        return Vec::new();
    }
    let words: Vec<String> = text
        .split(|c: char| !crate::ru::is_alphanumeric(c) && c != '-')
        .filter(|w| !w.is_empty())
        .take(3)
        .map(crate::ru::fold)
        .collect();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if ANAPHORIC.contains(&first.as_str()) {
        return Vec::new();
    }
    if first.chars().count() >= 4 {
        return vec![first.clone()];
    }
    words[1..].iter().map(|w| format!("{first} {w}")).collect()
}

/// A paragraph being assembled.
struct Building {
    text: String,
    bullet: bool,
    /// Raw length of the last line appended.
    last_len: usize,
    /// Source lines in the paragraph.
    lines: usize,
}

impl Building {
    fn start(line: &Line, after_terminator: bool) -> Building {
        let mut text = line.text.clone();
        let mut bullet = line.bullet;
        if let Some(d) = line.dash {
            if after_terminator || line.hyphen_bullet() {
                bullet = true;
            } else {
                text = format!("{d} {text}");
            }
        }
        Building {
            text,
            bullet,
            last_len: line.raw_len,
            lines: 1,
        }
    }

    fn ends_with_terminator(&self) -> bool {
        ends_with_terminator(&self.text)
    }

    /// The paragraph so far is one closed parenthesis.
    fn is_parenthesis(&self) -> bool {
        is_parenthesis(&self.text)
    }

    /// A quotation opened near the end of the paragraph is still open (a title wrapped
    /// across lines, possibly containing a colon). A quote left open far back is a typo.
    fn quotes_open(&self) -> bool {
        let mut depth = 0usize;
        let mut opened_at = 0usize;
        let mut n = 0usize;
        // Only the tail matters (and keeps joining linear on giant paragraphs).
        for c in tail(&self.text, 600).chars() {
            n += 1;
            match c {
                '«' => {
                    if depth == 0 {
                        opened_at = n;
                    }
                    depth += 1;
                }
                '»' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        depth > 0 && n - opened_at < 120
    }

    fn append(&mut self, line: &Line, vocab: &Vocabulary<'_>) {
        let mut next = line.text.as_str();
        let dashed;
        if let Some(d) = line.dash {
            dashed = format!("{d} {next}");
            next = &dashed;
        }
        let joined = join_hyphenated(&self.text, next, vocab);
        match joined {
            Some(j) => self.text = j,
            None => {
                if !self.text.ends_with('/') {
                    self.text.push(' ');
                }
                self.text.push_str(next);
            }
        }
        self.last_len = line.raw_len;
        self.lines += 1;
    }

    fn finish(self) -> Para {
        Para {
            text: tidy(&self.text),
            bullet: self.bullet,
        }
    }
}

fn ends_with_terminator(s: &str) -> bool {
    s.trim_end().ends_with(['.', ';', ':', '!', '?', '…'])
}

/// «г.», «гг.», «им.», an initial «Н.»: a full stop that does not end a sentence.
fn ends_with_abbreviation(text: &str) -> bool {
    let Some(before) = text.strip_suffix('.') else {
        return false;
    };
    let word: String = before
        .chars()
        .rev()
        .take_while(|&c| crate::ru::is_letter(c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut chars = word.chars();
    let single_capital = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    single_capital
        || matches!(
            word.as_str(),
            "г" | "гг" | "им" | "ул" | "ст" | "пос" | "обл" | "р-н"
        )
}

/// True when a heading paragraph is complete (its quoted title closed).
fn heading_complete(text: &str) -> bool {
    let t = text.trim_end_matches(['.', ' ']);
    t.ends_with('»')
        && text.len() < 2000
        && (HEADING_START.is_match(text) || ROMAN.is_match(text))
        && text.matches('«').count() == text.matches('»').count()
}

/// The last `max` bytes of `s` (or fewer, at a character boundary).
fn tail(s: &str, max: usize) -> &str {
    let mut start = s.len().saturating_sub(max);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Decides whether `line` starts a new paragraph after the paragraph `b`.
fn starts_new(b: &Building, line: &Line, layout: &Layout) -> bool {
    if line.bullet
        || HEADING_START.is_match(&line.text)
        || STANDALONE.is_match(&line.text)
        || STANDALONE.is_match(&b.text)
    {
        return true;
    }
    if is_deadline_line(&line.text) || is_deadline_line(&b.text) {
        return true;
    }
    if b.is_upper() != line.is_upper() && (b.is_upper() || line.text.chars().count() > 3) {
        return true;
    }
    if line.is_numbered() && b.ends_with_terminator() {
        return true;
    }
    if b.quotes_open() {
        return false;
    }
    // An editorial note on lines of its own («(в ред. Постановления … N 531-пП)») ends there.
    if b.is_parenthesis() {
        return true;
    }
    if REQUISITE.is_match(&b.text) && !line.starts_lower() {
        return true; // «Одобрена участниками … 27 августа 2020 года» stands alone
    }
    let terminated = b.ends_with_terminator();
    if line.dash.is_some() && terminated || line.hyphen_bullet() {
        return true;
    }
    if line.is_numbered() {
        let after_no = b.text.ends_with('№') || b.text.ends_with("пункт") || b.text.ends_with("п.");
        return terminated || !after_no && !line.starts_lower();
    }
    if heading_complete(&b.text) {
        return true;
    }
    if ROMAN.is_match(&b.text)
        && b.text.chars().count() < 200
        && !b.text.ends_with(',')
        && !line.starts_lower()
    {
        return true;
    }
    let end = b.text.trim_end();
    if end.ends_with([';', ':']) {
        return true;
    }
    if terminated {
        if line.starts_lower() {
            return false;
        }
        // «… г.⏎Саратова»: an abbreviation at the end of a full wrapped line.
        if layout.wrapped && b.last_len * 4 >= layout.full_width * 3 && ends_with_abbreviation(end)
        {
            return false;
        }
        if b.bullet || REQUISITE.is_match(&line.text) {
            // a bulleted item does not run on into a new sentence; «Одобрена участниками …»
            // after a sentence starts a header of its own
            return true;
        }
        // A capital after a full stop: a new paragraph unless the line was a full wrapped
        // line and nothing says the paragraph ended there.
        return !(layout.wrapped
            && b.last_len >= layout.full_width
            && !layout.breaks_after_full_line(b.last_len, line));
    }
    // No terminator: the line continues the paragraph in a wrapped text, or when it visibly
    // continues the sentence in a one-paragraph-per-line text.
    if line.starts_lower() {
        return false;
    }
    let last = end.chars().last().unwrap_or(' ');
    let open_end = matches!(last, ',' | '-' | '–' | '—' | '(' | '№');
    if layout.wrapped {
        // A short line without a terminator before a capital ends a title («… к новому
        // 2003-2004⏎учебному году⏎В систему образования …»): the next word would have fitted.
        let first_word = line.text.split(' ').next().unwrap_or("").chars().count();
        // Only after a paragraph of several lines (signature lines stay together) and
        // outside table cells.
        return !open_end
            && b.lines > 1
            && line.first_char().is_uppercase()
            && !b.text.contains('|')
            && !line.text.contains('|')
            && b.last_len + 1 + first_word <= layout.wrap_width * 3 / 4;
    }
    // A blank line after a short single line separates paragraphs (title lines of a page
    // whose paragraphs are blank-line separated); after a long line it may be the page's
    // double spacing inside a sentence.
    if line.after_blank && !open_end && b.lines == 1 && b.text.chars().count() < 200 {
        return true;
    }
    !(last.is_lowercase() || open_end)
}

impl Building {
    fn is_upper(&self) -> bool {
        self.text.len() < 300 && is_upper(&self.text)
    }
}

static WORD: LazyLock<Regex> = LazyLock::new(|| re(r"[\p{L}][\p{L}-]*[\p{L}]|[\p{L}]"));
static LAST_FRAGMENT: LazyLock<Regex> = LazyLock::new(|| re(r"(\p{L}+)-$"));
static FIRST_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"^(\p{Ll}+)"));

/// Lower-case words of the text (and the parts of hyphenated words), ignoring the fragments
/// around line-end hyphens, so that hyphenation can be checked against real words.
/// The words of a text ([`vocabulary`]), collected when first asked for: only a line ending
/// with a hyphen needs them.
struct Vocabulary<'a> {
    text: &'a str,
    words: std::cell::OnceCell<Words>,
}

impl<'a> Vocabulary<'a> {
    fn of(text: &'a str) -> Self {
        Vocabulary {
            text,
            words: std::cell::OnceCell::new(),
        }
    }

    fn words(&self) -> &Words {
        self.words.get_or_init(|| vocabulary(self.text))
    }
}

/// A text's words (foldhash: every word of a document goes in).
type Words = HashSet<String, foldhash::fast::RandomState>;

fn vocabulary(text: &str) -> Words {
    let mut vocab = Words::default();
    let mut prev_hyphen = false;
    for line in text.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = WORD.find_iter(line).map(|m| m.as_str()).collect();
        let ends_hyphen = line.ends_with('-') && !line.ends_with(" -");
        for (i, w) in words.iter().enumerate() {
            if (i == 0 && prev_hyphen) || (i + 1 == words.len() && ends_hyphen) {
                continue;
            }
            let w = crate::ru::lower(w);
            if w.contains('-') {
                vocab.extend(w.split('-').filter(|p| p.len() > 2).map(str::to_string));
            }
            vocab.insert(w);
        }
        prev_hyphen = ends_hyphen;
    }
    vocab
}

/// Joins `left` (ending with `word-`) and `right` when the hyphen is at a line end:
/// keeps the hyphen of a compound («социально-психологический»), removes the hyphen of a
/// word broken across lines («образова-ния» → «образования»). `None` if no hyphen applies.
fn join_hyphenated(left: &str, right: &str, vocab: &Vocabulary<'_>) -> Option<String> {
    if !left.ends_with('-') {
        return None;
    }
    let frag = LAST_FRAGMENT.captures(tail(left, 200))?.get(1)?.as_str();
    let next = FIRST_WORD.captures(right)?.get(1)?.as_str();
    let l = crate::ru::lower(frag);
    let whole = format!("{l}{next}");
    let compound = format!("{l}-{next}");
    // Compounds («социально-психологический», «учителей-предметников») are far more common
    // in these documents than words broken across lines; the hyphen goes only when the
    // joined word (or a word of the same stem) occurs elsewhere in the text.
    let vocab = vocab.words();
    let keep = if vocab.contains(&compound) {
        true
    } else if vocab.contains(&whole) {
        false
    } else {
        let stem: String = whole.chars().take(l.chars().count() + 2).collect();
        !vocab.iter().any(|w| w.starts_with(&stem))
    };
    let base = &left[..left.len() - 1];
    Some(if keep {
        format!("{base}-{right}")
    } else {
        format!("{base}{right}")
    })
}

/// Final spacing fixes of one paragraph.
///
/// Each rule runs only when a substring it needs is there (the regexes scan the whole
/// paragraph otherwise): once whitespace is collapsed, every space is one `' '`.
fn tidy(text: &str) -> String {
    let t = text.trim();
    let t = if has_odd_spaces(t) {
        SPACES.replace_all(t, " ")
    } else {
        Cow::Borrowed(t)
    };
    let has = |t: &str, needles: &[&str]| needles.iter().any(|n| t.contains(n));
    let t = if has(&t, &[" ,", " ;", " :", " )", " »"]) {
        Cow::Owned(SPACE_BEFORE_PUNCT.replace_all(&t, "$1").into_owned())
    } else {
        t
    };
    let t = if has(&t, &[" ."]) {
        Cow::Owned(SPACE_BEFORE_DOT.replace_all(&t, "$1.$2").into_owned())
    } else {
        t
    };
    let t = if has(&t, &["( ", "« "]) {
        Cow::Owned(SPACE_AFTER_OPEN.replace_all(&t, "$1").into_owned())
    } else {
        t
    };
    let t = if has(&t, &["- "]) {
        Cow::Owned(BROKEN_COMPOUND.replace_all(&t, "$1-$2").into_owned())
    } else {
        t
    };
    t.trim().to_string()
}

/// Whitespace other than single `' '`: what [`SPACES`] changes.
///
/// Scans bytes: every whitespace character but `' '` is an ASCII control or starts with one
/// of four lead bytes (U+0085, U+00A0, U+1680, U+2000…U+205F, U+3000), decoded only then.
fn has_odd_spaces(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => true,
        b' ' => bytes.get(i + 1) == Some(&b' '),
        0xC2 | 0xE1 | 0xE2 | 0xE3 => text[i..].chars().next().is_some_and(char::is_whitespace),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_spaces_are_whitespace_other_than_single_spaces() {
        let reference = |text: &str| {
            let mut previous_space = false;
            text.chars().any(|c| {
                let space = c.is_whitespace();
                let odd = space && (c != ' ' || previous_space);
                previous_space = space;
                odd
            })
        };
        let every_space = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace());
        let alphabet: Vec<char> = ['а', 'x', '«', '\u{2010}', '\u{3001}', '\u{C0}']
            .into_iter()
            .chain(every_space)
            .collect();
        for a in &alphabet {
            for b in &alphabet {
                for c in ['я', ' '] {
                    let text: String = [*a, *b, c].iter().collect();
                    assert_eq!(has_odd_spaces(&text), reference(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn short_title_lines_before_a_blank_line_stand_alone() {
        let text = "Духовно-мировоззренческий форум\n\nСанкт-Петербург, 18-20 апреля 2023 года, Таврический дворец\n\nОбщая резолюция форума\n\n09 ноября 2022 года утверждены Основы государственной политики.\n";
        let p = paragraphs(text);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[3].starts_with("09 ноября"));
    }

    #[test]
    fn an_editorial_note_between_bullets_ends_the_item_before_it() {
        let text = "3.1. Основными функциями коллегии являются:\n- рассмотрение важнейших вопросов;\n(в ред. Постановления Правительства области от 25.08.2008 N 531-пП)\n- обеспечение выполнения решений Правительства области;\n";
        let p = clean(text);
        let last = p.last().map(|p| (p.text.as_str(), p.bullet));
        assert_eq!(
            last,
            Some((
                "обеспечение выполнения решений Правительства области;",
                true
            ))
        );
    }

    #[test]
    fn a_short_last_line_ends_a_wrapped_title() {
        let text = "ПОСТАНОВЛЕНИЕ\nО готовности учебных заведений области к новому 2003-2004 году и\nучебному процессу\nВ систему образования области входят 1142 образовательного\nучреждения различных организационно-правовых форм: 367 дошкольных\nобразовательных учреждений, 620 общеобразовательных школ, из них 9\nдля детей с ограниченными возможностями здоровья, 5 детских домов и\nшкол-интернатов для детей-сирот и детей, оставшихся без попечения.\n";
        let p = paragraphs(text);
        assert!(
            p.iter().any(|t| t.starts_with("В систему образования")),
            "{p:?}"
        );
    }

    #[test]
    fn joins_wrapped_lines_with_blank_lines_between() {
        let text = "Участники сессии отметили, что воспитание и \n\nдополнительное образование – это \n\nприоритет. \n\nВ ходе обсуждения участники \n\nобратили внимание на направления, в том числе: \n\nпереход всех организаций на \n\nпрограммы воспитания; \n\nразвитие добровольчества. \n";
        let p = paragraphs(text);
        assert_eq!(
            p,
            vec![
                "Участники сессии отметили, что воспитание и дополнительное образование – это приоритет.",
                "В ходе обсуждения участники обратили внимание на направления, в том числе:",
                "переход всех организаций на программы воспитания;",
                "развитие добровольчества.",
            ]
        );
    }

    #[test]
    fn a_full_line_ending_a_sentence_ends_a_paragraph_when_the_next_one_opens_like_others() {
        // Width ~60: the «.» lines 2 and 6 are full, so only the opener or the fit tells.
        let text = "На первом этапе мониторинга проводится сбор данных о школах и\n\n\
                    их результатах в течение всего учебного года и каникул в лагерях.\n\n\
                    На втором этапе мониторинга анализируются результаты всех школ.\n\n\
                    Итоги публикуются.\n\n\
                    На третьем этапе мониторинга составляется программа поддержки\n\n\
                    школ и муниципальных органов управления образованием региона.\n\n\
                    На четвертом этапе мониторинга уточняются критерии отбора школ.\n\n\
                    Программа поддержки школ с низкими результатами должна быть\n\n\
                    утверждена и опубликована на сайтах школ, муниципалитетов и\n\n\
                    министерства образования в установленные настоящим сроки.\n\n\
                    Результаты её выполнения учитываются при оценке руководителей\n\n\
                    образовательных организаций и органов местного управления.\n";
        let p = paragraphs(text);
        assert_eq!(p.len(), 4, "{p:#?}");
        // Parallel openers («На … этапе») end the paragraph before them after a full line …
        assert!(p[1].starts_with("На втором этапе"), "{p:#?}");
        assert!(p[2].starts_with("На третьем этапе"), "{p:#?}");
        assert!(p[3].starts_with("На четвертом этапе"), "{p:#?}");
        // … other capitalised sentences after a full line continue it.
        assert!(p[1].ends_with("всех школ. Итоги публикуются."), "{p:#?}");
        assert!(p[3].contains("отбора школ. Программа поддержки"), "{p:#?}");
        assert!(p[3].contains("сроки. Результаты её выполнения"), "{p:#?}");
    }

    #[test]
    fn removes_bullets_and_artefacts() {
        let text = "**Решение конференции**\r\n1. [bookmark: bookmark3]МКУ МЦОКО:\r\n· разработать  систему ;\r\n\u{f02d} провести мониторинг;\r\n[bookmark: _GoBack]- Организовать работу.\r\n7\r\n-Пересмотреть критерии.\r\n";
        let p = clean(text);
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Решение конференции",
                "1. МКУ МЦОКО:",
                "разработать систему;",
                "провести мониторинг;",
                "Организовать работу.",
                "Пересмотреть критерии.",
            ]
        );
        assert!(p[2].bullet && p[3].bullet && p[4].bullet && p[5].bullet);
        assert!(!p[1].bullet);
    }

    #[test]
    fn undoes_hyphenation_but_keeps_compounds() {
        let text = "реализацию программ образова-\n\nния в районе и развитие образования;\n\nежегодное социально-\n\nпсихологическое тестирование и научно-методическое сопровождение;\n\nс лидером- наставником;\n";
        let p = paragraphs(text);
        assert_eq!(
            p[0],
            "реализацию программ образования в районе и развитие образования;"
        );
        assert_eq!(
            p[1],
            "ежегодное социально-психологическое тестирование и научно-методическое сопровождение;"
        );
        assert_eq!(p[2], "с лидером-наставником;");
    }

    #[test]
    fn deadline_lines_are_recognised() {
        for l in [
            "в срок до 31.12.2021 г.",
            "в течение 2021/2022 учебного года.",
            "до 01.10.2021г.",
            "постоянно",
            "срок-1 раз в полугодие",
            "В срок до 01.10 2021 года, далее постоянно",
            "в течение года;",
        ] {
            assert!(is_deadline_line(l), "{l}");
        }
        for l in [
            "в 2021 году увеличить охват детей программами",
            "до конца 2021 года:",
            "до 15 апреля 2022 года: лучшие практики",
        ] {
            assert!(!is_deadline_line(l), "{l}");
        }
    }

    #[test]
    fn tabular_items_and_their_deadlines_stay_apart() {
        let text = "2.1. Принять меры по повышению эффективности\n\nв течение 2021/2022 учебного года.\n\nобеспечить регистрацию организаций\n\nв срок до 30.09.2021\n\nв целях повышения качества обеспечить аккредитацию\n";
        let p = paragraphs(text);
        assert_eq!(
            p,
            vec![
                "2.1. Принять меры по повышению эффективности",
                "в течение 2021/2022 учебного года.",
                "обеспечить регистрацию организаций",
                "в срок до 30.09.2021",
                "в целях повышения качества обеспечить аккредитацию",
            ]
        );
    }

    #[test]
    fn a_giant_unpunctuated_text_stays_one_paragraph_in_linear_time() {
        let line = "слово другое третье четвёртое пятое шестое седьмое восьмое девятое десятое\n\n";
        let text = line.repeat(5000);
        let p = clean(&text);
        assert_eq!(p.len(), 1);
        assert!(p[0].text.len() > 300_000);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "",
            "\n\n",
            "-",
            "·",
            "«««",
            "1.",
            "- 5",
            "\u{f02d}\n\u{f02d}",
            "а-\n",
        ] {
            let _ = clean(t);
        }
    }
}
