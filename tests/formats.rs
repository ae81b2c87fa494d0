//! Documents in office and web formats parse to the same entries as their text twin, and
//! hostile or unreadable files are rejected with a precise one-line reason.
//!
//! Fixtures: `tests/fixtures/formats/` (made by `make_fixtures.py` there, committed).

use std::io::Write;
use std::path::{Path, PathBuf};

use edusearch::Error;
use edusearch::error::RejectReason;
use edusearch::formats::{Format, FormatError, extract};
use edusearch::ingest::read_file;
use edusearch::model::Document;
use edusearch::pipeline::parse_source;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn parse(name: &str) -> Document {
    let src = read_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    parse_source(&src)
}

/// What must be equal between a document and its twin: each entry's type, number,
/// addressees (canonical names and roles), deadline, and text; and the detected metadata.
fn substance(doc: &Document) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = doc
        .entries
        .iter()
        .map(|e| {
            let v = serde_json::to_value(e).expect("entry serialises");
            serde_json::json!({
                "entry_type": v["entry_type"],
                "number": v["number"],
                "addressees": v["addressees"],
                "deadline": v["deadline"],
                "text": v["text"],
            })
        })
        .collect();
    let meta = serde_json::to_value(&doc.meta).expect("meta serialises");
    serde_json::json!({
        "title": meta["title"],
        "kind": meta["kind"],
        "date": meta["date"],
        "region": meta["region"],
        "entries": entries,
    })
}

fn assert_same_as_twin(name: &str) {
    let twin = substance(&parse("resolution.txt"));
    let doc = substance(&parse(name));
    let entries = twin["entries"].as_array().map_or(0, Vec::len);
    assert!(entries >= 10, "the twin has too few entries: {twin:#}");
    if doc != twin {
        panic!("{name} differs from the text twin\n--- twin\n{twin:#}\n--- {name}\n{doc:#}");
    }
}

#[test]
fn twin_has_numbered_recommendations_to_three_addressees() {
    let doc = parse("resolution.txt");
    let numbers: Vec<String> = doc
        .entries
        .iter()
        .filter_map(|e| e.number.clone())
        .collect();
    assert!(numbers.len() >= 8, "{numbers:?}");
    let addressees: std::collections::BTreeSet<String> = doc
        .entries
        .iter()
        .flat_map(|e| e.addressees.iter().map(|a| a.canonical.clone()))
        .collect();
    assert!(
        addressees
            .iter()
            .any(|a| a.starts_with("Руководители общеобразовательных организаций")),
        "{addressees:?}"
    );
}

#[test]
fn docx_matches_text_twin() {
    assert_same_as_twin("resolution.docx");
}

#[test]
fn odt_matches_text_twin() {
    assert_same_as_twin("resolution.odt");
}

#[test]
fn rtf_matches_text_twin() {
    assert_same_as_twin("resolution.rtf");
}

#[test]
fn html_matches_text_twin() {
    assert_same_as_twin("resolution.html");
}

#[test]
fn pdf_matches_text_twin() {
    assert_same_as_twin("resolution.pdf");
}

fn text_of(name: &str) -> String {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    let format = Format::of(Path::new(name)).expect("format");
    extract(&bytes, format).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn docx_renders_numbering_and_drops_furniture() {
    let text = text_of("resolution.docx");
    for line in [
        "1. Управлению",
        "1.2. организовать",
        "а) закрепление",
        "б) проведение",
        "3.2. организовать",
    ] {
        assert!(text.lines().any(|l| l.starts_with(line)), "{line}\n{text}");
    }
    assert!(
        text.contains("Мероприятие | Срок | Ответственный"),
        "{text}"
    );
    // Header, footer (page number field), comment and deleted revision are not text.
    for absent in [
        "Резолюция августовской конференции 2023",
        "Проверить формулировку",
        "УДАЛЁН",
        "PAGE",
    ] {
        assert!(!text.contains(absent), "{absent}\n{text}");
    }
    // The footnote comes last.
    assert!(
        text.trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("[1] Данные мониторинга")),
        "{text}"
    );
}

#[test]
fn html_keeps_main_content_only() {
    let text = text_of("resolution.html");
    for absent in [
        "Главная",
        "Новости",
        "Последние новости",
        "Все права защищены",
        "реклама",
        "Счётчик",
    ] {
        assert!(!text.contains(absent), "{absent}\n{text}");
    }
    assert!(text.starts_with("РЕЗОЛЮЦИЯ\n"), "{text}");
    assert!(text.contains("\n1. Управлению образования"), "{text}");
}

#[test]
fn pdf_drops_running_header_and_page_numbers() {
    let text = text_of("resolution.pdf");
    assert!(
        !text.contains("Резолюция августовской конференции 2023"),
        "{text}"
    );
    let digits_only =
        |l: &str| !l.trim().is_empty() && l.trim().chars().all(|c| c.is_ascii_digit());
    assert!(!text.lines().any(digits_only), "{text}");
}

// ---------------------------------------------------------------- rejections

fn reason(name: &str, bytes: &[u8]) -> RejectReason {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    match read_file(&path) {
        Err(Error::Rejected { reason, .. }) => reason,
        Err(e) => panic!("{name}: not a rejection: {e}"),
        Ok(_) => panic!("{name}: accepted"),
    }
}

fn format_reason(name: &str, bytes: &[u8]) -> FormatError {
    match reason(name, bytes) {
        RejectReason::Format(f) => {
            let line = f.to_string();
            assert!(
                !line.contains('\n') && !f.message_ru().contains('\n'),
                "{line}"
            );
            f
        }
        other => panic!("{name}: {other}"),
    }
}

/// A zip with the given parts, deflated.
fn zip_with(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            z.start_file(*name, opts).expect("start");
            z.write_all(data).expect("write");
        }
        z.finish().expect("finish");
    }
    buf.into_inner()
}

#[test]
fn zip_bomb_is_rejected_by_ratio() {
    let zeros = vec![0u8; 3 * 1024 * 1024];
    let bomb = zip_with(&[("word/document.xml", &zeros)]);
    let err = format_reason("bomb.docx", &bomb);
    assert!(
        matches!(err, FormatError::TooLarge { .. }) && err.to_string().contains("zip bomb"),
        "{err}"
    );
}

#[test]
fn declared_gigabyte_part_is_rejected_before_unpacking() {
    let mut z = zip_with(&[("word/document.xml", b"<w:document/>")]);
    // Patch the uncompressed size (local header at +22, central directory entry at +24).
    let gb = 1_073_741_824u32.to_le_bytes();
    z[22..26].copy_from_slice(&gb);
    let cd = z
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central directory");
    z[cd + 24..cd + 28].copy_from_slice(&gb);
    let err = format_reason("huge.docx", &z);
    assert!(err.to_string().contains("declares 1024 MB"), "{err}");
}

#[test]
fn truncated_docx_is_rejected() {
    let bytes = std::fs::read(fixture("resolution.docx")).expect("fixture");
    let err = format_reason("cut.docx", &bytes[..bytes.len() / 2]);
    assert!(err.to_string().contains("broken ZIP archive"), "{err}");
}

#[test]
fn malformed_xml_is_rejected() {
    let z = zip_with(&[(
        "word/document.xml",
        b"<w:document xmlns:w=\"x\"><w:body><w:p></w:body></w:document>",
    )]);
    let err = format_reason("bad.docx", &z);
    assert!(err.to_string().contains("malformed XML"), "{err}");
}

#[test]
fn deeply_nested_xml_is_rejected() {
    let mut xml = String::from("<w:document xmlns:w=\"x\">");
    xml.push_str(&"<w:sdt>".repeat(10_000));
    xml.push_str(&"</w:sdt>".repeat(10_000));
    xml.push_str("</w:document>");
    let z = zip_with(&[("word/document.xml", xml.as_bytes())]);
    let err = format_reason("deep.docx", &z);
    assert!(err.to_string().contains("nested deeper"), "{err}");
}

/// An OLE compound file whose directory names the «EncryptedPackage» stream, as Office
/// writes password-protected DOCX files.
fn ole_with_stream(name: &str) -> Vec<u8> {
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.resize(512, 0);
    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    b.extend(utf16);
    b.resize(4096, 0);
    b
}

#[test]
fn encrypted_docx_is_rejected() {
    let err = format_reason("secret.docx", &ole_with_stream("EncryptedPackage"));
    assert_eq!(err, FormatError::Encrypted("DOCX"));
    assert!(err.message_ru().contains("зашифрован"));
}

#[test]
fn garbage_named_docx_is_rejected() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let err = format_reason("garbage.docx", &garbage);
    assert!(err.to_string().contains("not a ZIP package"), "{err}");
}

#[test]
fn legacy_doc_is_rejected_with_the_fix() {
    let err = format_reason(
        "resolution.doc",
        &std::fs::read(fixture("resolution.doc")).expect("fixture"),
    );
    assert_eq!(err, FormatError::LegacyDoc);
    assert!(err.to_string().contains("save it as DOCX"), "{err}");
    // Also when renamed to .docx.
    let err = format_reason(
        "renamed.docx",
        &std::fs::read(fixture("resolution.doc")).expect("fixture"),
    );
    assert_eq!(err, FormatError::LegacyDoc);
}

#[test]
fn scanned_pdf_is_rejected_with_the_ocr_hint() {
    let err = format_reason(
        "scan.pdf",
        &std::fs::read(fixture("scan.pdf")).expect("fixture"),
    );
    assert_eq!(err, FormatError::NoTextLayer);
    assert_eq!(
        err.message_ru(),
        "нет текстового слоя (скан); распознайте текст (OCR) и загрузите снова"
    );
}

#[test]
fn pdf_with_broken_xref_and_body_is_rejected() {
    let bytes = std::fs::read(fixture("resolution.pdf")).expect("fixture");
    // Cut in the middle of the body: the cross-reference table and trailer are gone.
    let err = format_reason("cut.pdf", &bytes[..bytes.len() / 3]);
    assert!(matches!(err, FormatError::Damaged { .. }), "{err}");
}

#[test]
fn pdf_stream_bomb_is_rejected() {
    // A page content stream of 40 MB of spaces, deflated to about 40 KB: far beyond what a
    // file of that size may inflate to.
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..40 {
        enc.write_all(&chunk).expect("deflate");
    }
    let data = enc.finish().expect("deflate");
    let mut pdf = b"%PDF-1.4\n1 0 obj\n<< /Length ".to_vec();
    pdf.extend(data.len().to_string().bytes());
    pdf.extend(b" /Filter /FlateDecode >>\nstream\n");
    pdf.extend(&data);
    pdf.extend(b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n");
    let err = format_reason("bomb.pdf", &pdf);
    assert!(err.to_string().contains("decompression bomb"), "{err}");
}

#[test]
fn deep_html_is_rejected_not_overflowing() {
    let html = format!("<html><body>{}текст</body></html>", "<div>".repeat(20_000));
    let err = format_reason("deep.html", html.as_bytes());
    assert!(err.to_string().contains("nested deeper"), "{err}");
}

#[test]
fn rtf_in_cp1251_without_unicode_escapes() {
    let rtf = "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\fcharset204 Times New Roman;}}\\f0 \
        {\\header Колонтитул\\par}1. Руководителям образовательных организаций обеспечить \
        участие педагогов в конференции.\\par}";
    let mut bytes = Vec::new();
    let (encoded, _, _) = encoding_rs::WINDOWS_1251.encode(rtf);
    // Non-ASCII as \'xx escapes, as Word writes them.
    for &b in encoded.iter() {
        if b >= 0x80 {
            bytes.extend(format!("\\'{b:02x}").bytes());
        } else {
            bytes.push(b);
        }
    }
    let text = extract(&bytes, Format::Rtf).expect("RTF");
    assert_eq!(
        text,
        "1. Руководителям образовательных организаций обеспечить участие педагогов в конференции.\n"
    );
}

#[test]
fn folder_walk_lists_documents_and_rejects_doc_with_the_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "resolution.docx",
        "resolution.pdf",
        "resolution.doc",
        "resolution.html",
    ] {
        std::fs::copy(fixture(name), dir.path().join(name)).expect("copy");
    }
    std::fs::write(dir.path().join("table.xlsx"), b"PK").expect("write");
    let (docs, errors) = edusearch::pipeline::parse_paths(
        &[dir.path().to_owned()],
        &edusearch::ingest::ReadLimits::default(),
    );
    assert_eq!(docs.len(), 3, "{errors:?}");
    // The spreadsheet is listed as a type that is not read; the .doc with its fix.
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].to_string().ends_with("table.xlsx: unsupported file type (read: .txt, .md, .docx, .odt, .html/.htm, .rtf, .pdf)"), "{}", errors[0]);
    let line = errors[1].to_string();
    assert!(line.ends_with("resolution.doc: legacy binary Word .doc format is not read: open it in Word or LibreOffice, save it as DOCX and add it again"), "{line}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(160))]

    /// Damaged copies of every fixture (bytes overwritten, then cut) never panic: each gives
    /// text or a one-line reason.
    #[test]
    fn damaged_documents_never_panic(
        which in 0usize..5,
        edits in proptest::collection::vec((0.0f64..1.0, proptest::prelude::any::<u8>()), 1..16),
        keep in 0.3f64..1.0,
    ) {
        let name = ["resolution.docx", "resolution.odt", "resolution.rtf", "resolution.html", "resolution.pdf"][which];
        let mut bytes = std::fs::read(fixture(name)).expect("fixture");
        for (at, b) in edits {
            let i = ((bytes.len() as f64) * at) as usize % bytes.len();
            bytes[i] = b;
        }
        bytes.truncate(((bytes.len() as f64) * keep) as usize);
        let format = Format::of(Path::new(name)).expect("format");
        if let Err(e) = extract(&bytes, format) {
            proptest::prop_assert!(!e.to_string().contains('\n'), "{}", e);
        }
    }
}

#[test]
fn encrypted_odt_is_rejected() {
    let manifest = br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/></manifest:file-entry></manifest:manifest>"#;
    let z = zip_with(&[
        ("META-INF/manifest.xml", manifest.as_slice()),
        ("content.xml", &[0x8f, 0x13, 0xfe, 0x00, 0x42]),
    ]);
    assert_eq!(
        format_reason("secret.odt", &z),
        FormatError::Encrypted("ODT")
    );
}
