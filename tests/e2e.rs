//! Runs the browser tests of the web page and the widget (`tests/e2e/*.test.mjs`, node's test
//! runner + playwright-core driving headless Debian Chromium) against this build's `edusearch`.
//!
//! Needs `node`, `npm ci --prefix tests/e2e` and `/usr/bin/chromium`; without them the test fails
//! with the install commands, unless `EDUSEARCH_SKIP_E2E=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL_HINT: &str = "install the browser tests' dependencies:\n  \
     apt-get update && apt-get install -y chromium chromium-driver nodejs npm\n  \
     npm ci --prefix tests/e2e\n\
     or set EDUSEARCH_SKIP_E2E=1 to skip them";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("e2e")
}

/// What is missing to run the suite, if anything.
fn missing_prerequisites(dir: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        missing.push("`node` is not on PATH".to_owned());
    }
    if !dir.join("node_modules").join("playwright-core").is_dir() {
        missing.push(format!(
            "{} has no node_modules/playwright-core",
            dir.display()
        ));
    }
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(format!("{chromium} does not exist"));
    }
    missing
}

/// The test files, in a stable order.
fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn browser_tests_of_page_and_widget() {
    if std::env::var("EDUSEARCH_SKIP_E2E").is_ok_and(|v| v == "1") {
        eprintln!("EDUSEARCH_SKIP_E2E=1: browser tests skipped");
        return;
    }
    let dir = e2e_dir();
    let missing = missing_prerequisites(&dir);
    assert!(
        missing.is_empty(),
        "cannot run the browser tests: {}.\n{INSTALL_HINT}",
        missing.join("; ")
    );
    let files = test_files(&dir);
    assert!(!files.is_empty(), "no *.test.mjs in {}", dir.display());

    let status = Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&files)
        .current_dir(&dir)
        .env("EDUSEARCH_BIN", env!("CARGO_BIN_EXE_edusearch"))
        .status()
        .unwrap_or_else(|e| panic!("cannot start node: {e}\n{INSTALL_HINT}"));
    assert!(
        status.success(),
        "browser tests failed ({status}); screenshots in {}",
        dir.join("screenshots").display()
    );
}
