//! Tells the crate where the rsmorphy Russian dictionary lies at build time, so that
//! `enrich::morph` can compile its files into the binary (`include_bytes!`): a binary copied
//! to another machine must not depend on the cargo registry path of the build machine.

fn main() {
    let dir = rsmorphy_dict_ru::DICT_PATH;
    println!("cargo:rustc-env=EDUSEARCH_MORPH_DICT_DIR={dir}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={dir}");
}
