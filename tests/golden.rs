//! Golden CLI cases kept as data: every `tests/cases/*/*.toml` is one run of the binary (its
//! arguments, environment and exit status) with its input folder (`NAME.in/`), its expected
//! `NAME.stdout` and `NAME.stderr` and, where the run writes files, the expected folder after it
//! (`NAME.out/`). `tests/cases/README.md` says how to add a case and how to re-bless them all:
//! `TRYCMD=overwrite cargo test --test golden`.

use std::path::{Path, PathBuf};

const CASES: &str = "tests/cases";

/// Every case has both expectation files: trycmd does not check a stream whose file is missing,
/// and `TRYCMD=overwrite` only fills files that exist.
fn assert_every_case_pins_both_streams() -> usize {
    let mut cases = 0;
    let mut missing = Vec::new();
    for folder in std::fs::read_dir(CASES).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                cases += 1;
                for ext in ["stdout", "stderr"] {
                    if !path.with_extension(ext).is_file() {
                        missing.push(path.with_extension(ext));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "create these (empty) and bless with `TRYCMD=overwrite cargo test --test golden`: {missing:#?}"
    );
    cases
}

/// The rule ids of the README's rule table (`| `id` | severity | ...`).
fn readme_rule_ids() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let table = readme
        .split("\n## Rules\n")
        .nth(1)
        .expect("a Rules section");
    table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|row| {
            let mut cells = row.split('|').map(str::trim).skip(1);
            let id = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
            matches!(cells.next()?, "error" | "warning").then(|| id.to_string())
        })
        .collect()
}

/// Each rule of the README has a folder whose `fires*` cases show the rule id and whose
/// `silent*` cases do not (the rule cases use the human report: `error[id]`, `warning[id]`), so a
/// re-bless cannot quietly turn a firing case into a silent one.
fn assert_every_rule_fires_and_stays_silent() {
    let ids = readme_rule_ids();
    assert_eq!(ids.len(), 22, "the README's rule table: {ids:?}");
    for id in ids {
        let folder = Path::new(CASES).join(&id);
        let mut fires = 0;
        let mut silent = 0;
        for entry in std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e} (every rule has a folder)", folder.display()))
        {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let stdout = std::fs::read_to_string(path.with_extension("stdout")).unwrap();
            let shown = stdout.contains(&format!("error[{id}]"))
                || stdout.contains(&format!("warning[{id}]"));
            if stem.starts_with("fires") {
                fires += 1;
                assert!(shown, "{}: {id} does not fire", path.display());
            } else if stem.starts_with("silent") {
                silent += 1;
                assert!(!shown, "{}: {id} is not silent", path.display());
            }
        }
        assert!(
            fires > 0 && silent > 0,
            "{}: a fires case and a silent case",
            folder.display()
        );
    }
}

/// A `paylint.toml` in a folder above a case's working directory would be read by paylint and
/// change every expectation. The cases run in sandboxes under `sandboxes` (or, for the README's
/// examples, in the package root): none of their ancestors may hold one.
fn assert_no_config_above(sandboxes: &Path) {
    let package = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for start in [sandboxes, package.as_path()] {
        for dir in start.ancestors() {
            let config = dir.join("paylint.toml");
            assert!(
                !config.exists(),
                "{} would be read by the golden cases; remove it or move it away",
                config.display()
            );
        }
    }
}

#[test]
fn golden() {
    let cases = assert_every_case_pins_both_streams();
    assert!(cases > 0, "no case under {CASES}");
    assert_every_rule_fires_and_stays_silent();

    // trycmd makes each sandbox with `tempfile`, under TMPDIR: keep them in the target folder,
    // away from a shared /tmp where anyone may leave a paylint.toml. This is the only test of
    // this binary, so nothing else reads the environment while it changes.
    let sandboxes = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("golden");
    std::fs::create_dir_all(&sandboxes).unwrap();
    let sandboxes = sandboxes.canonicalize().unwrap();
    std::env::set_var("TMPDIR", &sandboxes);
    assert_no_config_above(&sandboxes);

    let t = trycmd::TestCases::new();
    t.register_bin("paylint", Path::new(env!("CARGO_BIN_EXE_paylint")))
        // Cases clear the environment (`env.inherit = false`); no colour whatever the terminal.
        .env("NO_COLOR", "1")
        .case(format!("{CASES}/*/*.toml"));
    // The panic that makes an `internal-error` comes from a test hook that only debug builds
    // have (`PAYLINT_TEST_PANIC_ON`, see `lint::test_hooks`); `cargo test --release` skips it.
    if !cfg!(debug_assertions) {
        t.skip(format!("{CASES}/internal-error/fires*.toml"));
    }
}
