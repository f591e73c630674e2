//! Inputs that once crashed a fuzz target (`fuzz/`, run by `scripts/fuzz.sh`), kept under
//! `tests/data/fuzz/TARGET/` and replayed through the very code the target runs: this test
//! compiles `fuzz/src/lib.rs`, the targets' harness, as a module. A new crash goes in as the raw
//! bytes libFuzzer wrote to `fuzz/artifacts/TARGET/`, under a name that says what it was.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use std::path::{Path, PathBuf};

/// What a fuzz target calls with one input.
type Run = fn(&[u8]);

/// Every fuzz target and the function it calls.
const TARGETS: [(&str, Run); 6] = [
    ("json", harness::json),
    ("http", harness::http),
    ("markdown", harness::markdown),
    ("har", harness::har),
    ("ndjson", harness::ndjson),
    ("check_file", harness::check_file),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

/// The kept inputs of one target, by name (dot files such as `.gitkeep` are not inputs).
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = root().join(target);
    assert!(
        dir.is_dir(),
        "{} is missing: every fuzz target has a folder of kept inputs (empty but for .gitkeep \
         when nothing was found)",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

#[test]
fn kept_fuzz_inputs_pass_their_target() {
    let mut failed = Vec::new();
    let mut replayed = 0;
    for (target, run) in TARGETS {
        for path in inputs(target) {
            let bytes = std::fs::read(&path).unwrap();
            replayed += 1;
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                failed.push(path.display().to_string());
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {replayed} kept fuzz inputs fail again (the panics are printed above):\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The list above is the fuzz crate's list of targets, and no folder is left without a target.
#[test]
fn every_fuzz_target_has_a_folder_and_every_folder_a_target() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/Cargo.toml"))
            .unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let mut bins: Vec<String> = manifest["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect();
    bins.sort();
    let mut listed: Vec<String> = TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    listed.sort();
    assert_eq!(bins, listed, "fuzz/Cargo.toml's targets and TARGETS differ");
    let mut dirs: Vec<String> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, listed, "tests/data/fuzz/ has a folder per target");
}
