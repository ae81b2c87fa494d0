//! Prepares the rsmorphy Russian dictionary that `enrich::morph` compiles into the binary
//! (`include_bytes!`): a binary copied to another machine must not depend on the cargo
//! registry path of the build machine.
//!
//! rsmorphy reads only gzip files. The registry's files are compressed at the highest level,
//! and inflating 12 MB of them was most of the time a fresh process took to answer its first
//! query; they are copied here as gzip files of *stored* (uncompressed) blocks, which rsmorphy
//! reads as fast as plain files. The folder of the copies is passed on as
//! `EDUSEARCH_MORPH_DICT_DIR`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn main() {
    let source = Path::new(rsmorphy_dict_ru::DICT_PATH);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", source.display());
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("morph-dict");
    std::fs::create_dir_all(&out).expect("create the dictionary folder in OUT_DIR");
    let entries = std::fs::read_dir(source).expect("read the rsmorphy dictionary folder");
    for entry in entries {
        let path = entry.expect("list the rsmorphy dictionary folder").path();
        let Some(name) = path.file_name() else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "gz") {
            store_uncompressed(&path, &out.join(name));
        }
    }
    println!("cargo:rustc-env=EDUSEARCH_MORPH_DICT_DIR={}", out.display());
}

/// Rewrites the gzip file `from` as a gzip file of stored blocks at `to`.
fn store_uncompressed(from: &Path, to: &Path) {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(from).expect("open a dictionary file"))
        .read_to_end(&mut plain)
        .expect("inflate a dictionary file");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    gz.write_all(&plain).expect("write stored blocks");
    let bytes = gz.finish().expect("finish a gzip file");
    std::fs::write(to, bytes).expect("write a dictionary file to OUT_DIR");
}
