//! Runs the browser tests of the web page and the widget (`tests/e2e/*.test.mjs`, node's test
//! runner + playwright-core driving headless Debian Chromium) against this build's `edusearch`.
//!
//! The suite needs `node` with `npm` and a Chromium (`/usr/bin/chromium` or `$CHROMIUM_PATH`).
//! It installs its own npm packages (`npm ci --prefix tests/e2e`, from the committed lock file)
//! when they are missing. Without node or Chromium it is skipped with one line on stderr —
//! except under `CI=true`, where a skip is a failure. `EDUSEARCH_SKIP_E2E=1` skips it anywhere
//! but in CI.

use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL_HINT: &str = "to run them: apt-get install -y chromium nodejs npm \
     (the npm packages are installed by the test itself)";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("e2e")
}

/// Whether `program --version` runs.
fn runs(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn chromium_path() -> String {
    std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// Installs the suite's npm packages from the lock file when they are missing.
fn ensure_node_modules(dir: &Path) -> Result<(), String> {
    let modules = dir.join("node_modules");
    if ["playwright-core", "axe-core"]
        .iter()
        .all(|package| modules.join(package).is_dir())
    {
        return Ok(());
    }
    if !runs("npm") {
        return Err("`npm` is not on PATH".to_owned());
    }
    say("browser tests: installing npm packages (npm ci --prefix tests/e2e)");
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot start npm: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm ci --prefix tests/e2e` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// What stops the suite from running, if anything (after installing the npm packages).
fn prerequisites(dir: &Path) -> Result<(), String> {
    if !runs("node") {
        return Err("`node` is not on PATH".to_owned());
    }
    let chromium = chromium_path();
    if !Path::new(&chromium).exists() {
        return Err(format!("no Chromium at {chromium}"));
    }
    ensure_node_modules(dir)
}

/// One line on stderr that the test harness does not capture (a skip must be seen).
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
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
    let ci = in_ci();
    if !ci && std::env::var("EDUSEARCH_SKIP_E2E").is_ok_and(|v| v == "1") {
        say("browser tests skipped: EDUSEARCH_SKIP_E2E=1");
        return;
    }
    let dir = e2e_dir();
    if let Err(why) = prerequisites(&dir) {
        assert!(
            !ci,
            "CI=true and the browser tests cannot run: {why}; {INSTALL_HINT}"
        );
        say(&format!("browser tests skipped: {why}; {INSTALL_HINT}"));
        return;
    }
    let files = test_files(&dir);
    assert!(!files.is_empty(), "no *.test.mjs in {}", dir.display());

    let status = Command::new("node")
        .arg("--test")
        .arg("--test-concurrency=1")
        .args(&files)
        .current_dir(&dir)
        .env("EDUSEARCH_BIN", env!("CARGO_BIN_EXE_edusearch"))
        .env("CHROMIUM_PATH", chromium_path())
        .status()
        .unwrap_or_else(|e| panic!("cannot start node: {e}"));
    assert!(
        status.success(),
        "browser tests failed ({status}); screenshots in {}",
        dir.join("screenshots").display()
    );
}
