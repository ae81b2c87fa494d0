//! Stage 1: find source files, read them and decode them to clean UTF-8 text.
//!
//! Accepts `.txt` and `.md`, and through [`crate::formats`] DOCX, ODT, HTML, RTF and PDF, whose
//! extracted text then passes the same checks ([`is_supported`] is the one place that decides);
//! detects UTF-8 (with/without BOM), UTF-16 LE/BE (BOM), Windows-1251 and KOI8-R; normalises to NFC
//! with `\n` line ends. Binary, empty and non-Russian/English files are rejected with a one-line
//! [`RejectReason`], and so are files of other types, anything but a regular file (FIFOs,
//! devices, links to them: they are never opened) and files above the size limit (checked from
//! the metadata before reading; reads are bounded by the limit too).
//!
//! Detection order:
//! 1. a BOM decides (UTF-8, UTF-16 LE/BE);
//! 2. more than 1 % NUL bytes without a UTF-16 BOM mean binary; fewer are removed (with a
//!    warning) and the text goes on;
//! 3. valid UTF-8 is UTF-8, and so is UTF-8 with a few damaged bytes (they become U+FFFD);
//! 4. otherwise chardetng guesses with a Russian hint; when the guess is a Cyrillic
//!    single-byte encoding, every Cyrillic candidate (Windows-1251, KOI8-R, IBM866, Mac)
//!    is decoded and scored against Russian letter frequencies and letter case, and the best
//!    wins (this is what tells KOI8-R from Windows-1251 reliably: each read as the other
//!    gives mostly capital letters with a wrong frequency profile).
//!
//! The decoded text is then checked: control characters / replacement characters
//! (binary), whitespace only (empty), and language (script counts + whatlang).
//!
//! Document ids: see [`collect_files`] and [`doc_id_for_name`].

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, IBM866, KOI8_R, KOI8_U, UTF_8, WINDOWS_1251, X_MAC_CYRILLIC};
use sha2::{Digest, Sha256};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::{Error, RejectReason};

/// A decoded source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path as found.
    pub path: PathBuf,
    /// Document id, unique within the batch the file was found in (see [`collect_files`]).
    pub doc_id: String,
    /// The file's name as shown to users: its path relative to the folder it was found in
    /// (`2019/Резолюция.txt`), or its file name when it was named directly.
    pub name: String,
    /// What identifies the file across runs: its canonical path (`embedded:…` for the seeds
    /// compiled into the binary).
    pub origin: String,
    /// Decoded text: NFC, `\n` line ends, no BOM.
    pub text: String,
    /// Name of the detected encoding («UTF-8», «windows-1251», …).
    pub encoding: &'static str,
}

/// Default per-file size limit in MB (`--max-file-mb`).
pub const DEFAULT_MAX_FILE_MB: u64 = 50;

/// Limits applied while reading files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest file read, in bytes; larger files are rejected without being read.
    pub max_file_bytes: u64,
}

impl ReadLimits {
    /// A limit of `mb` megabytes (10^6 bytes) per file.
    pub fn from_mb(mb: u64) -> Self {
        ReadLimits {
            max_file_bytes: mb.saturating_mul(1_000_000),
        }
    }
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self::from_mb(DEFAULT_MAX_FILE_MB)
    }
}

/// Whether a path has the extension of a format that is read (or recognised to be rejected with
/// its fix, like `.doc`; see [`crate::formats::Format::of`]): the one decision of which files are
/// read; files of other types are rejected with [`RejectReason::Unsupported`].
pub fn is_supported(path: &Path) -> bool {
    crate::formats::Format::of(path).is_some()
}

/// Document id of a file named directly: the id of its file name (see [`doc_id_for_name`]).
pub fn doc_id_for(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    doc_id_for_name(&name)
}

/// Base document id of a display name (`/`-separated path relative to the folder indexed):
/// the extension dropped, each path component romanised and lower-cased ([`slug`]), the
/// components joined by `_`. `2019/Резолюция.txt` → `2019_rezolyutsiya`;
/// `000_09d3111d1cb66d39.txt` → `000_09d3111d1cb66d39`. Empty results become `doc`.
pub fn doc_id_for_name(name: &str) -> String {
    let path = Path::new(name);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let mut parts: Vec<String> = path
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| slug(&c.as_os_str().to_string_lossy()))
        .collect();
    parts.push(slug(stem.as_deref().unwrap_or_default()));
    let id = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if id.is_empty() { "doc".to_string() } else { id }
}

/// Lower-case ASCII form of a name: ASCII letters and digits, `-` and `_` kept; Russian
/// letters romanised (simplified BGN/PCGN: ж zh, й y, х kh, ц ts, щ shch, ю yu, я ya, ъ ь
/// dropped); accented Latin letters lose their accents; anything else becomes `_`, with runs
/// of `_` collapsed and none at either end.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfc() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c.to_ascii_lowercase());
        } else if let Some(latin) = romanise(c) {
            out.push_str(latin);
        } else {
            // An accented Latin letter keeps its base letter (é → e); anything else is a gap.
            let base: String = std::iter::once(c)
                .nfd()
                .filter(char::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase())
                .collect();
            if base.is_empty() {
                out.push('_');
            } else {
                out.push_str(&base);
            }
        }
    }
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if c == '_' && (collapsed.is_empty() || collapsed.ends_with('_')) {
            continue;
        }
        collapsed.push(c);
    }
    collapsed.trim_end_matches('_').to_string()
}

/// Romanisation of a Russian letter (either case); `None` for other characters.
fn romanise(c: char) -> Option<&'static str> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'ё' => "yo",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// First 16 hex digits of the SHA-256 of `bytes` (ids and content fingerprints).
pub fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Share of control / replacement characters above which a text is binary.
const MAX_BAD_CHAR_SHARE: f64 = 0.01;
/// How many bytes chardetng looks at (enough for a confident guess, bounded for huge files).
const DETECT_SAMPLE_BYTES: usize = 256 * 1024;
/// Characters per window of the language sample (three windows: start, middle, end).
const LANG_WINDOW_CHARS: usize = 4000;

/// Decodes raw bytes to normalised text, or says why they are not a text document.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), RejectReason> {
    decode_text(bytes).map(|d| (d.text, d.encoding))
}

/// Decoded text and what was repaired on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Normalised text (NFC, `\n` line ends, no BOM, no NUL).
    pub text: String,
    /// Name of the detected encoding.
    pub encoding: &'static str,
    /// NUL characters removed from otherwise valid text.
    pub nul_removed: usize,
}

/// Largest share of NUL bytes (or characters) removed from a text; more means binary.
const MAX_NUL_SHARE_PERCENT: usize = 1;

/// [`decode`], also telling how many NUL characters were removed.
pub fn decode_text(bytes: &[u8]) -> Result<Decoded, RejectReason> {
    if bytes.is_empty() {
        return Err(RejectReason::Empty);
    }
    let (raw, encoding) = decode_raw(bytes)?;
    let (raw, nul_removed) = strip_nul(raw)?;
    let scan = Scan::of(&raw);
    check_binary(&scan)?;
    let text = normalise(raw, scan.surely_nfc);
    if text.trim().is_empty() {
        return Err(RejectReason::Empty);
    }
    check_language(&text)?;
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        nul_removed,
    })
}

/// Removes NUL characters when they are a few stray ones in a text; many mean binary data.
fn strip_nul(text: String) -> Result<(String, usize), RejectReason> {
    let nul = text.bytes().filter(|&b| b == 0).count();
    if nul == 0 {
        return Ok((text, 0));
    }
    if nul * 100 > text.len() * MAX_NUL_SHARE_PERCENT {
        return Err(RejectReason::Binary(format!(
            "contains {nul} NUL characters"
        )));
    }
    Ok((text.replace('\0', ""), nul))
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
    // A few NUL bytes are stray damage (removed after decoding: NUL reads as NUL in every
    // encoding tried below); many, without a UTF-16 byte-order mark, are binary data.
    let nul = bytes.iter().filter(|&&b| b == 0).count();
    if nul * 100 > bytes.len() * MAX_NUL_SHARE_PERCENT {
        return Err(RejectReason::Binary(format!(
            "contains {nul} NUL bytes (and no UTF-16 byte-order mark)"
        )));
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
    for c in text.chars().filter(|&c| crate::ru::is_letter(c)) {
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

/// What one pass over a decoded text finds: its characters, control characters other than
/// line and page breaks and tabs, replacement characters, and whether it is surely in NFC.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scan {
    chars: usize,
    control: usize,
    replacement: usize,
    /// Every character is one NFC keeps as it is whatever surrounds it (see [`keeps_nfc`]).
    surely_nfc: bool,
}

impl Scan {
    fn of(text: &str) -> Scan {
        let mut scan = Scan {
            chars: 0,
            control: 0,
            replacement: 0,
            surely_nfc: true,
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // Fast paths for ASCII and the Cyrillic letters U+0400–U+047F (lead byte D0 or D1):
            // most of a Russian text, decided from the first byte.
            if b.is_ascii() {
                scan.add(char::from(b));
                i += 1;
            } else if matches!(b, 0xD0 | 0xD1) {
                scan.chars += 1;
                i += 2;
            } else {
                let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                    break;
                };
                scan.add(c);
                i += c.len_utf8();
            }
        }
        scan
    }

    fn add(&mut self, c: char) {
        self.chars += 1;
        match c {
            '\u{FFFD}' => self.replacement += 1,
            '\n' | '\r' | '\t' | '\u{0C}' => {}
            c if c.is_control() => self.control += 1,
            _ => {}
        }
        self.surely_nfc &= keeps_nfc(c);
    }
}

/// Characters of Russian texts that are starters (combining class 0) with the NFC quick-check
/// answer «yes»: a text of them only is in NFC, so normalising it changes nothing. Checked
/// against the Unicode tables in a test; the quick check of `unicode-normalization` decides for
/// any other character.
fn keeps_nfc(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{02FF}'
            | '\u{0400}'..='\u{0482}'
            | '\u{048A}'..='\u{052F}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{205E}'
            | '\u{2116}'
    )
}

/// Rejects text with too many control or replacement characters.
fn check_binary(scan: &Scan) -> Result<(), RejectReason> {
    let Scan {
        chars: total,
        control,
        replacement,
        ..
    } = *scan;
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

/// NFC, `\n` line ends, no leading BOM. `surely_nfc`: the text is known to be in NFC (see
/// [`Scan`]), so the costlier quick check of every character is skipped.
fn normalise(raw: String, surely_nfc: bool) -> String {
    if surely_nfc && !raw.starts_with('\u{FEFF}') && !raw.contains('\r') {
        return raw;
    }
    let text = raw.strip_prefix('\u{FEFF}').unwrap_or(&raw);
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
    if surely_nfc || is_nfc_quick(out.chars()) == IsNormalized::Yes {
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
    // Where the windows start, found without decoding the characters before them.
    let middle = text
        .bytes()
        .enumerate()
        .filter(|&(_, b)| !is_continuation_byte(b))
        .nth(n / 2)
        .map_or(text.len(), |(i, _)| i);
    let end = text
        .char_indices()
        .rev()
        .nth(LANG_WINDOW_CHARS - 1)
        .map_or(0, |(i, _)| i);
    let mut sample = String::new();
    for start in [0, middle, end] {
        sample.extend(text[start..].chars().take(LANG_WINDOW_CHARS));
        sample.push('\n');
    }
    sample
}

/// A byte that continues a UTF-8 sequence (never the first byte of a character).
fn is_continuation_byte(b: u8) -> bool {
    b & 0xC0 == 0x80
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
    for c in sample.chars().filter(|&c| crate::ru::is_letter(c)) {
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
    if cyr * 5 >= letters {
        // Russian has «ы» and «э»; Bulgarian, Ukrainian, Serbian, Macedonian do not.
        let russian_letters = sample
            .chars()
            .filter(|c| matches!(c, 'ы' | 'э' | 'Ы' | 'Э'))
            .count();
        let lacks_russian = cyr >= 200 && russian_letters == 0;
        if !(foreign_cyr * 100 > cyr || lacks_russian) {
            // Russian whatever whatlang says: its trigram statistics (the costliest step of
            // reading a file) are only needed to name another language.
            return Ok(());
        }
        let info = whatlang::detect(&sample);
        let foreign_lang = info
            .as_ref()
            .is_some_and(|i| i.lang() != whatlang::Lang::Rus && i.is_reliable());
        if foreign_lang {
            return Err(RejectReason::Language(detected(
                info.as_ref(),
                "non-Russian Cyrillic",
            )));
        }
        return Ok(());
    }
    let info = whatlang::detect(&sample);
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
    Err(RejectReason::Language(detected(
        info.as_ref(),
        &format!("{script} script"),
    )))
}

/// The English name of the language whatlang detected, else `fallback`.
fn detected(info: Option<&whatlang::Info>, fallback: &str) -> String {
    info.map(|i| i.lang().eng_name().to_owned())
        .unwrap_or_else(|| fallback.to_owned())
}

/// A file found by [`collect_files`], with the names it will be known by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Path as found.
    pub path: PathBuf,
    /// Display name: the path relative to the folder given (`/`-separated), or the file name
    /// of a file given directly.
    pub name: String,
    /// Canonical path (identifies the file across runs).
    pub origin: String,
    /// Document id, unique among the files of one [`collect_files`] call.
    pub doc_id: String,
}

/// Reads and decodes one file named directly (its id from its file name), with the default
/// [`ReadLimits`].
pub fn read_file(path: &Path) -> Result<SourceFile, Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string_lossy().into_owned());
    let found = FoundFile {
        path: path.to_owned(),
        doc_id: doc_id_for_name(&name),
        origin: origin_of(path),
        name,
    };
    read_found(&found, &ReadLimits::default())
}

/// Reads and decodes a found file: only a regular file, only when its size is within the
/// limit (from the metadata, before opening it), and never more than the limit + 1 bytes.
/// Stray NUL characters are removed with a warning.
pub fn read_found(found: &FoundFile, limits: &ReadLimits) -> Result<SourceFile, Error> {
    let path = &found.path;
    let rejected = |reason| Error::Rejected {
        path: path.clone(),
        reason,
    };
    let bytes = read_bounded(path, limits.max_file_bytes).map_err(rejected)?;
    let decoded = decode_any(&bytes, path).map_err(rejected)?;
    if decoded.nul_removed > 0 {
        tracing::warn!(
            path = %path.display(),
            removed = decoded.nul_removed,
            "removed NUL characters from the text"
        );
    }
    Ok(SourceFile {
        path: path.clone(),
        doc_id: found.doc_id.clone(),
        name: found.name.clone(),
        origin: found.origin.clone(),
        text: decoded.text,
        encoding: decoded.encoding,
    })
}

/// Decodes the bytes of a file: plain text directly (stray NULs removed), other formats through
/// their reader in [`crate::formats`].
fn decode_any(bytes: &[u8], path: &Path) -> Result<Decoded, RejectReason> {
    match crate::formats::Format::of(path) {
        Some(crate::formats::Format::Text) => decode_text(bytes),
        _ => crate::formats::to_text(bytes, path).map(|(text, encoding)| Decoded {
            text,
            encoding,
            nul_removed: 0,
        }),
    }
}

/// Reads a file given by its name and bytes (an upload, a stored original): the extension
/// chooses the reader (as for files on disk, see [`is_supported`]), and the result is the same
/// [`SourceFile`] as from disk, or a one-line reason. Its id is that of its name
/// ([`doc_id_for_name`]); the caller makes it unique.
pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<SourceFile, RejectReason> {
    let path = PathBuf::from(name);
    if !is_supported(&path) {
        return Err(RejectReason::Unsupported);
    }
    let decoded = decode_any(bytes, &path)?;
    if decoded.nul_removed > 0 {
        tracing::warn!(
            name,
            removed = decoded.nul_removed,
            "removed NUL characters from the text"
        );
    }
    Ok(SourceFile {
        doc_id: doc_id_for_name(name),
        origin: format!("upload:{name}"),
        name: name.to_owned(),
        path,
        text: decoded.text,
        encoding: decoded.encoding,
    })
}

/// The bytes of a regular file of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, RejectReason> {
    let io = |e: std::io::Error| RejectReason::Io(e.to_string());
    // metadata() follows links: a link to /dev/zero or a FIFO is seen for what it is, and
    // such a file is never opened (opening a FIFO blocks until a writer comes).
    let meta = std::fs::metadata(path).map_err(io)?;
    check_regular(&meta, limit)?;
    let file = std::fs::File::open(path).map_err(io)?;
    // The file may have been replaced between the two looks: check what was opened.
    check_regular(&file.metadata().map_err(io)?, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        // It grew after the metadata was read.
        return Err(RejectReason::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Rejects anything but a regular file within the size limit.
fn check_regular(meta: &std::fs::Metadata, limit: u64) -> Result<(), RejectReason> {
    if !meta.is_file() {
        return Err(RejectReason::NotRegularFile(file_kind(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(RejectReason::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(())
}

/// What a non-regular file is, for messages.
fn file_kind(ft: &std::fs::FileType) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO".into();
        }
        if ft.is_char_device() {
            return "a character device".into();
        }
        if ft.is_block_device() {
            return "a block device".into();
        }
        if ft.is_socket() {
            return "a socket".into();
        }
    }
    if ft.is_dir() {
        "a directory".into()
    } else {
        "a special file".into()
    }
}

/// Canonical path of a file as a string (the path itself when it cannot be resolved).
fn origin_of(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .to_string_lossy()
        .into_owned()
}

/// Expands files and folders (recursively) into the files of read formats they contain, sorted;
/// see [`collect_files`].
pub fn collect_paths(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let (files, errors) = collect_files(inputs);
    (files.into_iter().map(|f| f.path).collect(), errors)
}

/// Expands files and folders (recursively) into the files to read, sorted within each folder,
/// folders in the order given, each with a document id unique among them. Whatever is not
/// read is returned as an error beside them (the rest still goes through): paths that do not
/// exist, files of unsupported types ([`RejectReason::Unsupported`]) and anything but regular
/// files ([`RejectReason::NotRegularFile`]), named directly or found in a folder. Hidden
/// entries of folders (names starting with `.`) are skipped silently.
///
/// Symbolic links are followed, but each directory is visited once (by canonical path), so
/// link loops terminate. A file reached twice is listed once.
///
/// Ids: the base id of a file is [`doc_id_for_name`] of its display name (its path relative
/// to the folder given, or its file name). A file whose base id an earlier file of the call
/// already took gets `-` and [`short_hash`] of its canonical path appended (then `-2`, `-3`…
/// in the unlikely case that is taken too), so no two files share an id and a file's id does
/// not depend on the files found after it.
pub fn collect_files(inputs: &[PathBuf]) -> (Vec<FoundFile>, Vec<Error>) {
    let mut walk = Walk::default();
    for input in inputs {
        match std::fs::metadata(input) {
            Err(e) => walk.reject(input, RejectReason::Io(e.to_string())),
            Ok(m) if m.is_dir() => walk.dir(input, input),
            Ok(m) => walk.candidate(input, None, &m),
        }
    }
    let mut files = walk.files;
    assign_ids(&mut files);
    (files, walk.errors)
}

/// Makes the ids of `files` unique (see [`collect_files`]); `doc_id` holds the base id.
fn assign_ids(files: &mut [FoundFile]) {
    let mut taken: HashSet<String> = HashSet::with_capacity(files.len());
    for f in files.iter_mut() {
        f.doc_id = unique_id(&f.doc_id, &f.origin, |id| taken.contains(id));
        taken.insert(f.doc_id.clone());
    }
}

/// `base` when free, else `base-<hash of origin>`, else that with `-2`, `-3`, … appended.
pub fn unique_id(base: &str, origin: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    let hashed = format!("{base}-{}", &short_hash(origin.as_bytes())[..8]);
    let mut id = hashed.clone();
    let mut n = 2u32;
    while taken(&id) {
        id = format!("{hashed}-{n}");
        n += 1;
    }
    id
}

/// State of a directory walk.
#[derive(Default)]
struct Walk {
    files: Vec<FoundFile>,
    errors: Vec<Error>,
    seen_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
}

impl Walk {
    fn reject(&mut self, path: &Path, reason: RejectReason) {
        self.errors.push(Error::Rejected {
            path: path.to_owned(),
            reason,
        });
    }

    /// A non-directory: read when it is a regular file of a supported type, else rejected.
    /// `root` is the folder it was found in (`None`: named directly).
    fn candidate(&mut self, path: &Path, root: Option<&Path>, meta: &std::fs::Metadata) {
        if !meta.is_file() {
            return self.reject(
                path,
                RejectReason::NotRegularFile(file_kind(&meta.file_type())),
            );
        }
        if !is_supported(path) {
            return self.reject(path, RejectReason::Unsupported);
        }
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        if !self.seen_files.insert(key.clone()) {
            return;
        }
        let name = display_name(path, root);
        self.files.push(FoundFile {
            path: path.to_owned(),
            doc_id: doc_id_for_name(&name),
            origin: key.to_string_lossy().into_owned(),
            name,
        });
    }

    fn dir(&mut self, dir: &Path, root: &Path) {
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
                Ok(m) if m.is_dir() => self.dir(&child, root),
                Ok(m) => self.candidate(&child, Some(root), &m),
                Err(e) => self.reject(&child, RejectReason::Io(e.to_string())),
            }
        }
    }
}

/// Path of a file relative to the folder it was found in (`/`-separated), or its file name.
fn display_name(path: &Path, root: Option<&Path>) -> String {
    let rel = root
        .and_then(|r| path.strip_prefix(r).ok())
        .filter(|r| !r.as_os_str().is_empty());
    match rel {
        Some(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_string_lossy().into_owned()),
    }
}

/// Reads every file under `inputs` with the default limits; rejected files are returned
/// beside the accepted ones.
pub fn read_all(inputs: &[PathBuf]) -> (Vec<SourceFile>, Vec<Error>) {
    read_all_with(inputs, &ReadLimits::default())
}

/// Reads every file under `inputs` within `limits`; rejected files are returned beside the
/// accepted ones.
pub fn read_all_with(inputs: &[PathBuf], limits: &ReadLimits) -> (Vec<SourceFile>, Vec<Error>) {
    let (found, mut errors) = collect_files(inputs);
    let mut files = Vec::new();
    for f in &found {
        match read_found(f, limits) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::char::canonical_combining_class;

    #[test]
    fn characters_kept_by_nfc_are_starters_the_quick_check_accepts() {
        let kept: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| keeps_nfc(c))
            .collect();
        assert!(kept.len() > 1000);
        for c in kept {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
        }
    }

    #[test]
    fn the_scan_counts_as_a_walk_over_the_characters_does() {
        let text =
            "Обеспечить\u{0}\u{7}\t\r\n «№ 5» — ёлка\u{85}\u{FFFD}е\u{308} Ѐ ҈ ԯ 日本 😀 abc\u{7f}";
        let mut reference = Scan {
            chars: 0,
            control: 0,
            replacement: 0,
            surely_nfc: true,
        };
        text.chars().for_each(|c| reference.add(c));
        assert_eq!(Scan::of(text), reference);
        assert_eq!(reference.chars, text.chars().count());
        assert_eq!((reference.control, reference.replacement), (4, 1));
        assert!(!reference.surely_nfc);
    }

    #[test]
    fn the_language_sample_is_three_windows_of_characters() {
        let text: String = (0..5 * LANG_WINDOW_CHARS)
            .map(|i| ['а', 'b', 'ё', '日', '😀'][i % 7 % 5])
            .collect();
        let n = text.chars().count();
        let mut expected = String::new();
        for start in [0, n / 2, n - LANG_WINDOW_CHARS] {
            expected.extend(text.chars().skip(start).take(LANG_WINDOW_CHARS));
            expected.push('\n');
        }
        assert_eq!(language_sample(&text), expected);
    }

    #[test]
    fn a_combining_mark_needs_the_full_check() {
        assert!(Scan::of("Ёмкость «№ 5» — 10 %").surely_nfc);
        let decomposed = "Е\u{308}мкость";
        assert!(!Scan::of(decomposed).surely_nfc);
        assert_eq!(normalise(decomposed.to_owned(), false), "Ёмкость");
    }
}
