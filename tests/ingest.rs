//! Reading and decoding files: encodings, BOMs, line ends, rejections, robustness.

use std::path::{Path, PathBuf};
use std::process::Command;

use edusearch::Error;
use edusearch::error::RejectReason;
use edusearch::ingest::{
    FoundFile, ReadLimits, collect_files, collect_paths, decode, decode_text, doc_id_for_name,
    read_all, read_file, read_found, slug,
};
use encoding_rs::{Encoding, KOI8_R, UTF_16BE, UTF_16LE, WINDOWS_1251};
use proptest::prelude::*;

const SEED_NAMES: [&str; 5] = [
    "000_09d3111d1cb66d39.txt",
    "001_cea0fd4304aef64b.txt",
    "002_7462719c375c5678.txt",
    "003_29c0463918b17839.txt",
    "004_3d482b24eda1d297.txt",
];

fn seed(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// What a legacy encoding can carry of `text` (unmappable characters dropped to what
/// encoding_rs writes for them), read back the reference way.
fn legacy_round_trip(enc: &'static Encoding, text: &str) -> (Vec<u8>, String) {
    let bytes = enc.encode(text).0.into_owned();
    let back = enc.decode_without_bom_handling(&bytes).0.into_owned();
    (bytes, back)
}

fn utf16(enc: &'static Encoding, text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for unit in text.encode_utf16() {
        let b = if enc == UTF_16LE {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        };
        out.extend_from_slice(&b);
    }
    out
}

#[test]
fn seeds_decode_as_utf8_unchanged() {
    for name in SEED_NAMES {
        let text = seed(name);
        let (decoded, enc) = decode(text.as_bytes()).unwrap_or_else(|r| panic!("{name}: {r}"));
        assert_eq!(enc, "UTF-8", "{name}");
        // The seeds are NFC with \n line ends already.
        assert_eq!(decoded, text, "{name}");
    }
}

#[test]
fn windows_1251_round_trip_of_every_seed() {
    for name in SEED_NAMES {
        let (bytes, expected) = legacy_round_trip(WINDOWS_1251, &seed(name));
        let (decoded, enc) = decode(&bytes).unwrap_or_else(|r| panic!("{name}: {r}"));
        assert_eq!(enc, "windows-1251", "{name}");
        assert_eq!(decoded, expected, "{name}");
    }
}

#[test]
fn koi8_r_round_trip_of_every_seed() {
    for name in SEED_NAMES {
        let (bytes, expected) = legacy_round_trip(KOI8_R, &seed(name));
        let (decoded, enc) = decode(&bytes).unwrap_or_else(|r| panic!("{name}: {r}"));
        assert_eq!(enc, "KOI8-R", "{name}");
        assert_eq!(decoded, expected, "{name}");
    }
}

/// Short lead-ins are the hard case for telling KOI8-R from Windows-1251.
#[test]
fn short_phrases_in_both_legacy_encodings() {
    let phrases = [
        "3. Главам муниципальных районов (городских округов) области:",
        "5. Муниципальным методическим службам:",
        "6. МКУ ИРЦОСО (Вислобокова):",
        "в срок до 31.12.2021 г.",
        "Конференция решила:",
    ];
    for phrase in phrases {
        for enc in [WINDOWS_1251, KOI8_R] {
            let (bytes, expected) = legacy_round_trip(enc, phrase);
            let got = decode(&bytes).map(|(t, e)| (t, e.to_owned()));
            assert_eq!(
                got,
                Ok((expected, enc.name().to_owned())),
                "{phrase} in {}",
                enc.name()
            );
        }
    }
}

#[test]
fn utf16_with_bom_both_orders() {
    let text = seed("004_3d482b24eda1d297.txt");
    let mut le = vec![0xFF, 0xFE];
    le.extend(utf16(UTF_16LE, &text));
    let mut be = vec![0xFE, 0xFF];
    be.extend(utf16(UTF_16BE, &text));
    assert_eq!(decode(&le), Ok((text.clone(), "UTF-16LE")));
    assert_eq!(decode(&be), Ok((text, "UTF-16BE")));
}

#[test]
fn utf16_without_bom_both_orders() {
    let text = seed("002_7462719c375c5678.txt");
    assert_eq!(
        decode(&utf16(UTF_16LE, &text)),
        Ok((text.clone(), "UTF-16LE"))
    );
    assert_eq!(decode(&utf16(UTF_16BE, &text)), Ok((text, "UTF-16BE")));
    // English only: high bytes are all zero.
    let english = "The participants recommend improving teacher training in every school.";
    assert_eq!(
        decode(&utf16(UTF_16LE, english)),
        Ok((english.to_owned(), "UTF-16LE"))
    );
}

#[test]
fn utf8_bom_is_stripped() {
    let text = seed("002_7462719c375c5678.txt");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    let (decoded, enc) = decode(&bytes).expect("UTF-8 with BOM");
    assert_eq!(enc, "UTF-8");
    assert!(!decoded.starts_with('\u{FEFF}'));
    assert_eq!(decoded, text);
}

#[test]
fn damaged_utf8_stays_utf8() {
    let text = seed("004_3d482b24eda1d297.txt");
    let mut bytes = text.clone().into_bytes();
    // A stray byte in the middle and a truncated multi-byte character at the end.
    let middle = text
        .char_indices()
        .nth(5000)
        .map(|(i, _)| i)
        .expect("long seed");
    bytes.insert(middle, 0xFF);
    bytes.extend_from_slice(&"Ж".as_bytes()[..1]);
    let (decoded, enc) = decode(&bytes).expect("damaged UTF-8");
    assert_eq!(enc, "UTF-8");
    assert_eq!(decoded.matches('\u{FFFD}').count(), 2);
    assert!(decoded.contains("Рекомендовать отделу образования администрации района"));
}

#[test]
fn crlf_and_lone_cr_become_lf() {
    let text = seed("002_7462719c375c5678.txt");
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(decode(crlf.as_bytes()).map(|d| d.0), Ok(text.clone()));
    let cr = text.replace('\n', "\r");
    assert_eq!(decode(cr.as_bytes()).map(|d| d.0), Ok(text.clone()));
    let mixed = "Конференция решила:\r\n1. Принять к сведению.\r2. Рекомендовать.\n";
    assert_eq!(
        decode(mixed.as_bytes()).map(|d| d.0),
        Ok("Конференция решила:\n1. Принять к сведению.\n2. Рекомендовать.\n".to_owned())
    );
}

#[test]
fn output_is_nfc() {
    // «й» and «ё» written as base letter + combining mark.
    let decomposed = "Обеспечить участие и\u{306} е\u{308}мкость сетевых проектов.";
    let (decoded, _) = decode(decomposed.as_bytes()).expect("Russian text");
    assert_eq!(decoded, "Обеспечить участие й ёмкость сетевых проектов.");
}

#[test]
fn empty_and_whitespace_only_are_empty() {
    for bytes in [
        &b""[..],
        b"   \n\t\r\n  ",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFF\xFE \x00\n\x00",
    ] {
        assert_eq!(decode(bytes), Err(RejectReason::Empty), "{bytes:?}");
    }
}

#[test]
fn stray_nul_bytes_are_removed_from_valid_text() {
    let text = seed("004_3d482b24eda1d297.txt");
    let mut bytes = text.clone().into_bytes();
    for nth in [5000, 100] {
        let (at, _) = text.char_indices().nth(nth).expect("a long seed");
        bytes.insert(at, 0);
    }
    let decoded = decode_text(&bytes).expect("a text with two stray NULs is a text");
    assert_eq!(decoded.nul_removed, 2);
    assert!(!decoded.text.contains('\0'));
    assert_eq!(decoded.text, decode(text.as_bytes()).expect("seed").0);
}

#[test]
fn many_nul_bytes_are_binary() {
    let mut bytes = seed("004_3d482b24eda1d297.txt").into_bytes();
    let every = 50;
    for i in (0..bytes.len()).step_by(every).rev() {
        bytes.insert(i, 0);
    }
    match decode(&bytes) {
        Err(RejectReason::Binary(why)) => assert!(why.contains("NUL"), "{why}"),
        other => panic!("expected binary, got {other:?}"),
    }
}

#[test]
fn control_characters_are_binary() {
    let text: String = "Обеспечить участие\u{1}\u{2}\u{3}\u{7}\u{1b}".repeat(50);
    match decode(text.as_bytes()) {
        Err(RejectReason::Binary(why)) => assert!(why.contains("control"), "{why}"),
        other => panic!("expected binary, got {other:?}"),
    }
}

#[test]
fn broken_utf16_is_undecodable() {
    // BOM then lone surrogates.
    let mut bytes = vec![0xFF, 0xFE];
    for _ in 0..200 {
        bytes.extend_from_slice(&[0x00, 0xD8, 0x41, 0x00]);
    }
    match decode(&bytes) {
        Err(RejectReason::Binary(why)) => assert!(why.contains("undecodable"), "{why}"),
        other => panic!("expected undecodable, got {other:?}"),
    }
}

#[test]
fn german_and_chinese_are_rejected_with_the_language() {
    let german = "Die Teilnehmer der strategischen Sitzung empfehlen dem Bildungsministerium, \
        bis zum Ende des Jahres die Arbeit mit begabten Kindern zu verbessern und die \
        Lehrerfortbildung in allen Schulen des Landkreises auszubauen.";
    assert_eq!(
        decode(german.as_bytes()),
        Err(RejectReason::Language("German".into()))
    );
    let chinese =
        "战略会议的参与者建议教育部在年底前改进与天才儿童的工作，并在全区所有学校扩大教师培训。";
    match decode(chinese.as_bytes()) {
        Err(RejectReason::Language(lang)) => assert_eq!(lang, "Mandarin"),
        other => panic!("expected a language rejection, got {other:?}"),
    }
    let ukrainian = "Учасники стратегічної сесії рекомендують міністерству освіти області \
        забезпечити підвищення кваліфікації вчителів і розвиток їхньої професійної діяльності.";
    assert_eq!(
        decode(ukrainian.as_bytes()),
        Err(RejectReason::Language("Ukrainian".into()))
    );
    let bulgarian = "Участниците в стратегическата сесия препоръчват на министерството на \
        образованието да подобри квалификацията на учителите и развитието на техните \
        професионални умения във всички училища на областта през следващата година, като \
        осигури нужните средства и методическа подкрепа за работата с надарените деца.";
    assert_eq!(
        decode(bulgarian.as_bytes()),
        Err(RejectReason::Language("Bulgarian".into()))
    );
    // The message of the error is one line naming the language.
    let msg = RejectReason::Language("German".into()).to_string();
    assert_eq!(msg, "not Russian or English text (detected: German)");
}

#[test]
fn english_and_short_russian_are_accepted() {
    let english = "The participants of the strategic session recommend that the regional \
        ministry of education improve teacher training in every school of the district.";
    assert!(decode(english.as_bytes()).is_ok());
    for short in [
        "1. 2021 г. — 15%",
        "в срок до 31.12.2021 г.",
        "Приложение № 2\n\n3.1. 12,5 %; 14 %; 2022/2023",
        "ГАУ ДПО «СОИРО» 2020 ID 42 HTML PDF DOCX",
    ] {
        assert!(decode(short.as_bytes()).is_ok(), "{short}");
    }
}

#[test]
fn digits_only_is_not_text() {
    assert!(matches!(
        decode(b"12345 678 90\n2021 2022\n"),
        Err(RejectReason::Language(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        match decode(&bytes) {
            Ok((text, _)) => {
                prop_assert!(!text.contains('\r'));
                prop_assert!(!text.starts_with('\u{FEFF}'), "BOM kept");
                prop_assert!(!text.trim().is_empty());
            }
            Err(reason) => prop_assert!(!reason.to_string().contains('\n')),
        }
    }

}

proptest! {
    // Each case decodes a whole seed (~30 KB): fewer cases keep the suite quick.
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn mutated_seed_never_panics(
        start in 0usize..20_000,
        noise in proptest::collection::vec(any::<u8>(), 1..64),
        enc in 0usize..3,
    ) {
        let text = seed("004_3d482b24eda1d297.txt");
        let mut bytes = match enc {
            0 => text.into_bytes(),
            1 => WINDOWS_1251.encode(&text).0.into_owned(),
            _ => KOI8_R.encode(&text).0.into_owned(),
        };
        let at = start.min(bytes.len());
        bytes.splice(at..at, noise);
        if let Ok((t, _)) = decode(&bytes) {
            prop_assert!(!t.contains('\r'));
        }
    }
}

/// Equality with a short message around the first difference (texts are megabytes long).
fn assert_same_text(got: &str, want: &str, what: &str) {
    if got == want {
        return;
    }
    let at = got
        .chars()
        .zip(want.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let around = |t: &str| {
        t.chars()
            .skip(at.saturating_sub(30))
            .take(60)
            .collect::<String>()
    };
    panic!(
        "{what}: texts differ at char {at} (lengths {} vs {}):\n got: {:?}\nwant: {:?}",
        got.len(),
        want.len(),
        around(got),
        around(want)
    );
}

fn touch(p: &Path, content: &str) {
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(p, content).expect("write");
}

#[test]
fn collect_paths_walks_sorted_and_reports_other_types() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    touch(&root.join("b.txt"), "Текст б");
    touch(&root.join("a.md"), "Текст а");
    touch(&root.join("sub/c.TXT"), "Текст в");
    touch(&root.join("sub/deeper/d.txt"), "Текст г");
    touch(&root.join("sub/skip.xlsx"), "PK");
    touch(&root.join("notes.pptx"), "x");
    touch(&root.join(".hidden/e.txt"), "скрыто");
    let (paths, errors) = collect_paths(&[root.to_owned()]);
    let unsupported: Vec<&Path> = errors
        .iter()
        .map(|e| match e {
            Error::Rejected {
                path,
                reason: RejectReason::Unsupported,
            } => path.as_path(),
            e => panic!("unexpected {e:?}"),
        })
        .collect();
    assert_eq!(
        unsupported,
        [root.join("notes.pptx"), root.join("sub/skip.xlsx")]
    );
    let rel: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.strip_prefix(root).expect("under root").to_owned())
        .collect();
    assert_eq!(
        rel,
        ["a.md", "b.txt", "sub/c.TXT", "sub/deeper/d.txt"].map(PathBuf::from)
    );
}

#[test]
fn collect_paths_reports_missing_and_unsupported_but_keeps_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.txt");
    let pdf = dir.path().join("report.xlsx");
    touch(&good, "Обеспечить участие");
    touch(&pdf, "%PDF-1.4");
    let missing = dir.path().join("nope.txt");
    let (paths, errors) = collect_paths(&[missing.clone(), pdf.clone(), good.clone()]);
    assert_eq!(paths, vec![good]);
    assert_eq!(errors.len(), 2);
    match &errors[0] {
        Error::Rejected {
            path,
            reason: RejectReason::Io(_),
        } => assert_eq!(path, &missing),
        e => panic!("unexpected {e:?}"),
    }
    match &errors[1] {
        Error::Rejected {
            path,
            reason: RejectReason::Unsupported,
        } => assert_eq!(path, &pdf),
        e => panic!("unexpected {e:?}"),
    }
}

#[cfg(unix)]
#[test]
fn collect_paths_survives_symlink_loops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    touch(&root.join("a/x.txt"), "Текст");
    std::os::unix::fs::symlink(root, root.join("a/loop")).expect("symlink");
    std::os::unix::fs::symlink(root.join("a"), root.join("a/self")).expect("symlink");
    let (paths, errors) = collect_paths(&[root.to_owned()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(paths, vec![root.join("a/x.txt")]);
}

/// Runs gen_corpus.py --nasty into a tempdir; fails loudly when python3 is missing.
fn nasty_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools/gen_corpus.py");
    let script = if script.exists() {
        script
    } else {
        PathBuf::from("/work/shared/tools/gen_corpus.py")
    };
    let out = Command::new("python3")
        .arg(&script)
        .args(["--docs", "3", "--nasty", "--out"])
        .arg(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed to generate the nasty corpus: {e}"));
    assert!(
        out.status.success(),
        "gen_corpus.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nasty = dir.path().join("nasty");
    (dir, nasty)
}

#[test]
fn nasty_files_from_gen_corpus() {
    let (_keep, nasty) = nasty_dir();
    let (files, errors) = read_all(std::slice::from_ref(&nasty));

    let reason_of = |name: &str| {
        errors.iter().find_map(|e| match e {
            Error::Rejected { path, reason } if path.ends_with(name) => Some(reason.clone()),
            _ => None,
        })
    };
    assert_eq!(reason_of("empty.txt"), Some(RejectReason::Empty));
    assert!(
        matches!(reason_of("binary.txt"), Some(RejectReason::Binary(_))),
        "{:?}",
        reason_of("binary.txt")
    );
    assert_eq!(errors.len(), 2, "{errors:?}");

    let text_of = |name: &str| {
        files
            .iter()
            .find(|f| f.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name} was not accepted"))
    };
    let utf16 = text_of("utf16.txt");
    assert_eq!(utf16.encoding, "UTF-16LE");
    let cp1251 = text_of("cp1251.txt");
    assert_eq!(cp1251.encoding, "windows-1251");
    let koi8 = text_of("koi8r.txt");
    assert_eq!(koi8.encoding, "KOI8-R");

    // The generator writes the same resolution in each encoding; the UTF-16 copy carries
    // every character, so it is the reference. For KOI8-R it first replaced «», dashes and
    // № by ASCII (gen_corpus KOI8_FIX); characters a legacy encoding lacks became '?'.
    let reference = &utf16.text;
    let expected_in = |enc: &'static Encoding, text: &str| -> String {
        text.chars()
            .map(|c| {
                let c = if enc == KOI8_R {
                    match c {
                        '«' | '»' => '"',
                        '–' | '—' => '-',
                        '№' => 'N',
                        c => c,
                    }
                } else {
                    c
                };
                let (_, _, unmappable) = enc.encode(c.encode_utf8(&mut [0; 4]));
                if unmappable { '?' } else { c }
            })
            .collect()
    };
    assert_same_text(
        &cp1251.text,
        &expected_in(WINDOWS_1251, reference),
        "cp1251.txt",
    );
    assert_same_text(&koi8.text, &expected_in(KOI8_R, reference), "koi8r.txt");
    for t in [&cp1251.text, &koi8.text] {
        assert!(t.starts_with("РЕЗОЛЮЦИЯ\n"), "{}", &t[..40.min(t.len())]);
        assert!(t.contains("По итогам обсуждения участники сессии рекомендуют:"));
        assert!(t.contains("в сфере образования"));
    }

    let huge = text_of("huge.txt");
    assert!(huge.text.len() >= 20 << 20, "{}", huge.text.len());
    assert!(!huge.text.contains('\r'));

    let norecs = text_of("norecs.txt");
    assert!(norecs.text.starts_with("РЕЗОЛЮЦИЯ"));
}

#[test]
fn read_file_reports_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("empty.txt");
    touch(&p, "");
    match read_file(&p) {
        Err(e @ Error::Rejected { .. }) => {
            assert_eq!(e.to_string(), format!("{}: empty file", p.display()))
        }
        other => panic!("{other:?}"),
    }
}

// ---- document identity -------------------------------------------------------------------

#[test]
fn ids_are_romanised_names_and_keep_the_seed_and_fixture_ids() {
    assert_eq!(doc_id_for_name("2019/Резолюция.txt"), "2019_rezolyutsiya");
    assert_eq!(doc_id_for_name("Положение.txt"), "polozhenie");
    assert_eq!(
        doc_id_for_name("Решение (проект) №5.TXT"),
        "reshenie_proekt_5"
    );
    assert_eq!(slug("Щёлково école"), "shchyolkovo_ecole");
    assert_eq!(doc_id_for_name("日本.txt"), "doc");
    for name in SEED_NAMES {
        assert_eq!(doc_id_for_name(name), name.trim_end_matches(".txt"));
    }
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut checked = 0;
    for entry in std::fs::read_dir(&real).expect("real fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            let name = path.file_name().expect("name").to_string_lossy();
            assert_eq!(doc_id_for_name(&name), name.trim_end_matches(".txt"));
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// Ids of `collect_files`, keyed by display name.
fn ids_by_name(files: &[FoundFile]) -> std::collections::BTreeMap<String, String> {
    files
        .iter()
        .map(|f| (f.name.clone(), f.doc_id.clone()))
        .collect()
}

#[test]
fn collect_files_gives_every_file_its_own_stable_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("corpus");
    for name in [
        "2019/resolution.txt",
        "2020/resolution.txt",
        "resolution.md",
        "resolution.txt",
        "Резолюция.txt",
        "Положение.txt",
        "2019_resolution.txt",
    ] {
        touch(&root.join(name), "Обеспечить участие");
    }
    let other = dir.path().join("other");
    touch(&other.join("resolution.txt"), "Обеспечить участие");

    let (files, errors) = collect_files(&[root.clone(), other.clone()]);
    assert!(errors.is_empty(), "{errors:?}");
    let ids = ids_by_name(&files);
    assert_eq!(ids.len(), 7, "{ids:?}");
    let unique: std::collections::HashSet<&String> = files.iter().map(|f| &f.doc_id).collect();
    assert_eq!(unique.len(), files.len(), "{files:?}");
    assert_eq!(ids["2019/resolution.txt"], "2019_resolution");
    assert_eq!(ids["2020/resolution.txt"], "2020_resolution");
    assert_eq!(ids["Резолюция.txt"], "rezolyutsiya");
    assert_eq!(ids["Положение.txt"], "polozhenie");
    // Sorted walk: the first file keeps the plain id, the later ones get a suffix.
    assert_eq!(ids["resolution.md"], "resolution");
    let suffixed: Vec<&FoundFile> = files
        .iter()
        .filter(|f| f.doc_id.starts_with("resolution-"))
        .collect();
    assert_eq!(suffixed.len(), 2, "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f.name == "2019_resolution.txt" && f.doc_id.starts_with("2019_resolution-"))
    );
    // The same files give the same ids.
    let (again, _) = collect_files(&[root, other]);
    assert_eq!(again, files);
}

// ---- limits and special files ------------------------------------------------------------

#[test]
fn files_above_the_limit_are_rejected_from_their_metadata() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.txt");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(1 << 30).expect("a sparse gigabyte");
    let (files, errors) = collect_files(std::slice::from_ref(&big));
    assert!(errors.is_empty(), "{errors:?}");
    match read_found(&files[0], &ReadLimits::from_mb(50)) {
        Err(Error::Rejected {
            reason: reason @ RejectReason::TooLarge { .. },
            ..
        }) => {
            let msg = reason.to_string();
            assert!(
                msg.contains("1073.7 MB") && msg.contains("--max-file-mb"),
                "{msg}"
            );
        }
        other => panic!("expected too large, got {other:?}"),
    }
    let small = dir.path().join("small.txt");
    touch(&small, &seed("000_09d3111d1cb66d39.txt"));
    let (files, _) = collect_files(std::slice::from_ref(&small));
    let limits = ReadLimits {
        max_file_bytes: 1000,
    };
    assert!(matches!(
        read_found(&files[0], &limits),
        Err(Error::Rejected {
            reason: RejectReason::TooLarge { .. },
            ..
        })
    ));
    assert!(read_found(&files[0], &ReadLimits::default()).is_ok());
}

/// Makes a FIFO with `mkfifo`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo failed");
}

#[cfg(unix)]
#[test]
fn special_files_are_rejected_and_never_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("docs");
    touch(&root.join("good.txt"), "Обеспечить участие");
    mkfifo(&root.join("pipe.txt"));
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.txt")).expect("symlink");
    let fifo = dir.path().join("named.txt");
    mkfifo(&fifo);
    let (files, errors) = collect_files(&[root.clone(), fifo.clone()]);
    assert_eq!(
        files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["good.txt"]
    );
    let rejected: Vec<(PathBuf, String)> = errors
        .iter()
        .map(|e| match e {
            Error::Rejected {
                path,
                reason: reason @ RejectReason::NotRegularFile(_),
            } => (path.clone(), reason.to_string()),
            e => panic!("unexpected {e:?}"),
        })
        .collect();
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    assert_eq!(rejected[0].0, root.join("pipe.txt"));
    assert!(rejected[0].1.contains("FIFO"), "{rejected:?}");
    assert_eq!(rejected[1].0, root.join("zero.txt"));
    assert!(rejected[1].1.contains("character device"), "{rejected:?}");
    assert_eq!(rejected[2].0, fifo);
    // Named directly to the reader as well.
    assert!(matches!(
        read_file(&fifo),
        Err(Error::Rejected {
            reason: RejectReason::NotRegularFile(_),
            ..
        })
    ));
}

// ---- the command line --------------------------------------------------------------------

/// Longest a command of these tests may run before it counts as hung (a guard, not a timing
/// check: each command here takes seconds at most).
const HANG_GUARD: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs the binary with `args`, reading its output on threads; a run past [`HANG_GUARD`] is
/// killed and fails the test.
fn cli(args: &[&std::ffi::OsStr]) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_edusearch"))
        .args(args)
        .env("EDUSEARCH_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("edusearch {args:?} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: out.join().expect("stdout"),
        stderr: err.join().expect("stderr"),
    }
}

fn os(s: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> &std::ffi::OsStr {
    s.as_ref()
}

/// A corpus of four seeds: two files named `resolution.txt` in two folders and two files
/// with Cyrillic names.
fn same_name_corpus(root: &Path) {
    for (name, seed_name) in [
        ("2019/resolution.txt", "000_09d3111d1cb66d39.txt"),
        ("2020/resolution.txt", "001_cea0fd4304aef64b.txt"),
        ("Резолюция.txt", "002_7462719c375c5678.txt"),
        ("Положение.txt", "004_3d482b24eda1d297.txt"),
    ] {
        touch(&root.join(name), &seed(seed_name));
    }
}

/// `indexed N documents, M entries` of the summary.
fn printed_totals(stdout: &[u8]) -> (u64, u64) {
    let text = String::from_utf8_lossy(stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("indexed "))
        .unwrap_or_else(|| panic!("no summary in {text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    let n = |i: usize| words[i].parse::<u64>().unwrap_or_else(|_| panic!("{line}"));
    (n(1), n(3))
}

/// Documents of an index: (id, entries).
fn held(index: &Path) -> Vec<(String, u64)> {
    edusearch::index::EntryIndex::open(index)
        .expect("open index")
        .documents()
        .expect("documents")
        .into_iter()
        .map(|d| (d.doc_id, d.entries))
        .collect()
}

#[test]
fn index_keeps_same_named_and_cyrillic_files_and_prints_what_it_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    same_name_corpus(&corpus);
    let index = dir.path().join("index");
    let out = cli(&[os("--index"), os(&index), os("index"), os(&corpus)]);
    assert!(out.status.success(), "{out:?}");
    let (docs, entries) = printed_totals(&out.stdout);
    let held = held(&index);
    let ids: Vec<&str> = held.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "2019_resolution",
            "2020_resolution",
            "polozhenie",
            "rezolyutsiya"
        ]
    );
    assert_eq!(docs, held.len() as u64);
    assert_eq!(entries, held.iter().map(|(_, n)| n).sum::<u64>());
}

#[test]
fn the_index_records_the_file_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    same_name_corpus(&corpus);
    let index = dir.path().join("index");
    let out = cli(&[os("--index"), os(&index), os("index"), os(&corpus)]);
    assert!(out.status.success(), "{out:?}");
    let idx = edusearch::index::EntryIndex::open(&index).expect("open");
    let files: Vec<(String, Option<String>)> = idx
        .documents()
        .expect("documents")
        .into_iter()
        .map(|d| (d.doc_id, d.file))
        .collect();
    assert_eq!(
        files,
        [
            ("2019_resolution", "2019/resolution.txt"),
            ("2020_resolution", "2020/resolution.txt"),
            ("polozhenie", "Положение.txt"),
            ("rezolyutsiya", "Резолюция.txt"),
        ]
        .map(|(id, f)| (id.to_string(), Some(f.to_string())))
    );
    assert_eq!(
        idx.document_file("rezolyutsiya")
            .expect("lookup")
            .as_deref(),
        Some("Резолюция.txt")
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("the index now holds 4 documents"),
        "{stdout}"
    );
}

#[test]
fn indexing_folders_one_by_one_never_replaces_another_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    same_name_corpus(&corpus);
    let index = dir.path().join("index");
    let run = |folder: &str| {
        let out = cli(&[
            os("--index"),
            os(&index),
            os("index"),
            os(&corpus.join(folder)),
        ]);
        assert!(out.status.success(), "{out:?}");
        held(&index)
    };
    let first = run("2019");
    assert_eq!(first.len(), 1, "{first:?}");
    let both = run("2020");
    assert_eq!(
        both.len(),
        2,
        "the second resolution.txt replaced the first: {both:?}"
    );
    assert!(both.contains(&first[0]), "{both:?}");
    // Re-indexing a file replaces its own document, under the same id.
    let again = run("2019");
    assert_eq!(again, both);
}

#[test]
fn parse_json_never_repeats_an_entry_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    same_name_corpus(&corpus);
    let out = cli(&[os("parse"), os("--json"), os(&corpus)]);
    assert!(out.status.success(), "{out:?}");
    let mut ids = std::collections::HashSet::new();
    let mut docs = std::collections::BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let id = v["id"].as_str().expect("id").to_string();
        docs.insert(v["doc_id"].as_str().expect("doc_id").to_string());
        assert!(ids.insert(id.clone()), "entry id {id} printed twice");
    }
    assert_eq!(docs.len(), 4, "{docs:?}");
}

#[test]
fn align_takes_unique_prefixes_of_document_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let out = cli(&[os("--index"), os(&index), os("index"), os(&seeds)]);
    assert!(out.status.success(), "{out:?}");
    let out = cli(&[
        os("--index"),
        os(&index),
        os("align"),
        os("000"),
        os("001"),
        os("--json"),
    ]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["from_doc"], "000_09d3111d1cb66d39");
    assert_eq!(v["to_doc"], "001_cea0fd4304aef64b");
    let out = cli(&[os("--index"), os(&index), os("align"), os("00"), os("001")]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ambiguous"), "{err}");
    for id in SEED_NAMES.map(|n| n.trim_end_matches(".txt")) {
        assert!(err.contains(id), "{id} not listed: {err}");
    }
    let out = cli(&[os("--index"), os(&index), os("align"), os("9"), os("001")]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown document id: 9"));
}

#[cfg(unix)]
#[test]
fn special_files_on_the_command_line_are_rejected_without_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.txt");
    mkfifo(&fifo);
    let zero = dir.path().join("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    for special in [&fifo, &zero] {
        let out = cli(&[os("parse"), os(special)]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a regular file"), "{err}");
    }
    let folder = dir.path().join("folder");
    touch(&folder.join("good.txt"), &seed("004_3d482b24eda1d297.txt"));
    mkfifo(&folder.join("pipe.txt"));
    std::os::unix::fs::symlink("/dev/zero", folder.join("zero.txt")).expect("symlink");
    let index = dir.path().join("index");
    let out = cli(&[os("--index"), os(&index), os("index"), os(&folder)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pipe.txt") && err.contains("zero.txt"),
        "{err}"
    );
    assert_eq!(held(&index).len(), 1);
}

#[test]
fn files_above_max_file_mb_are_rejected_unread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.txt");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(1 << 30))
        .expect("a sparse gigabyte");
    let out = cli(&[os("parse"), os(&big)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("too large"), "{err}");
    let two_mb = dir.path().join("two.txt");
    let text = seed("000_09d3111d1cb66d39.txt");
    touch(&two_mb, &text.repeat((2_000_000 / text.len()) + 1));
    let out = cli(&[os("parse"), os("--max-file-mb"), os("1"), os(&two_mb)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("the limit is 1.0 MB"));
}

#[test]
fn a_stray_nul_byte_is_removed_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nul.txt");
    let text = seed("004_3d482b24eda1d297.txt");
    let (at, _) = text.char_indices().nth(200).expect("a long seed");
    let mut bytes = text.into_bytes();
    bytes.insert(at, 0);
    std::fs::write(&path, &bytes).expect("write");
    let out = cli(&[os("parse"), os("--json"), os(&path)]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 10);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NUL"), "{err}");
}

#[test]
fn a_folder_of_unsupported_files_lists_them_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("office");
    // Types no reader handles (DOCX and PDF are read since src/formats; see tests/formats.rs for
    // broken files of read types).
    touch(&folder.join("report.xlsx"), "PK\u{3}\u{4}");
    touch(&folder.join("scan.djvu"), "AT&TFORM");
    let index = dir.path().join("index");
    let out = cli(&[os("--index"), os(&index), os("index"), os(&folder)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    for name in ["report.xlsx", "scan.djvu"] {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("unsupported file type")),
            "{name} not listed: {err}"
        );
    }
    let out = cli(&[os("parse"), os(&folder)]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn seeds_indexed_from_the_binary_are_replaced_by_the_same_files_not_doubled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = dir.path().join("index");
    let mut idx = edusearch::index::EntryIndex::open_or_build_seeds(&index).expect("seeds");
    let before = idx.documents().expect("documents");
    assert_eq!(before.len(), SEED_NAMES.len());
    // The same texts from a folder (other paths): same ids, nothing added.
    let copies = dir.path().join("seeds");
    for name in SEED_NAMES {
        touch(&copies.join(name), &seed(name));
    }
    // One of them edited: another file with other text keeps the held seed and gets its own id.
    let edited = copies.join(SEED_NAMES[4]);
    touch(
        &edited,
        &format!("{}\nОбеспечить участие.\n", seed(SEED_NAMES[4])),
    );
    let mut rejected = Vec::new();
    let mut w = idx.writer().expect("writer");
    w.add_files(std::slice::from_ref(&copies), |o| {
        if let edusearch::index::FileOutcome::Rejected(e) = o {
            rejected.push(e.to_string());
        }
    })
    .expect("add");
    w.commit().expect("commit");
    assert!(rejected.is_empty(), "{rejected:?}");
    let after: Vec<String> = idx
        .documents()
        .expect("documents")
        .into_iter()
        .map(|d| d.doc_id)
        .collect();
    let seed_id = |n: &str| n.trim_end_matches(".txt").to_string();
    assert_eq!(after.len(), SEED_NAMES.len() + 1, "{after:?}");
    for name in SEED_NAMES {
        assert!(after.contains(&seed_id(name)), "{after:?}");
    }
    assert!(
        after
            .iter()
            .any(|id| id.starts_with(&format!("{}-", seed_id(SEED_NAMES[4])))),
        "{after:?}"
    );
}
