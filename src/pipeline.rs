//! The parse pipeline end to end: source file → [`Document`].

use std::path::PathBuf;

use crate::error::Error;
use crate::ingest::{self, ReadLimits, SourceFile};
use crate::model::Document;
use crate::{clean, meta, segment};

/// Version of the parse (ingest → clean → meta → segment → enrich). Bump it whenever a change to
/// any of those changes the entries produced from the same file (boundaries, texts, addressees,
/// topics, dates, ids): an index records the version that parsed its entries, and an index built
/// from the embedded seeds by another version is rebuilt when `serve` opens it.
pub const PARSER_VERSION: u32 = 5;

/// The five bundled seed documents, compiled into the binary.
pub const SEEDS: [(&str, &str); 5] = [
    (
        "000_09d3111d1cb66d39.txt",
        include_str!("../seeds/000_09d3111d1cb66d39.txt"),
    ),
    (
        "001_cea0fd4304aef64b.txt",
        include_str!("../seeds/001_cea0fd4304aef64b.txt"),
    ),
    (
        "002_7462719c375c5678.txt",
        include_str!("../seeds/002_7462719c375c5678.txt"),
    ),
    (
        "003_29c0463918b17839.txt",
        include_str!("../seeds/003_29c0463918b17839.txt"),
    ),
    (
        "004_3d482b24eda1d297.txt",
        include_str!("../seeds/004_3d482b24eda1d297.txt"),
    ),
];

/// The embedded seeds as source files (decoded through the same path as files on disk).
pub fn embedded_seeds() -> Vec<SourceFile> {
    SEEDS
        .iter()
        .filter_map(|(name, text)| {
            let path = PathBuf::from("seeds").join(name);
            let (text, encoding) = ingest::decode(text.as_bytes()).ok()?;
            Some(SourceFile {
                doc_id: ingest::doc_id_for(&path),
                name: (*name).to_string(),
                origin: format!("embedded:seeds/{name}"),
                path,
                text,
                encoding,
            })
        })
        .collect()
}

/// Parses one decoded source file into a document.
pub fn parse_source(src: &SourceFile) -> Document {
    let paras = clean::clean(&src.text);
    let texts: Vec<String> = paras.iter().map(|p| p.text.clone()).collect();
    let meta = meta::detect(&src.doc_id, &src.path.to_string_lossy(), &texts);
    let (entries, warnings) = segment::segment(&meta, &paras);
    Document {
        meta,
        entries,
        warnings,
    }
}

/// Reads (within `limits`) and parses every file under `inputs`; rejected files are returned
/// beside the documents. Document ids are unique among them (see [`ingest::collect_files`]).
pub fn parse_paths(inputs: &[PathBuf], limits: &ReadLimits) -> (Vec<Document>, Vec<Error>) {
    let (files, errors) = ingest::read_all_with(inputs, limits);
    (files.iter().map(parse_source).collect(), errors)
}
