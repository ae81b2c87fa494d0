//! The rsmorphy dictionary is compiled into the binary: parsing must not read the folder of
//! the build machine its files were included from (`EDUSEARCH_MORPH_DICT_DIR`, which build.rs
//! passes on: its copies of the files of `rsmorphy_dict_ru::DICT_PATH`).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_edusearch");
const DICT_DIR: &str = env!("EDUSEARCH_MORPH_DICT_DIR");

fn seed() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds/000_09d3111d1cb66d39.txt")
        .display()
        .to_string()
}

/// Canonical names of the addressees of the seed's entries, parsed by `cmd`.
fn canonical_addressees(cmd: &mut Command) -> Vec<String> {
    let out = cmd.output().expect("run edusearch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let entry: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        for a in entry["addressees"].as_array().into_iter().flatten() {
            names.extend(a["canonical"].as_str().map(str::to_owned));
        }
    }
    names
}

#[test]
fn binary_does_not_name_the_registry_dictionary_folder() {
    let bin = std::fs::read(BIN).expect("read the binary");
    let needle = DICT_DIR.as_bytes();
    assert!(
        !bin.windows(needle.len()).any(|w| w == needle),
        "the binary still contains {DICT_DIR}"
    );
}

/// Hides the registry folder behind an empty tmpfs in a private mount namespace (an
/// unprivileged user namespace) and parses there: dative addressees must still come out in
/// the nominative, which needs the dictionary.
#[test]
fn parses_with_the_registry_dictionary_folder_hidden() {
    let probe = Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "true"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: unshare (user + mount namespaces) is not available here");
        return;
    }
    let script = format!(
        "mount -t tmpfs none '{DICT_DIR}' && test ! -e '{DICT_DIR}/words.dawg.gz' && exec '{BIN}' parse --json '{}'",
        seed()
    );
    let hidden = canonical_addressees(
        Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "sh", "-c"])
            .arg(&script),
    );
    assert!(
        hidden
            .iter()
            .any(|n| n.starts_with("Управление общего образования")),
        "no nominative addressee with the dictionary folder hidden: {hidden:?}"
    );
    let visible = canonical_addressees(Command::new(BIN).args(["parse", "--json"]).arg(seed()));
    assert_eq!(hidden, visible);
}
