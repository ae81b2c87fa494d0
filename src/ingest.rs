//! Stage 1: find source files, read them and decode them to clean UTF-8 text.
//!
//! Accepts `.txt` and `.md`; detects UTF-8 (with/without BOM), UTF-16 LE/BE (BOM),
//! Windows-1251 and KOI8-R; normalises to NFC with `\n` line ends. Binary, empty and
//! non-Russian/English files are rejected with a one-line [`RejectReason`].
//!
//! Detection order:
//! 1. a BOM decides (UTF-8, UTF-16 LE/BE);
//! 2. NUL bytes without a UTF-16 BOM mean binary;
//! 3. valid UTF-8 is UTF-8, and so is UTF-8 with a few damaged bytes (they become U+FFFD);
//! 4. otherwise chardetng guesses with a Russian hint; when the guess is a Cyrillic
//!    single-byte encoding, every Cyrillic candidate (Windows-1251, KOI8-R, IBM866, Mac)
//!    is decoded and scored against Russian letter frequencies and letter case, and the best
//!    wins (this is what tells KOI8-R from Windows-1251 reliably: each read as the other
//!    gives mostly capital letters with a wrong frequency profile).
//!
//! The decoded text is then checked: control characters / replacement characters
//! (binary), whitespace only (empty), and language (script counts + whatlang).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, IBM866, KOI8_R, KOI8_U, UTF_8, WINDOWS_1251, X_MAC_CYRILLIC};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::{Error, RejectReason};

/// A decoded source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as found.
    pub path: PathBuf,
    /// Stable document id derived from the file name.
    pub doc_id: String,
    /// Decoded text: NFC, `\n` line ends, no BOM.
    pub text: String,
    /// Name of the detected encoding («UTF-8», «windows-1251», …).
    pub encoding: &'static str,
}

/// Stable document id of a path: the file stem, lower-cased, with anything but
/// ASCII letters, digits, `_` and `-` replaced by `_`.
pub fn doc_id_for(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() { "doc".to_string() } else { id }
}

/// Share of control / replacement characters above which a text is binary.
const MAX_BAD_CHAR_SHARE: f64 = 0.01;
/// How many bytes chardetng looks at (enough for a confident guess, bounded for huge files).
const DETECT_SAMPLE_BYTES: usize = 256 * 1024;
/// Characters per window of the language sample (three windows: start, middle, end).
const LANG_WINDOW_CHARS: usize = 4000;

/// Decodes raw bytes to normalised text, or says why they are not a text document.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), RejectReason> {
    if bytes.is_empty() {
        return Err(RejectReason::Empty);
    }
    let (raw, encoding) = decode_raw(bytes)?;
    check_binary(&raw)?;
    let text = normalise(&raw);
    if text.trim().is_empty() {
        return Err(RejectReason::Empty);
    }
    check_language(&text)?;
    Ok((text, encoding.name()))
}

/// Picks the encoding and decodes, without any normalisation.
fn decode_raw(bytes: &[u8]) -> Result<(String, &'static Encoding), RejectReason> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok((text.into_owned(), enc));
    }
    if let Some(enc) = bomless_utf16(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Ok((text.into_owned(), enc));
        }
    }
    if bytes.contains(&0) {
        return Err(RejectReason::Binary(
            "contains NUL bytes (and no UTF-16 byte-order mark)".into(),
        ));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), UTF_8));
    }
    if let Some(text) = mostly_utf8(bytes) {
        return Ok((text, UTF_8));
    }
    let enc = detect_legacy(bytes);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    Ok((text.into_owned(), enc))
}

/// UTF-8 with a few damaged bytes (a truncated or corrupted copy): decoded with U+FFFD for
/// the damage instead of being misread as a legacy encoding. «A few»: at most one invalid
/// sequence per 100 well-formed non-ASCII characters.
fn mostly_utf8(bytes: &[u8]) -> Option<String> {
    // Decide on a sample first: decoding megabytes of cp1251 as UTF-8 is wasted work.
    let sample = &bytes[..bytes.len().min(DETECT_SAMPLE_BYTES)];
    if !few_damaged(&UTF_8.decode_without_bom_handling(sample).0) {
        return None;
    }
    let (text, _) = UTF_8.decode_without_bom_handling(bytes);
    few_damaged(&text).then(|| text.into_owned())
}

/// At least 20 well-formed non-ASCII characters and at most one U+FFFD per 100 of them.
fn few_damaged(text: &str) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if c == '\u{FFFD}' {
            bad += 1;
        } else {
            good += 1;
        }
    }
    good >= 20 && bad * 100 <= good
}

/// UTF-16 without a byte-order mark, recognised by its high bytes: in Russian/English text
/// nearly every high byte is 0x00 (Latin, digits, punctuation) or 0x04 (Cyrillic).
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 16 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(DETECT_SAMPLE_BYTES) & !1];
    let units = sample.len() / 2;
    let high_ok = |offset: usize| {
        let ok = sample
            .iter()
            .skip(offset)
            .step_by(2)
            .filter(|&&b| b == 0x00 || b == 0x04)
            .count();
        ok * 100 >= units * 95
    };
    // The low bytes must not look the same, or this is just a run of NULs/0x04.
    match (high_ok(1), high_ok(0)) {
        (true, false) => Some(encoding_rs::UTF_16LE),
        (false, true) => Some(encoding_rs::UTF_16BE),
        _ => None,
    }
}

/// Detects the encoding of bytes that are not valid UTF-8.
fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let sample = &bytes[..bytes.len().min(DETECT_SAMPLE_BYTES)];
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(sample, sample.len() == bytes.len());
    let hinted = det.guess(Some(b"ru"), chardetng::Utf8Detection::Deny);
    let cyrillic_family = [WINDOWS_1251, KOI8_R, KOI8_U, IBM866, X_MAC_CYRILLIC];
    let hinted_is_cyrillic = cyrillic_family.contains(&hinted)
        || encoding_rs::ISO_8859_5 == hinted
        || cyrillic_letter_share(&hinted.decode_without_bom_handling(sample).0) >= 0.3;
    if !hinted_is_cyrillic {
        return det.guess(None, chardetng::Utf8Detection::Deny);
    }
    // Validate the guess: score each Cyrillic candidate against Russian text statistics.
    let mut best = (f64::NEG_INFINITY, hinted);
    for enc in [WINDOWS_1251, KOI8_R, IBM866, X_MAC_CYRILLIC] {
        let (text, _) = enc.decode_without_bom_handling(sample);
        let score = russian_score(&text);
        tracing::trace!(encoding = enc.name(), score, "encoding candidate");
        if score > best.0 {
            best = (score, enc);
        }
    }
    if cyrillic_letter_share(&best.1.decode_without_bom_handling(sample).0) < 0.3 {
        // None of the Cyrillic readings looks like Russian: trust the generic guess.
        return det.guess(None, chardetng::Utf8Detection::Deny);
    }
    best.1
}

/// Approximate frequency (per mille) of a lower-case Russian letter in running text.
fn russian_letter_freq(c: char) -> f64 {
    match c {
        'о' => 110.0,
        'е' => 85.0,
        'а' => 80.0,
        'и' => 74.0,
        'н' => 67.0,
        'т' => 63.0,
        'с' => 55.0,
        'р' => 47.0,
        'в' => 45.0,
        'л' => 44.0,
        'к' => 35.0,
        'м' => 32.0,
        'д' => 30.0,
        'п' => 28.0,
        'у' => 26.0,
        'я' => 20.0,
        'ы' => 19.0,
        'ь' => 17.0,
        'г' => 17.0,
        'з' => 16.0,
        'б' => 16.0,
        'ч' => 14.0,
        'й' => 12.0,
        'х' => 10.0,
        'ж' => 9.0,
        'ш' => 7.0,
        'ю' => 6.0,
        'ц' => 5.0,
        'щ' => 4.0,
        'э' => 3.0,
        'ф' => 2.6,
        'ъ' => 0.4,
        'ё' => 0.4,
        _ => 0.05,
    }
}

/// Log-likelihood-like score of a decoded text being Russian. Only non-ASCII characters
/// count (ASCII reads the same in every candidate).
fn russian_score(text: &str) -> f64 {
    let mut score = 0.0;
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii() {
            prev_lower = c.is_ascii_lowercase();
            continue;
        }
        let is_cyr = matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё');
        if is_cyr {
            let lower = c.to_lowercase().next().unwrap_or(c);
            let mut s = (russian_letter_freq(lower) / 1000.0).ln();
            if lower != c {
                // Capitals are rare in running text, and a capital right after a small
                // letter almost never happens.
                s -= if prev_lower { 5.0 } else { 1.5 };
            }
            score += s;
            prev_lower = lower == c;
        } else {
            score += match c {
                '«' | '»' | '—' | '–' | '№' | '…' | '“' | '”' | '„' | '’' | '\u{a0}' => {
                    -3.0
                }
                _ => -9.0,
            };
            prev_lower = false;
        }
    }
    score
}

/// Share of Cyrillic letters among all letters of `text` (0 when there are no letters).
fn cyrillic_letter_share(text: &str) -> f64 {
    let (mut cyr, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_cyrillic(c) {
            cyr += 1;
        }
    }
    if letters == 0 {
        0.0
    } else {
        cyr as f64 / letters as f64
    }
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// Rejects text with too many control or replacement characters.
fn check_binary(text: &str) -> Result<(), RejectReason> {
    let (mut total, mut control, mut replacement, mut nul) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        total += 1;
        match c {
            '\0' => nul += 1,
            '\u{FFFD}' => replacement += 1,
            '\n' | '\r' | '\t' | '\u{0C}' => {}
            c if c.is_control() => control += 1,
            _ => {}
        }
    }
    if nul > 0 {
        return Err(RejectReason::Binary(format!(
            "contains {nul} NUL characters"
        )));
    }
    let share = |n: usize| n as f64 / total.max(1) as f64;
    if control > 0 && share(control) > MAX_BAD_CHAR_SHARE {
        return Err(RejectReason::Binary(format!(
            "{:.1}% control characters",
            share(control) * 100.0
        )));
    }
    if replacement > 0 && share(replacement) > MAX_BAD_CHAR_SHARE {
        return Err(RejectReason::Binary(format!(
            "undecodable: {:.1}% of the bytes are invalid in the detected encoding",
            share(replacement) * 100.0
        )));
    }
    Ok(())
}

/// NFC, `\n` line ends, no leading BOM.
fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('\n') {
            rest = r;
        }
    }
    out.push_str(rest);
    if is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// Up to three windows of the text (start, middle, end), each cut on char boundaries.
fn language_sample(text: &str) -> String {
    let n = text.chars().count();
    if n <= 3 * LANG_WINDOW_CHARS {
        return text.to_owned();
    }
    let mut sample = String::new();
    for start in [0, n / 2, n - LANG_WINDOW_CHARS] {
        sample.extend(text.chars().skip(start).take(LANG_WINDOW_CHARS));
        sample.push('\n');
    }
    sample
}

/// Letters of Cyrillic languages other than Russian.
fn is_non_russian_cyrillic(c: char) -> bool {
    // Both cases listed: lower-casing every letter of the sample costs more than the match.
    matches!(
        c,
        'і' | 'ї'
            | 'є'
            | 'ґ'
            | 'ў'
            | 'ј'
            | 'љ'
            | 'њ'
            | 'ћ'
            | 'џ'
            | 'ђ'
            | 'ѓ'
            | 'ќ'
            | 'ѕ'
            | 'І'
            | 'Ї'
            | 'Є'
            | 'Ґ'
            | 'Ў'
            | 'Ј'
            | 'Љ'
            | 'Њ'
            | 'Ћ'
            | 'Џ'
            | 'Ђ'
            | 'Ѓ'
            | 'Ќ'
            | 'Ѕ'
    )
}

/// Accepts Russian and English; rejects other languages with the detected name.
///
/// Documents dominated by Cyrillic letters are Russian unless whatlang reliably detects
/// another Cyrillic language *and* the text uses that language's own letters (so short,
/// number-heavy Russian documents are never rejected). Latin texts must be English unless
/// the detection is unreliable (too short to tell).
fn check_language(text: &str) -> Result<(), RejectReason> {
    let sample = language_sample(text);
    let (mut cyr, mut latin, mut other, mut foreign_cyr) = (0usize, 0usize, 0usize, 0usize);
    for c in sample.chars().filter(|c| c.is_alphabetic()) {
        if is_cyrillic(c) {
            cyr += 1;
            if is_non_russian_cyrillic(c) {
                foreign_cyr += 1;
            }
        } else if c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}') {
            latin += 1;
        } else {
            other += 1;
        }
    }
    let letters = cyr + latin + other;
    if letters == 0 {
        // Digits and punctuation only: nothing to search, nothing in a language we read.
        return Err(RejectReason::Language("no letters".into()));
    }
    let info = whatlang::detect(&sample);
    let detected = |fallback: &str| {
        info.as_ref()
            .map(|i| i.lang().eng_name().to_owned())
            .unwrap_or_else(|| fallback.to_owned())
    };
    if cyr * 5 >= letters {
        let foreign_lang = info
            .as_ref()
            .is_some_and(|i| i.lang() != whatlang::Lang::Rus && i.is_reliable());
        // Russian has «ы» and «э»; Bulgarian, Ukrainian, Serbian, Macedonian do not.
        let russian_letters = sample
            .chars()
            .filter(|c| matches!(c, 'ы' | 'э' | 'Ы' | 'Э'))
            .count();
        let lacks_russian = cyr >= 200 && russian_letters == 0;
        if foreign_lang && (foreign_cyr * 100 > cyr || lacks_russian) {
            return Err(RejectReason::Language(detected("non-Russian Cyrillic")));
        }
        return Ok(());
    }
    if latin >= other {
        return match &info {
            Some(i) if i.lang() != whatlang::Lang::Eng && i.is_reliable() => {
                Err(RejectReason::Language(i.lang().eng_name().to_owned()))
            }
            _ => Ok(()),
        };
    }
    let script = info
        .as_ref()
        .map(|i| i.script().name().to_owned())
        .unwrap_or_else(|| "unknown".into());
    Err(RejectReason::Language(detected(&format!(
        "{script} script"
    ))))
}

/// Reads and decodes one file.
pub fn read_file(path: &Path) -> Result<SourceFile, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Rejected {
        path: path.to_owned(),
        reason: RejectReason::Io(e.to_string()),
    })?;
    let (text, encoding) = decode(&bytes).map_err(|reason| Error::Rejected {
        path: path.to_owned(),
        reason,
    })?;
    Ok(SourceFile {
        path: path.to_owned(),
        doc_id: doc_id_for(path),
        text,
        encoding,
    })
}

/// Reads a file given by its name and bytes (an upload, a stored original): the extension
/// chooses the reader, and the result is the same [`SourceFile`] as from disk, or a one-line
/// reason. This is the entry point format readers plug into; today `.txt`/`.md` are decoded.
pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<SourceFile, RejectReason> {
    let path = PathBuf::from(name);
    if !is_supported(&path) {
        return Err(RejectReason::Unsupported);
    }
    let (text, encoding) = decode(bytes)?;
    Ok(SourceFile {
        doc_id: doc_id_for(&path),
        path,
        text,
        encoding,
    })
}

/// Whether a path has a supported extension (`.txt`, `.md`, any case).
pub fn is_supported(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// Expands files and folders (recursively) into the `.txt`/`.md` files they contain, sorted.
/// Paths that do not exist are returned as errors; the rest still go through.
///
/// Inside folders, files with other extensions and hidden entries (names starting with `.`)
/// are skipped silently; a file named explicitly with another extension is rejected
/// ([`RejectReason::Unsupported`]). Symbolic links are followed, but each directory is
/// visited once (by canonical path), so link loops terminate. A file reached twice is
/// listed once.
pub fn collect_paths(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut walk = Walk::default();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(e) => walk.errors.push(Error::Rejected {
                path: input.clone(),
                reason: RejectReason::Io(e.to_string()),
            }),
            Ok(m) if m.is_dir() => walk.dir(input),
            Ok(_) if is_supported(input) => walk.file(input),
            Ok(_) => walk.errors.push(Error::Rejected {
                path: input.clone(),
                reason: RejectReason::Unsupported,
            }),
        }
    }
    (walk.files, walk.errors)
}

/// State of a directory walk.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    errors: Vec<Error>,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk {
    fn file(&mut self, path: &Path) {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if self.seen_files.insert(key) {
            self.files.push(path.to_owned());
        }
    }

    fn dir(&mut self, dir: &Path) {
        let key = match std::fs::canonicalize(dir) {
            Ok(k) => k,
            Err(source) => {
                self.errors.push(Error::Io {
                    path: dir.to_owned(),
                    source,
                });
                return;
            }
        };
        if !self.seen_dirs.insert(key) {
            tracing::debug!(path = %dir.display(), "directory already visited (symlink loop?)");
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(source) => {
                self.errors.push(Error::Io {
                    path: dir.to_owned(),
                    source,
                });
                return;
            }
        };
        let mut children: Vec<PathBuf> = Vec::new();
        for entry in entries {
            match entry {
                Ok(e) => children.push(e.path()),
                Err(source) => self.errors.push(Error::Io {
                    path: dir.to_owned(),
                    source,
                }),
            }
        }
        children.sort();
        for child in children {
            let hidden = child
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            // metadata() follows links; a dangling link is reported, not fatal.
            match std::fs::metadata(&child) {
                Ok(m) if m.is_dir() => self.dir(&child),
                Ok(m) if m.is_file() && is_supported(&child) => self.file(&child),
                Ok(_) => {}
                Err(source) if is_supported(&child) => self.errors.push(Error::Io {
                    path: child.clone(),
                    source,
                }),
                Err(_) => {}
            }
        }
    }
}

/// Reads every file under `inputs`; rejected files are returned beside the accepted ones.
pub fn read_all(inputs: &[PathBuf]) -> (Vec<SourceFile>, Vec<Error>) {
    let (paths, mut errors) = collect_paths(inputs);
    let mut files = Vec::new();
    for p in paths {
        match read_file(&p) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}
