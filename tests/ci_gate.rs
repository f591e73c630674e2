//! The CI gate: `paylint.toml` and the flags that win over it, baselines, `--fix` (safe fixes
//! only, atomic, idempotent) and `--fix --diff`, `--statistics`, `--quiet`, and the completion
//! scripts and manual page.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A body with one `unknown-field` error (`displayName`), nothing else.
fn unknown_field_body() -> String {
    format!("{{\n  \"groupId\": \"{GROUP}\",\n  \"displayName\": \"Sales devices\"\n}}\n")
}

/// A clean body.
fn clean_body() -> String {
    format!("{{\n  \"groupId\": \"{GROUP}\"\n}}\n")
}

/// A request body (by its name, `*.request.json`) with one `read-only-field` warning.
fn read_only_body() -> String {
    format!("{{\n  \"id\": \"a1\",\n  \"groupId\": \"{GROUP}\"\n}}\n")
}

/// The bytes of a corpus file.
fn corpus(rel: &str) -> Vec<u8> {
    std::fs::read(root().join("corpus").join(rel)).unwrap()
}

fn corpus_text(rel: &str) -> String {
    String::from_utf8(corpus(rel)).unwrap()
}

/// A folder with `paylint.toml` (when `toml` is not empty) and `files`.
fn project(toml: &str, files: &[(&str, String)]) -> TempDir {
    let t = TempDir::new().unwrap();
    if !toml.is_empty() {
        write(t.path(), "paylint.toml", toml);
    }
    for (name, contents) in files {
        write(t.path(), name, contents);
    }
    t
}

/// `(file, rule, severity)` of each diagnostic.
fn findings(run: &Run) -> Vec<(String, String, String)> {
    run.diags()
        .into_iter()
        .map(|d| (d.file, d.rule, d.severity))
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// Runs paylint in `dir` in human format without colours; asserts the exit status.
fn human_in(dir: &Path, args: &[&str], code: i32) -> Run {
    let mut all = args.to_vec();
    all.extend(["--color", "never"]);
    let r = run_in(dir, &all);
    assert_eq!(
        r.code, code,
        "exit status of paylint {all:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    r
}

/// Asserts a run stopped with exit 2 before reporting, naming every one of `needles` on stderr.
fn assert_trouble(r: &Run, needles: &[&str]) {
    assert_eq!(
        r.code, 2,
        "expected exit 2\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    assert!(r.stdout.is_empty(), "nothing is reported: {}", r.stdout);
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "stderr does not name `{n}`:\n{}",
            r.stderr
        );
    }
}

/// Every entry under `dir` (files, folders, links) with its stat, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Stat> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let s = stat(&path);
            if std::fs::symlink_metadata(&path).unwrap().is_dir() {
                stack.push(path.clone());
            }
            out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), s);
        }
    }
    out
}

/// Asserts `path` was not written: same bytes, inode and mtime as `before`.
fn assert_untouched(path: &Path, before: &Stat) {
    let after = stat(path);
    assert_eq!(
        String::from_utf8_lossy(&after.bytes),
        String::from_utf8_lossy(&before.bytes),
        "{} changed",
        path.display()
    );
    assert_eq!(after, *before, "{} was rewritten", path.display());
}

/// Temporary files `--fix` may have left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".paylint-") || n.ends_with(".tmp"))
        .collect()
}

/// A copy of the corpus files that show each reader and each kind of fix, under `dir/caps`.
const FIXABLE: &[&str] = &[
    "invalid/wrong-odata-type-case.json",
    "invalid/wrong-odata-type-missing-hash.json",
    "invalid/unknown-field-groupID.json",
    "invalid/unknown-field-group_id.json",
    "docs/invalid-update-example.md",
];

/// Corpus files whose findings have no safe fix.
const UNFIXABLE: &[&str] = &[
    "invalid/unknown-field-displayName.json",
    "invalid/missing-groupid.json",
    "invalid/type-mismatch-groupid-number.json",
    "invalid/read-only-field-id-in-request.request.json",
    "invalid/wrong-odata-type-other-type.json",
    "invalid/wrong-odata-type-not-a-string.json",
    "invalid/duplicate-key-groupid.json",
    "http/invalid-several-problems.http",
    "valid/update-request.json",
    "docs/update-provisionpolicyassignmentitem.md",
];

/// The name a corpus file gets in the copy: `caps/<file name>`.
fn copied(rel: &str) -> String {
    format!(
        "caps/{}",
        Path::new(rel).file_name().unwrap().to_string_lossy()
    )
}

fn copy_corpus(dir: &Path, rels: &[&str]) {
    for rel in rels {
        write(dir, &copied(rel), corpus(rel));
    }
}

/// The expected text of a corpus file after `--fix`: each `(from, to)` replaced exactly once.
fn fixed_text(rel: &str, changes: &[(&str, &str)]) -> String {
    let mut text = corpus_text(rel);
    for (from, to) in changes {
        assert_eq!(text.matches(from).count(), 1, "`{from}` once in {rel}");
        text = text.replacen(from, to, 1);
    }
    text
}

const CASE_WRONG: &str = "\"#microsoft.graph.provisionPolicyAssignmentItem\"";
const NO_HASH: &str = "\"microsoft.graph.ProvisionPolicyAssignmentItem\"";
const TYPE_RIGHT: &str = "\"#microsoft.graph.ProvisionPolicyAssignmentItem\"";

/// The fixes `--fix` must write into the `FIXABLE` copies.
fn expected_fixes() -> Vec<(&'static str, String)> {
    vec![
        (
            "invalid/wrong-odata-type-case.json",
            fixed_text(
                "invalid/wrong-odata-type-case.json",
                &[(CASE_WRONG, TYPE_RIGHT)],
            ),
        ),
        (
            "invalid/wrong-odata-type-missing-hash.json",
            fixed_text(
                "invalid/wrong-odata-type-missing-hash.json",
                &[(NO_HASH, TYPE_RIGHT)],
            ),
        ),
        (
            "invalid/unknown-field-groupID.json",
            fixed_text(
                "invalid/unknown-field-groupID.json",
                &[("\"groupID\"", "\"groupId\"")],
            ),
        ),
        (
            "invalid/unknown-field-group_id.json",
            fixed_text(
                "invalid/unknown-field-group_id.json",
                &[("\"group_id\"", "\"groupId\"")],
            ),
        ),
        (
            "docs/invalid-update-example.md",
            fixed_text(
                "docs/invalid-update-example.md",
                &[(CASE_WRONG, TYPE_RIGHT), ("\"groupID\"", "\"groupId\"")],
            ),
        ),
    ]
}

/// Is this process root (for which file modes do not stop writes)?
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A command that runs the paylint binary as user `nobody` (needs `setpriv`), if possible.
fn as_nobody(dir: &Path, args: &[&str]) -> Option<Command> {
    let setpriv = || {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .current_dir(dir)
            .env_remove("NO_COLOR")
            .stdin(std::process::Stdio::null());
        cmd
    };
    // Can `nobody` enter the folder and run the binary at all?
    let works = setpriv()
        .arg(env!("CARGO_BIN_EXE_paylint"))
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !works {
        return None;
    }
    let mut cmd = setpriv();
    cmd.arg(env!("CARGO_BIN_EXE_paylint")).args(args);
    Some(cmd)
}

fn run_command(mut cmd: Command) -> Run {
    let out = cmd.output().expect("paylint runs");
    Run {
        code: out.status.code().expect("paylint was killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    }
}

/// Lines of a unified diff in human output (headers, hunks, changes).
fn diff_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter(|l| l.starts_with("--- ") || l.starts_with("+++ ") || l.starts_with("@@"))
        .collect()
}

/// The summary line of a human report.
fn summary_line(out: &str) -> &str {
    out.lines()
        .rev()
        .find(|l| !l.is_empty())
        .expect("a summary line")
}

// ---------------------------------------------------------------------------------------------
// Configuration: discovery
// ---------------------------------------------------------------------------------------------

#[test]
fn the_configuration_is_found_upward_from_the_working_directory() {
    let t = project(
        "[rules]\nunknown-field = \"off\"\n",
        &[("sub/deeper/x.json", unknown_field_body())],
    );
    let deeper = t.path().join("sub/deeper");
    let r = json_in(&deeper, &["x.json"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    assert_eq!(summary(&r.report()), (1, 1, 0, 0));
    // The same file checked from a folder with no configuration above it has its finding.
    let elsewhere = TempDir::new().unwrap();
    let path = deeper.join("x.json");
    let r = json_in(elsewhere.path(), &[path.to_str().unwrap()], 1);
    assert_eq!(r.diags()[0].rule, "unknown-field");
    // The nearest file wins over one further up.
    write(
        &t.path().join("sub"),
        "paylint.toml",
        "fail-on = \"error\"\n",
    );
    let r = json_in(&deeper, &["x.json"], 1);
    assert_eq!(r.diags()[0].rule, "unknown-field");
}

#[test]
fn config_flag_names_the_file_and_wins_over_discovery() {
    let t = project(
        "[rules]\nunknown-field = \"off\"\n",
        &[
            ("x.json", unknown_field_body()),
            (
                "conf/strict.toml",
                "[rules]\nunknown-field = \"warning\"\n".to_string(),
            ),
        ],
    );
    let r = json_in(t.path(), &["x.json"], 0);
    assert!(r.diags().is_empty());
    let r = json_in(t.path(), &["x.json", "--config", "conf/strict.toml"], 0);
    assert_eq!(
        findings(&r),
        owned(&[("x.json", "unknown-field", "warning")])
    );
    // A named configuration that does not exist is trouble.
    let r = run_in(t.path(), &["x.json", "--config", "conf/none.toml"]);
    assert_trouble(&r, &["none.toml"]);
}

// ---------------------------------------------------------------------------------------------
// Configuration: each key
// ---------------------------------------------------------------------------------------------

#[test]
fn rules_turn_a_rule_off_or_change_its_level() {
    let files = [
        ("unknown.json", unknown_field_body()),
        ("ro.request.json", read_only_body()),
    ];
    // Defaults: unknown-field is an error, read-only-field a warning.
    let t = project("", &files);
    let r = json_in(t.path(), &["."], 1);
    assert_eq!(
        findings(&r),
        owned(&[
            ("./ro.request.json", "read-only-field", "warning"),
            ("./unknown.json", "unknown-field", "error"),
        ])
    );
    // Off: the finding is gone (and not counted).
    let t = project("[rules]\nunknown-field = \"off\"\n", &files);
    let r = json_in(t.path(), &[".", "--statistics"], 0);
    assert_eq!(
        findings(&r),
        owned(&[("./ro.request.json", "read-only-field", "warning")])
    );
    assert_eq!(
        r.report()["summary"]["statistics"],
        serde_json::json!({"read-only-field": 1})
    );
    // Warning: still reported, but the run passes.
    let t = project("[rules]\nunknown-field = \"warning\"\n", &files);
    let r = json_in(t.path(), &["."], 0);
    assert_eq!(
        findings(&r),
        owned(&[
            ("./ro.request.json", "read-only-field", "warning"),
            ("./unknown.json", "unknown-field", "warning"),
        ])
    );
    assert_eq!(summary(&r.report()), (2, 2, 0, 2));
    // Error: a warning rule fails the run.
    let t = project(
        "[rules]\nunknown-field = \"off\"\nread-only-field = \"error\"\n",
        &files,
    );
    let r = json_in(t.path(), &["."], 1);
    assert_eq!(
        findings(&r),
        owned(&[("./ro.request.json", "read-only-field", "error")])
    );
}

#[test]
fn rule_flag_wins_over_the_file() {
    let t = project(
        "[rules]\nunknown-field = \"off\"\nread-only-field = \"error\"\n",
        &[
            ("unknown.json", unknown_field_body()),
            ("ro.request.json", read_only_body()),
        ],
    );
    let r = json_in(
        t.path(),
        &[
            ".",
            "--rule",
            "unknown-field=warning",
            "--rule",
            "read-only-field=off",
        ],
        0,
    );
    assert_eq!(
        findings(&r),
        owned(&[("./unknown.json", "unknown-field", "warning")])
    );
    let r = json_in(t.path(), &[".", "--rule", "unknown-field=error"], 1);
    assert_eq!(
        findings(&r),
        owned(&[
            ("./ro.request.json", "read-only-field", "error"),
            ("./unknown.json", "unknown-field", "error"),
        ])
    );
    // The last of several flags for one rule wins.
    let r = json_in(
        t.path(),
        &[
            ".",
            "--rule",
            "unknown-field=error",
            "--rule",
            "unknown-field=off",
            "--rule",
            "read-only-field=off",
        ],
        0,
    );
    assert!(r.diags().is_empty(), "{:?}", r.diags());
}

#[test]
fn fail_on_warning_makes_warnings_fail_and_the_flag_wins() {
    let files = [("ro.request.json", read_only_body())];
    let t = project("", &files);
    let r = json_in(t.path(), &["."], 0);
    assert_eq!(summary(&r.report()), (1, 1, 0, 1));
    json_in(t.path(), &[".", "--fail-on", "warning"], 1);

    let t = project("fail-on = \"warning\"\n", &files);
    let r = json_in(t.path(), &["."], 1);
    assert_eq!(summary(&r.report()), (1, 1, 0, 1));
    json_in(t.path(), &[".", "--fail-on", "error"], 0);
    // A clean tree passes whatever the threshold.
    let t = project("fail-on = \"warning\"\n", &[("ok.json", clean_body())]);
    json_in(t.path(), &["."], 0);
    // Explicit "error" is the default.
    let t = project("fail-on = \"error\"\n", &files);
    json_in(t.path(), &["."], 0);
}

#[test]
fn exclude_skips_files_when_walking_and_when_named() {
    let t = project(
        "exclude = [\"data/legacy/**\", \"data/one.json\", \"old\"]\n",
        &[
            ("data/legacy/a.json", unknown_field_body()),
            ("data/legacy/deep/b.json", unknown_field_body()),
            ("data/one.json", unknown_field_body()),
            ("data/two.json", unknown_field_body()),
            ("old/c.json", unknown_field_body()),
            ("sub/.keep", String::new()),
        ],
    );
    let r = json_in(t.path(), &["data", "old"], 1);
    assert_eq!(r.files(), vec!["data/two.json"]);
    assert_eq!(summary(&r.report()).0, 1);
    // Named on the command line: still excluded (and then nothing is checked: exit 2).
    let named = ["data/one.json", "data/legacy/a.json", "old/c.json"];
    json_in(t.path(), &named, 2);
    let r = json_in(t.path(), &[&named[..], &["--allow-empty"]].concat(), 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    assert_eq!(summary(&r.report()).0, 0);
    // Globs are relative to the configuration's folder, not the working directory.
    let sub = t.path().join("sub");
    let r = json_in(&sub, &[t.path().join("data").to_str().unwrap()], 1);
    assert_eq!(r.diags().len(), 1, "{:?}", r.diags());
    assert!(r.diags()[0].file.ends_with("data/two.json"));
}

#[test]
fn exclude_flag_adds_to_the_file_relative_to_the_configuration() {
    let t = project(
        "exclude = [\"data/one.json\"]\n",
        &[
            ("data/one.json", unknown_field_body()),
            ("data/two.json", unknown_field_body()),
            ("data/three.json", unknown_field_body()),
            ("work/.keep", String::new()),
        ],
    );
    let work = t.path().join("work");
    let data = t.path().join("data");
    let data = data.to_str().unwrap();
    let r = json_in(&work, &[data, "--exclude", "data/two.json"], 1);
    assert_eq!(r.diags().len(), 1, "{:?}", r.diags());
    assert!(r.diags()[0].file.ends_with("data/three.json"));
    let r = json_in(
        &work,
        &[
            data,
            "--exclude",
            "data/two.json",
            "--exclude",
            "**/three.json",
            "--allow-empty",
        ],
        0,
    );
    assert!(r.diags().is_empty());
    // Without a configuration, globs are relative to the working directory.
    let bare = project(
        "",
        &[
            ("data/one.json", unknown_field_body()),
            ("data/two.json", unknown_field_body()),
        ],
    );
    let r = json_in(bare.path(), &["data", "--exclude", "data/one.json"], 1);
    assert_eq!(r.files(), vec!["data/two.json"]);
}

#[test]
fn include_restricts_walked_files_but_not_named_ones() {
    let t = project(
        "include = [\"caps/in/**\"]\n",
        &[
            ("caps/in/a.json", unknown_field_body()),
            ("caps/in/deep/b.json", unknown_field_body()),
            ("caps/out/c.json", unknown_field_body()),
            ("caps/d.json", unknown_field_body()),
            ("sub/.keep", String::new()),
        ],
    );
    let r = json_in(t.path(), &["caps"], 1);
    assert_eq!(r.files(), vec!["caps/in/a.json", "caps/in/deep/b.json"]);
    assert_eq!(summary(&r.report()).0, 2);
    // From a subfolder: the globs are still relative to the configuration's folder.
    let caps = t.path().join("caps");
    let r = json_in(&t.path().join("sub"), &[caps.to_str().unwrap()], 1);
    assert_eq!(summary(&r.report()).0, 2);
    // A file named on the command line is always checked.
    let r = json_in(t.path(), &["caps/out/c.json"], 1);
    assert_eq!(r.files(), vec!["caps/out/c.json"]);
}

#[test]
fn overrides_apply_only_to_matching_paths_later_blocks_and_flags_winning() {
    let toml = r#"
[rules]
read-only-field = "error"

[[overrides]]
files = ["docs/**"]
rules = { unknown-field = "warning", read-only-field = "off" }

[[overrides]]
files = ["docs/quiet/**"]
rules = { unknown-field = "off" }
"#;
    let t = project(
        toml,
        &[
            ("api/a.json", unknown_field_body()),
            ("api/ro.request.json", read_only_body()),
            ("docs/b.json", unknown_field_body()),
            ("docs/ro.request.json", read_only_body()),
            ("docs/quiet/c.json", unknown_field_body()),
        ],
    );
    let r = json_in(t.path(), &["api", "docs"], 1);
    assert_eq!(
        findings(&r),
        owned(&[
            ("api/a.json", "unknown-field", "error"),
            ("api/ro.request.json", "read-only-field", "error"),
            ("docs/b.json", "unknown-field", "warning"),
        ])
    );
    // Only warnings under docs: the run passes.
    json_in(t.path(), &["docs"], 0);
    // A rule level from the command line wins over the overrides too.
    let r = json_in(t.path(), &["docs", "--rule", "unknown-field=error"], 1);
    assert_eq!(
        findings(&r),
        owned(&[
            ("docs/b.json", "unknown-field", "error"),
            ("docs/quiet/c.json", "unknown-field", "error"),
        ])
    );
}

#[test]
fn schemas_adds_a_catalog_folder_relative_to_the_configuration_and_the_flag_wins() {
    let t = project(
        "schemas = [\"catalog\"]\n",
        &[(
            "sub/w.json",
            "{\"@odata.type\": \"#contoso.graph.Widget\", \"name\": \"abc\"}\n".to_string(),
        )],
    );
    widget_catalog(t.path(), "catalog");
    let sub = t.path().join("sub");
    // From the subfolder, `catalog` is the configuration's sibling, not sub/catalog.
    let r = json_in(&sub, &["w.json"], 1);
    let d = r.diags();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "invalid-value");
    assert_eq!(d[0].pointer, "/name");
    assert_eq!(d[0].resource.as_deref(), Some("Widget"));
    // Without the configuration the body is checked against the built-in catalog only.
    std::fs::remove_file(t.path().join("paylint.toml")).unwrap();
    let r = json_in(&sub, &["w.json"], 1);
    assert!(
        r.diags().iter().any(|d| d.rule == "wrong-odata-type"),
        "{:?}",
        r.diags()
    );
    // --schemas folders come after the configuration's: their Widget replaces it.
    write(t.path(), "paylint.toml", "schemas = [\"catalog\"]\n");
    let lax = serde_json::json!({
        "$schema": DRAFT,
        "type": "object",
        "properties": {
            "@odata.type": {"const": "#contoso.graph.Widget"},
            "name": {"type": "string"}
        },
        "patternProperties": {"@": {}},
        "additionalProperties": false
    });
    write(&sub, "lax/Widget.schema.json", lax.to_string());
    let r = json_in(&sub, &["w.json", "--schemas", "lax"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    // A configured folder that does not exist is trouble.
    write(t.path(), "paylint.toml", "schemas = [\"nope\"]\n");
    let r = run_in(&sub, &["w.json"]);
    assert_trouble(&r, &["nope"]);
}

// ---------------------------------------------------------------------------------------------
// Configuration: errors
// ---------------------------------------------------------------------------------------------

#[test]
fn a_bad_configuration_is_exit_2_naming_the_key_and_the_file() {
    let cases: &[(&str, &[&str])] = &[
        ("colour = \"never\"\n", &["colour"]),
        (
            "[rules]\nno-such-rule = \"off\"\n",
            &["no-such-rule", "rules"],
        ),
        (
            "[rules]\nunknown-field = \"fatal\"\n",
            &["unknown-field", "fatal"],
        ),
        ("fail-on = \"sometimes\"\n", &["fail-on", "sometimes"]),
        ("exclude = [\"a/[b\"]\n", &["exclude", "a/[b"]),
        ("include = [\"{a\"]\n", &["include", "{a"]),
        ("schemas = \"catalog\"\n", &["schemas"]),
        (
            "[[overrides]]\nfiles = [\"x/[\"]\nrules = { unknown-field = \"off\" }\n",
            &["overrides", "files", "x/["],
        ),
        (
            "[[overrides]]\nfiles = [\"x\"]\nrules = { nope = \"off\" }\n",
            &["overrides", "nope"],
        ),
        (
            "[[overrides]]\nfiles = [\"x\"]\nrules = { unknown-field = \"loud\" }\n",
            &["unknown-field", "loud"],
        ),
        (
            "[[overrides]]\nfiles = [\"x\"]\nseverity = 1\n",
            &["severity"],
        ),
        ("fail-on = \n", &["fail-on"]),
    ];
    for (toml, needles) in cases {
        let t = project(
            toml,
            &[
                ("sub/x.json", unknown_field_body()),
                ("sub/.keep", String::new()),
            ],
        );
        let r = run_in(&t.path().join("sub"), &["x.json"]);
        let file = t.path().join("paylint.toml");
        let mut all = needles.to_vec();
        all.push(file.to_str().unwrap());
        assert_trouble(&r, &all);
        // The same file named with --config.
        let r = run_in(
            &t.path().join("sub"),
            &["x.json", "--config", file.to_str().unwrap()],
        );
        assert_trouble(&r, &all);
    }
}

#[test]
fn bad_flags_for_the_policy_are_exit_2() {
    let t = project("", &[("x.json", unknown_field_body())]);
    let cases: &[(&[&str], &[&str])] = &[
        (&["--rule", "no-such-rule=off"], &["no-such-rule", "--rule"]),
        (&["--rule", "unknown-field=fatal"], &["unknown-field=fatal"]),
        (&["--rule", "unknown-field"], &["unknown-field"]),
        (&["--exclude", "a/[b"], &["--exclude", "a/[b"]),
        (&["--fail-on", "sometimes"], &["sometimes"]),
        (&["--diff"], &["--fix"]),
    ];
    for (flags, needles) in cases {
        let mut args = vec!["x.json"];
        args.extend_from_slice(flags);
        let r = run_in(t.path(), &args);
        assert_trouble(&r, needles);
    }
}

// ---------------------------------------------------------------------------------------------
// Baselines
// ---------------------------------------------------------------------------------------------

/// Corpus files with findings of several rules in several formats, for baselines.
const BASELINED: &[&str] = &[
    "invalid/unknown-field-displayName.json",
    "invalid/missing-groupid.json",
    "invalid/read-only-field-id-in-request.request.json",
    "http/invalid-several-problems.http",
];

fn baseline_tree() -> (TempDir, usize) {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), BASELINED);
    let n = run_in(t.path(), &["caps", "--format", "json"])
        .diags()
        .len();
    assert!(n >= 6, "the tree has findings of several files: {n}");
    (t, n)
}

#[test]
fn write_baseline_records_every_finding_and_exits_0() {
    let (t, n) = baseline_tree();
    let before = json_in(t.path(), &["caps"], 1).diags();
    let r = json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    // The report is still shown.
    assert_eq!(r.diags(), before);
    let file: Value =
        serde_json::from_slice(&std::fs::read(t.path().join("base.json")).unwrap()).unwrap();
    assert_eq!(
        file.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["findings", "version"]
    );
    assert_eq!(file["version"], 1);
    let entries = file["findings"].as_array().unwrap();
    assert_eq!(entries.len(), n);
    for (e, d) in entries.iter().zip(&before) {
        let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            vec!["file", "fingerprint", "payload", "pointer", "rule"],
            "{e}"
        );
        let fp = e["fingerprint"].as_str().unwrap();
        assert!(
            fp.len() == 16 && fp.chars().all(|c| c.is_ascii_hexdigit()),
            "{fp}"
        );
        assert_eq!(e["file"], d.file.as_str());
        assert_eq!(e["rule"], d.rule.as_str());
        assert_eq!(e["pointer"], d.pointer.as_str());
        assert_eq!(e["payload"], d.payload);
    }
    assert!(entries
        .iter()
        .all(|e| e["file"].as_str().unwrap().starts_with("caps/")));
    // Exit 0 in human format too, and paths written `./x` are recorded as `x`.
    human_in(t.path(), &["./caps", "--write-baseline", "base2.json"], 0);
    let again: Value =
        serde_json::from_slice(&std::fs::read(t.path().join("base2.json")).unwrap()).unwrap();
    assert_eq!(again, file);
}

#[test]
fn a_baseline_suppresses_known_findings_even_when_lines_move() {
    let (t, n) = baseline_tree();
    json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    let r = json_in(t.path(), &["caps", "--baseline", "base.json"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    let s = &r.report()["summary"];
    assert_eq!(s["baseline_suppressed"], n);
    assert_eq!(s["baseline_fixed"], 0);
    assert_eq!(
        (s["errors"].as_u64(), s["warnings"].as_u64()),
        (Some(0), Some(0))
    );
    let r = human_in(
        t.path(),
        &["caps", "--baseline", "base.json", "--no-diff"],
        0,
    );
    assert_eq!(
        r.stdout,
        format!(
            "baseline: {n} findings suppressed, 0 baseline entries now fixed\n\
             no findings in 4 files (6 payloads)\n"
        )
    );
    // Blank lines at the top of files move every finding down.
    for rel in BASELINED {
        let path = t.path().join(copied(rel));
        let mut text = b"\n\n\n".to_vec();
        text.extend(std::fs::read(&path).unwrap());
        std::fs::write(&path, text).unwrap();
    }
    let moved = json_in(t.path(), &["caps"], 1).diags();
    assert_eq!(moved.len(), n);
    assert!(moved.iter().all(|d| d.line > 3), "{moved:?}");
    let r = json_in(t.path(), &["caps", "--baseline", "base.json"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    assert_eq!(r.report()["summary"]["baseline_suppressed"], n);
}

#[test]
fn a_baseline_reports_only_new_findings_and_counts_fixed_entries() {
    let (t, n) = baseline_tree();
    json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    // A new defect in a new file and one in a baselined file.
    write(t.path(), "caps/new.json", "{\"groupId\": 42}\n");
    write(
        t.path(),
        "caps/unknown-field-displayName.json",
        format!(
            "{{\n  \"groupId\": \"{GROUP}\",\n  \"displayName\": \"Sales devices\",\n  \"color\": \"red\"\n}}\n"
        ),
    );
    let r = json_in(t.path(), &["caps", "--baseline", "base.json"], 1);
    let d = r.diags();
    assert_eq!(
        d.iter().map(|d| d.at()).collect::<Vec<_>>(),
        vec![
            ("type-mismatch", 1, 2, "/groupId"),
            ("unknown-field", 4, 3, "/color"),
        ]
    );
    assert_eq!(d[0].file, "caps/new.json");
    let s = &r.report()["summary"];
    assert_eq!(s["baseline_suppressed"], n);
    assert_eq!(s["baseline_fixed"], 0);
    let r = human_in(t.path(), &["caps", "--baseline", "base.json"], 1);
    assert!(
        r.stdout.contains(&format!(
            "baseline: {n} findings suppressed, 0 baseline entries now fixed\n"
        )),
        "{}",
        r.stdout
    );
    assert!(summary_line(&r.stdout).starts_with("2 errors, 0 warnings in "));

    // Fixing recorded defects: their entries are counted as fixed.
    std::fs::remove_file(t.path().join("caps/new.json")).unwrap();
    write(
        t.path(),
        "caps/unknown-field-displayName.json",
        clean_body(),
    );
    write(t.path(), "caps/missing-groupid.json", clean_body());
    let r = json_in(t.path(), &["caps", "--baseline", "base.json"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    let s = &r.report()["summary"];
    assert_eq!(s["baseline_suppressed"], n - 2);
    assert_eq!(s["baseline_fixed"], 2);
    let r = human_in(
        t.path(),
        &["caps", "--baseline", "base.json", "--no-diff"],
        0,
    );
    assert!(
        r.stdout.starts_with(&format!(
            "baseline: {} findings suppressed, 2 baseline entries now fixed\n",
            n - 2
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn each_baseline_entry_forgives_one_finding() {
    let t = TempDir::new().unwrap();
    let three = "{\n\"groupId\": \"a\",\n\"groupId\": \"b\",\n\"groupId\": \"c\"\n}\n";
    write(t.path(), "d.json", three);
    json_in(t.path(), &["d.json", "--write-baseline", "b.json"], 0);
    let r = json_in(t.path(), &["d.json", "--baseline", "b.json"], 0);
    assert_eq!(r.report()["summary"]["baseline_suppressed"], 2);
    write(
        t.path(),
        "d.json",
        "{\n\"groupId\": \"a\",\n\"groupId\": \"b\",\n\"groupId\": \"c\",\n\"groupId\": \"d\"\n}\n",
    );
    let r = json_in(t.path(), &["d.json", "--baseline", "b.json"], 1);
    assert_eq!(r.diags().len(), 1, "{:?}", r.diags());
    assert_eq!(r.diags()[0].rule, "duplicate-key");
}

#[test]
fn without_a_baseline_the_summary_has_no_baseline_keys_or_line() {
    let (t, _) = baseline_tree();
    let r = json_in(t.path(), &["caps"], 1);
    let s = r.report()["summary"].clone();
    assert!(s.get("baseline_suppressed").is_none(), "{s}");
    assert!(s.get("baseline_fixed").is_none(), "{s}");
    let r = human_in(t.path(), &["caps"], 1);
    assert!(!r.stdout.contains("baseline:"), "{}", r.stdout);
}

#[test]
fn a_malformed_baseline_is_exit_2() {
    let t = project("", &[("x.json", unknown_field_body())]);
    let entry = r#"{"fingerprint": "0123456789abcdef", "file": "x.json", "rule": "unknown-field", "pointer": "/displayName", "payload": 0}"#;
    let cases = [
        "not json".to_string(),
        String::new(),
        "[]".to_string(),
        "{\"version\": 1}".to_string(),
        "{\"findings\": []}".to_string(),
        "{\"version\": 2, \"findings\": []}".to_string(),
        "{\"version\": \"1\", \"findings\": []}".to_string(),
        "{\"version\": 1, \"findings\": [], \"extra\": true}".to_string(),
        "{\"version\": 1, \"findings\": [{\"file\": \"x.json\"}]}".to_string(),
        format!("{{\"version\": 1, \"findings\": [{entry}]"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let name = format!("bad{i}.json");
        write(t.path(), &name, text);
        for format in ["human", "json"] {
            let r = run_in(
                t.path(),
                &["x.json", "--baseline", &name, "--format", format],
            );
            assert_trouble(&r, &[&name]);
        }
    }
    // A well-formed one with the same entry loads.
    write(
        t.path(),
        "good.json",
        format!("{{\"version\": 1, \"findings\": [{entry}]}}"),
    );
    let r = json_in(t.path(), &["x.json", "--baseline", "good.json"], 1);
    assert_eq!(r.report()["summary"]["baseline_fixed"], 1);
    // A missing one too is trouble.
    let r = run_in(t.path(), &["x.json", "--baseline", "none.json"]);
    assert_trouble(&r, &["none.json"]);
}

#[test]
fn a_baseline_that_cannot_be_written_is_exit_2() {
    let t = project("", &[("x.json", unknown_field_body())]);
    let r = run_in(
        t.path(),
        &["x.json", "--write-baseline", "no/such/folder/base.json"],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("base.json"), "{}", r.stderr);
    assert!(!t.path().join("no").exists());
}

// ---------------------------------------------------------------------------------------------
// --fix
// ---------------------------------------------------------------------------------------------

#[test]
fn fix_writes_exactly_the_safe_fixes() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), FIXABLE);
    copy_corpus(t.path(), UNFIXABLE);
    age(t.path());
    let untouched: Vec<(PathBuf, Stat)> = UNFIXABLE
        .iter()
        .map(|rel| {
            let p = t.path().join(copied(rel));
            let s = stat(&p);
            (p, s)
        })
        .collect();
    let r = human_in(t.path(), &["--fix", "caps", "--no-diff"], 1);
    let expected = expected_fixes();
    for (rel, text) in &expected {
        let got = std::fs::read_to_string(t.path().join(copied(rel))).unwrap();
        assert_eq!(got, *text, "{rel} after --fix");
    }
    for (p, s) in &untouched {
        assert_untouched(p, s);
    }
    assert!(leftovers(&t.path().join("caps")).is_empty());
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        "fixed: 6 safe fixes written to 5 files",
        "{}",
        r.stdout
    );
    // What is left is reported: the fixed findings are gone.
    assert!(!r.stdout.contains(
        "[wrong-odata-type]: `@odata.type` is `#microsoft.graph.provisionPolicyAssignmentItem`"
    ));
    assert!(!r.stdout.contains("unknown field `groupID`"));
    assert!(!r.stdout.contains("unknown field `group_id`"));
    assert!(r.stdout.contains("unknown field `displayName`"));
    // Nothing safe is left: a second run writes nothing and says nothing about fixes.
    let snap = snapshot(t.path());
    let r = human_in(t.path(), &["--fix", "caps", "--no-diff"], 1);
    assert!(!r.stdout.contains("fixed:"), "{}", r.stdout);
    assert_eq!(snapshot(t.path()), snap);
}

#[test]
fn fix_reports_its_count_in_the_json_summary() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), FIXABLE);
    copy_corpus(t.path(), &["invalid/unknown-field-displayName.json"]);
    let r = json_in(t.path(), &["--fix", "caps"], 1);
    let s = r.report()["summary"].clone();
    assert_eq!(s["fixes"], 6, "{s}");
    // The report is of the files as they are after the fix.
    assert_eq!(
        r.diags()
            .iter()
            .filter(|d| d.file != "caps/invalid-update-example.md")
            .map(|d| (d.file.as_str(), d.rule.as_str()))
            .collect::<Vec<_>>(),
        vec![("caps/unknown-field-displayName.json", "unknown-field")]
    );
    // A tree whose only findings have safe fixes is clean after --fix.
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), &FIXABLE[..4]);
    let r = json_in(t.path(), &["--fix", "caps"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
    assert_eq!(r.report()["summary"]["fixes"], 4);
    let r = human_in(t.path(), &["--fix", "caps"], 0);
    assert_eq!(r.stdout, "no findings in 4 files (4 payloads)\n");
    // No fixes written: no `fixes` key.
    let r = json_in(t.path(), &["--fix", "caps"], 0);
    assert!(r.report()["summary"].get("fixes").is_none());
}

#[test]
fn fix_keeps_crlf_tabs_bom_key_order_and_other_bytes() {
    let t = TempDir::new().unwrap();
    let original = format!(
        "\u{feff}{{\r\n\t\"groupID\" :\t\"{GROUP}\",\r\n\t\"@odata.type\":\"microsoft.graph.provisionPolicyAssignmentItem\",\r\n\t\"id\": \"a1\"\r\n}}\r\n\r\n"
    );
    let path = write(t.path(), "crlf.json", &original);
    json_in(t.path(), &["--fix", "crlf.json"], 0);
    let got = std::fs::read(&path).unwrap();
    let expected = format!(
        "\u{feff}{{\r\n\t\"groupId\" :\t\"{GROUP}\",\r\n\t\"@odata.type\":\"#microsoft.graph.ProvisionPolicyAssignmentItem\",\r\n\t\"id\": \"a1\"\r\n}}\r\n\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&got), expected);
    assert!(got.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(got.iter().filter(|&&b| b == b'\r').count(), 6);

    // A minified body with no final newline stays minified.
    let min = write(
        t.path(),
        "min.json",
        format!("{{\"group_id\":\"{GROUP}\",\"@odata.type\":\"#microsoft.graph.provisionpolicyassignmentitem\"}}"),
    );
    json_in(t.path(), &["--fix", "min.json"], 0);
    assert_eq!(
        std::fs::read_to_string(&min).unwrap(),
        format!("{{\"groupId\":\"{GROUP}\",\"@odata.type\":\"#microsoft.graph.ProvisionPolicyAssignmentItem\"}}")
    );
}

#[test]
fn fix_in_http_transcripts_keeps_line_ends_and_touches_only_safe_bytes() {
    let t = TempDir::new().unwrap();
    let http = format!(
        "### first\r\nPATCH /provisioningPolicies/p/assignments/a\r\nContent-Type: application/json\r\n\r\n\
         {{\"groupID\": \"{GROUP}\", \"displayName\": \"d\"}}\r\n\r\n\
         ###\r\nPATCH /provisioningPolicies/p/assignments/b\r\nContent-Type: application/json\r\n\r\n\
         {{\"@odata.type\": \"#microsoft.graph.provisionpolicyassignmentitem\", \"groupId\": 42}}\r\n"
    );
    let path = write(t.path(), "two.http", &http);
    let r = json_in(t.path(), &["--fix", "two.http"], 1);
    let expected = http.replacen("\"groupID\"", "\"groupId\"", 1).replacen(
        "\"#microsoft.graph.provisionpolicyassignmentitem\"",
        TYPE_RIGHT,
        1,
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
    assert_eq!(r.report()["summary"]["fixes"], 2);
    // The unsafe ones are left and reported.
    assert_eq!(
        r.diags()
            .iter()
            .map(|d| (d.rule.as_str(), d.pointer.as_str(), d.payload))
            .collect::<Vec<_>>(),
        vec![
            ("unknown-field", "/displayName", 0),
            ("type-mismatch", "/groupId", 1)
        ]
    );
}

#[test]
fn fix_renames_only_with_one_candidate_and_the_target_absent() {
    let t = TempDir::new().unwrap();
    // The target is present: renaming would duplicate it.
    write(
        t.path(),
        "present.json",
        format!("{{\n  \"groupID\": \"{GROUP}\",\n  \"groupId\": \"{GROUP}\"\n}}\n"),
    );
    // Two near misses of one name: renaming both would duplicate it.
    write(
        t.path(),
        "twins.json",
        format!("{{\n  \"groupID\": \"{GROUP}\",\n  \"group_id\": \"{GROUP}\"\n}}\n"),
    );
    // A field that is not a near miss of anything.
    write(t.path(), "far.json", unknown_field_body());
    // A value that names another type, and one that is not a string.
    write(
        t.path(),
        "other.json",
        corpus("invalid/wrong-odata-type-other-type.json"),
    );
    write(
        t.path(),
        "number.json",
        corpus("invalid/wrong-odata-type-not-a-string.json"),
    );
    // A missing required value and a number for a string.
    write(
        t.path(),
        "missing.json",
        corpus("invalid/missing-groupid.json"),
    );
    write(
        t.path(),
        "typed.json",
        corpus("invalid/type-mismatch-groupid-number.json"),
    );
    age(t.path());
    let snap = snapshot(t.path());
    let r = json_in(t.path(), &["--fix", "."], 1);
    assert!(r.report()["summary"].get("fixes").is_none());
    assert_eq!(snapshot(t.path()), snap);
    // The unsafe changes appear only in the diff of the normal report.
    let r = human_in(t.path(), &["."], 1);
    for change in [
        "-  \"displayName\": \"Sales devices\"",
        "+  \"groupId\": \"<groupId>\"",
        "+  \"groupId\": \"42\"",
    ] {
        assert!(r.stdout.contains(change), "{change}\n{}", r.stdout);
    }
    assert_eq!(snapshot(t.path()), snap);
}

#[test]
fn fix_does_not_write_formats_whose_bodies_it_cannot_edit() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "caps/a.har",
        corpus("har/invalid-groupID-in-request.har"),
    );
    age(t.path());
    let snap = snapshot(t.path());
    let r = json_in(t.path(), &["--fix", "caps"], 1);
    assert!(
        r.diags().iter().any(|d| d.rule == "unknown-field"),
        "{:?}",
        r.diags()
    );
    assert_eq!(snapshot(t.path()), snap);
}

/// `--fix` writes what `--fix --diff` shows of a stream: the safe fixes of its lines, every
/// other byte as it was (CRLF, blank lines, the line a string body holds, the last line's
/// missing line end).
#[test]
fn fix_writes_a_streams_lines_and_nothing_else() {
    let t = TempDir::new().unwrap();
    let captured = corpus_text("ndjson/captures.ndjson").replace('\n', "\r\n");
    let captured = format!("{captured}{{\"groupID\": \"g\"}}");
    write(t.path(), "caps/b.ndjson", &captured);
    let shown = human_in(t.path(), &["--fix", "--diff", "caps"], 1);
    assert_eq!(
        shown.stdout.matches("+++ caps/b.ndjson").count(),
        2,
        "{}",
        shown.stdout
    );
    let r = json_in(t.path(), &["--fix", "caps"], 1);
    assert_eq!(r.report()["summary"]["fixes"], 2);
    let want = captured.replacen("\"groupID\"", "\"groupId\"", 2);
    let written = std::fs::read_to_string(t.path().join("caps/b.ndjson")).unwrap();
    assert_eq!(written, want);
    assert!(
        r.diags().iter().all(|d| d.rule != "unknown-field"),
        "{:?}",
        r.diags()
    );
    // A second run has nothing left to write.
    let again = json_in(t.path(), &["--fix", "caps"], 1);
    assert!(again.report()["summary"].get("fixes").is_none());
    let names: Vec<_> = std::fs::read_dir(t.path().join("caps")).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left");
}

#[test]
fn fix_never_touches_excluded_files() {
    let t = project("exclude = [\"caps/wrong-odata-type-case.json\"]\n", &[]);
    copy_corpus(t.path(), &FIXABLE[..2]);
    age(t.path());
    let excluded = t.path().join(copied(FIXABLE[0]));
    let before = stat(&excluded);
    let r = json_in(t.path(), &["--fix", "caps"], 0);
    assert_eq!(r.report()["summary"]["fixes"], 1);
    assert_untouched(&excluded, &before);
    let r = json_in(
        t.path(),
        &["--fix", &copied(FIXABLE[0]), "--allow-empty"],
        0,
    );
    assert!(r.report()["summary"].get("fixes").is_none());
    assert_untouched(&excluded, &before);
}

#[test]
#[cfg(unix)]
fn fix_keeps_file_permissions_and_writes_atomically() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), FIXABLE);
    let modes = [0o640, 0o600, 0o644, 0o444, 0o664];
    for (rel, mode) in FIXABLE.iter().zip(modes) {
        chmod(&t.path().join(copied(rel)), mode);
    }
    let inodes: Vec<u64> = FIXABLE
        .iter()
        .map(|rel| stat(&t.path().join(copied(rel))).inode)
        .collect();
    // What is left after the fixes is a warning (the doc's lenient annotation).
    json_in(t.path(), &["--fix", "caps"], 0);
    for ((rel, mode), inode) in FIXABLE.iter().zip(modes).zip(inodes) {
        let s = stat(&t.path().join(copied(rel)));
        assert_eq!(s.mode & 0o7777, mode, "{rel}: mode {:o}", s.mode);
        // A rename of a new file over the old one: never written in place.
        assert_ne!(s.inode, inode, "{rel} was written in place");
    }
    assert!(leftovers(&t.path().join("caps")).is_empty());
}

#[test]
#[cfg(unix)]
fn fix_in_a_read_only_folder_leaves_the_file_intact_and_says_so() {
    let t = TempDir::new().unwrap();
    chmod(t.path(), 0o755);
    let dir = t.path().join("ro");
    let path = write(&dir, "t.json", corpus("invalid/wrong-odata-type-case.json"));
    write(&dir, "ok.json", clean_body());
    age(&dir);
    chmod(&path, 0o644);
    chmod(&dir, 0o555);
    let before = stat(&path);
    let args = ["--fix", "ro", "--format", "json"];
    let r = if !is_root() {
        Some(run_in(t.path(), &args))
    } else {
        as_nobody(t.path(), &args).map(run_command)
    };
    chmod(&dir, 0o755);
    let Some(r) = r else {
        eprintln!(
            "running as root without setpriv: a read-only folder does not stop writes; not checked"
        );
        return;
    };
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_untouched(&path, &before);
    assert!(leftovers(&dir).is_empty());
    let d = r.diags();
    assert_eq!(
        d.iter()
            .map(|d| (d.file.as_str(), d.rule.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("ro/t.json", "unreadable-file"),
            ("ro/t.json", "wrong-odata-type")
        ]
    );
    assert!(
        d[0].message.contains("cannot write the fixes") && d[0].message.contains("unchanged"),
        "{d:?}"
    );
    assert!(r.report()["summary"].get("fixes").is_none());
}

#[test]
fn fix_diff_writes_nothing_and_shows_only_the_safe_changes() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), FIXABLE);
    copy_corpus(t.path(), UNFIXABLE);
    write(
        t.path(),
        "caps/mixed.json",
        format!("{{\n  \"groupID\": \"{GROUP}\",\n  \"displayName\": \"x\"\n}}\n"),
    );
    age(t.path());
    let snap = snapshot(t.path());
    let r = human_in(t.path(), &["--fix", "--diff", "caps"], 1);
    assert_eq!(snapshot(t.path()), snap);
    assert!(!r.stdout.contains("fixed:"), "{}", r.stdout);
    // One diff per file with safe fixes, and nothing else.
    let mut headers: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("--- ")).collect();
    headers.sort();
    let mut want: Vec<String> = FIXABLE
        .iter()
        .map(|rel| format!("--- {} (as captured)", copied(rel)))
        .collect();
    want.push("--- caps/mixed.json (as captured)".into());
    want.sort();
    assert_eq!(headers, want);
    let changes: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    for l in &changes {
        assert!(
            l.contains("groupI") || l.contains("group_id") || l.contains("@odata.type"),
            "an unsafe change in the --fix --diff output: {l}\n{}",
            r.stdout
        );
    }
    assert!(!r.stdout.contains("displayName\": \"x\"\n+"));
    assert!(r.stdout.contains(&format!(
        "@@ -1,4 +1,4 @@\n {{\n-  \"groupID\": \"{GROUP}\",\n+  \"groupId\": \"{GROUP}\",\n   \"displayName\": \"x\"\n }}\n"
    )));
    // The normal report's diff of the same file also removes displayName.
    let r = human_in(t.path(), &["caps/mixed.json"], 1);
    assert!(
        r.stdout.contains("-  \"displayName\": \"x\""),
        "{}",
        r.stdout
    );
    // JSON output with --fix --diff: no diff, no fixes, nothing written.
    let r = json_in(t.path(), &["--fix", "--diff", "caps"], 1);
    assert!(r.report()["summary"].get("fixes").is_none());
    assert_eq!(snapshot(t.path()), snap);
}

#[test]
fn without_fix_nothing_is_ever_written() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), FIXABLE);
    copy_corpus(t.path(), UNFIXABLE);
    write(
        t.path(),
        "caps/a.har",
        corpus("har/invalid-groupID-in-request.har"),
    );
    write(t.path(), "caps/b.ndjson", corpus("ndjson/captures.ndjson"));
    age(t.path());
    let snap = snapshot(t.path());
    for format in ["human", "json", "jsonl", "sarif", "junit", "github"] {
        let r = run_in(t.path(), &["caps", "--format", format, "--statistics"]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert_eq!(snapshot(t.path()), snap, "{format} wrote something");
    }
    let r = run_in(
        t.path(),
        &["caps", "--direction", "request", "--no-diff", "-q"],
    );
    assert_eq!(r.code, 1);
    assert_eq!(snapshot(t.path()), snap);
}

// ---------------------------------------------------------------------------------------------
// --statistics and --quiet
// ---------------------------------------------------------------------------------------------

#[test]
fn statistics_counts_findings_by_rule() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), BASELINED);
    copy_corpus(t.path(), &["invalid/unknown-field-groupID.json"]);
    let plain = json_in(t.path(), &["caps"], 1);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for d in plain.diags() {
        *counts.entry(d.rule).or_default() += 1;
    }
    assert!(plain.report()["summary"].get("statistics").is_none());
    let r = json_in(t.path(), &["caps", "--statistics"], 1);
    assert_eq!(r.diags(), plain.diags());
    assert_eq!(
        r.report()["summary"]["statistics"],
        serde_json::to_value(&counts).unwrap()
    );
    assert_eq!(counts["missing-required"], 2);
    assert_eq!(counts["unknown-field"], 2);
    // Bodies: the seven payloads hold six, all checked against the catalog.
    assert!(plain.report()["summary"].get("bodies").is_none());
    let bodies = &r.report()["summary"]["bodies"];
    assert_eq!(bodies["checked"], 6, "{bodies}");
    assert_eq!(bodies["unchecked"], 0, "{bodies}");
    // Human: a line per rule, count then id, before the summary line.
    let h = human_in(t.path(), &["caps", "--statistics", "--no-diff"], 1);
    let without = human_in(t.path(), &["caps", "--no-diff"], 1);
    let lines: Vec<&str> = h.stdout.lines().collect();
    let n = counts.len();
    // counts, a blank line, the bodies line, a blank line, the summary.
    let stats = &lines[lines.len() - n - 4..lines.len() - 4];
    let want: Vec<String> = counts
        .iter()
        .map(|(rule, c)| format!("{c}  {rule}"))
        .collect();
    assert_eq!(stats, want.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(lines[lines.len() - 4], "");
    assert!(
        lines[lines.len() - 3].starts_with("bodies: "),
        "{}",
        lines[lines.len() - 3]
    );
    assert_eq!(lines[lines.len() - 2], "");
    let hint = "; --statistics for counts by rule";
    assert_eq!(
        format!("{}{hint}", summary_line(&h.stdout)),
        summary_line(&without.stdout),
        "the summary points to --statistics only when they are not shown"
    );
    let added = format!("{}\n\n{}\n\n", want.join("\n"), lines[lines.len() - 3]);
    assert_eq!(
        h.stdout.replace(&added, ""),
        without.stdout.replace(hint, "")
    );
    // A clean run: an empty object.
    let clean = project("", &[("ok.json", clean_body())]);
    let r = json_in(clean.path(), &[".", "--statistics"], 0);
    assert_eq!(r.report()["summary"]["statistics"], serde_json::json!({}));
}

#[test]
fn statistics_counts_after_the_policy_and_the_baseline() {
    let (t, _) = baseline_tree();
    json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    write(t.path(), "caps/new.json", "{\"groupId\": 42}\n");
    let r = json_in(
        t.path(),
        &["caps", "--statistics", "--baseline", "base.json"],
        1,
    );
    assert_eq!(
        r.report()["summary"]["statistics"],
        serde_json::json!({"type-mismatch": 1})
    );
    let r = json_in(
        t.path(),
        &["caps", "--statistics", "--rule", "unknown-field=off"],
        1,
    );
    let stats = r.report()["summary"]["statistics"].clone();
    assert!(stats.get("unknown-field").is_none(), "{stats}");
    assert_eq!(stats["type-mismatch"], 1);
}

#[test]
fn quiet_prints_findings_only() {
    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), BASELINED);
    copy_corpus(t.path(), &["invalid/unknown-field-groupID.json"]);
    let full = human_in(t.path(), &["caps"], 1);
    let no_diff = human_in(t.path(), &["caps", "--no-diff"], 1);
    assert!(!diff_lines(&full.stdout).is_empty());
    for flag in ["--quiet", "-q"] {
        let r = human_in(t.path(), &["caps", flag], 1);
        assert!(diff_lines(&r.stdout).is_empty(), "{}", r.stdout);
        assert!(!r.stdout.contains(" files, "), "{}", r.stdout);
        // Exactly the findings of the report without diff, minus its summary line.
        let expected = no_diff
            .stdout
            .strip_suffix(&format!("{}\n", summary_line(&no_diff.stdout)))
            .unwrap();
        assert_eq!(r.stdout, expected);
    }
    // A clean run prints nothing at all.
    let clean = project("", &[("ok.json", clean_body())]);
    let r = human_in(clean.path(), &[".", "-q"], 0);
    assert_eq!(r.stdout, "");
}

#[test]
fn quiet_hides_the_baseline_and_fix_lines_and_the_fix_diff() {
    let (t, _) = baseline_tree();
    json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    let r = human_in(t.path(), &["caps", "--baseline", "base.json", "-q"], 0);
    assert_eq!(r.stdout, "");

    let t = TempDir::new().unwrap();
    copy_corpus(t.path(), FIXABLE);
    age(t.path());
    let snap = snapshot(t.path());
    let r = human_in(t.path(), &["caps", "--fix", "--diff", "-q"], 1);
    assert!(diff_lines(&r.stdout).is_empty(), "{}", r.stdout);
    assert_eq!(snapshot(t.path()), snap);
    // What is left after the fixes is a warning (the doc's lenient annotation).
    let r = human_in(t.path(), &["caps", "--fix", "-q"], 0);
    assert!(!r.stdout.contains("fixed:"), "{}", r.stdout);
    assert!(!r.stdout.contains(" files, "), "{}", r.stdout);
    // Quiet or not, the fixes are written.
    let (rel, text) = &expected_fixes()[0];
    assert_eq!(
        std::fs::read_to_string(t.path().join(copied(rel))).unwrap(),
        *text
    );
}

// ---------------------------------------------------------------------------------------------
// Completions and the manual page
// ---------------------------------------------------------------------------------------------

const FLAGS: &[&str] = &[
    "config",
    "rule",
    "exclude",
    "fail-on",
    "baseline",
    "write-baseline",
    "fix",
    "diff",
    "statistics",
    "quiet",
    "format",
    "schemas",
];

#[test]
fn completion_scripts_mention_paylint_and_its_flags() {
    let dir = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let r = run_in(dir.path(), &["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(r.stderr.is_empty(), "{shell}: {}", r.stderr);
        assert!(r.stdout.contains("paylint"), "{shell}");
        for flag in FLAGS {
            let dashed = format!("--{flag}");
            let fish = format!("-l {flag}");
            assert!(
                r.stdout.contains(&dashed) || (shell == "fish" && r.stdout.contains(&fish)),
                "{shell} completion lacks {flag}"
            );
        }
    }
    let r = run_in(dir.path(), &["completions", "bash"]);
    assert!(r.stdout.contains("complete"), "{}", r.stdout);
    assert!(r.stdout.contains("_paylint"));
    let r = run_in(dir.path(), &["completions", "zsh"]);
    assert!(r.stdout.starts_with("#compdef paylint"), "{}", r.stdout);
    // An unknown shell is a usage error.
    let r = run_in(dir.path(), &["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
}

#[test]
fn manpage_is_roff() {
    let dir = TempDir::new().unwrap();
    let r = run_in(dir.path(), &["manpage"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(
        r.stdout.lines().any(|l| l.starts_with(".TH paylint")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(".SH NAME"));
    assert!(r.stdout.contains(".SH SYNOPSIS"));
    for flag in FLAGS {
        // roff escapes every hyphen.
        let roff = format!("\\fB\\-\\-{}\\fR", flag.replace('-', "\\-"));
        assert!(r.stdout.contains(&roff), "the manual page lacks --{flag}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bugs
// ---------------------------------------------------------------------------------------------

#[test]
fn globs_match_paths_named_with_dot_dot() {
    let t = project(
        "exclude = [\"data/skip.json\"]\n",
        &[
            ("data/skip.json", unknown_field_body()),
            ("data/keep.json", unknown_field_body()),
            ("sub/.keep", String::new()),
        ],
    );
    let sub = t.path().join("sub");
    // From the configuration's folder, the file is excluded.
    let r = json_in(t.path(), &["data"], 1);
    assert_eq!(r.files(), vec!["data/keep.json"]);
    // The same folder from a subfolder of it.
    let r = json_in(&sub, &["../data"], 1);
    assert_eq!(r.files(), vec!["../data/keep.json"]);
    // Include: walked files outside `include` are skipped, the others checked.
    write(t.path(), "paylint.toml", "include = [\"data/keep.json\"]\n");
    let r = json_in(&sub, &["../data"], 1);
    assert_eq!(r.files(), vec!["../data/keep.json"]);
}

#[test]
fn fix_does_not_write_fixes_of_rules_turned_off() {
    let t = project("[rules]\nwrong-odata-type = \"off\"\n", &[]);
    copy_corpus(t.path(), &["invalid/wrong-odata-type-case.json"]);
    let path = t.path().join(copied("invalid/wrong-odata-type-case.json"));
    age(t.path());
    let before = stat(&path);
    let r = json_in(t.path(), &["--fix", "caps"], 0);
    assert!(r.diags().is_empty());
    assert!(r.report()["summary"].get("fixes").is_none(), "{}", r.stdout);
    assert_untouched(&path, &before);
}

#[test]
fn no_diff_for_findings_turned_off() {
    let t = project(
        "",
        &[("x.json", unknown_field_body()), ("ok.json", clean_body())],
    );
    let r = human_in(t.path(), &[".", "--rule", "unknown-field=off"], 0);
    assert_eq!(r.stdout, "no findings in 2 files (2 payloads)\n");
}

#[test]
fn a_baseline_suppresses_the_diff_too() {
    let (t, n) = baseline_tree();
    json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    let r = human_in(t.path(), &["caps", "--baseline", "base.json"], 0);
    assert_eq!(
        r.stdout,
        format!(
            "baseline: {n} findings suppressed, 0 baseline entries now fixed\n\
             no findings in 4 files (6 payloads)\n"
        )
    );
}

#[test]
#[cfg(unix)]
fn fix_through_a_symlink_keeps_the_link() {
    let t = TempDir::new().unwrap();
    let target = write(
        t.path(),
        "real/t.json",
        corpus("invalid/wrong-odata-type-case.json"),
    );
    std::os::unix::fs::symlink("real/t.json", t.path().join("link.json")).unwrap();
    json_in(t.path(), &["--fix", "link.json"], 0);
    let link = std::fs::symlink_metadata(t.path().join("link.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        expected_fixes()[0].1
    );
}

#[test]
fn rewriting_a_baseline_while_applying_it_keeps_the_known_findings() {
    let (t, n) = baseline_tree();
    json_in(t.path(), &["caps", "--write-baseline", "base.json"], 0);
    // Refresh the baseline in the same run that applies it.
    json_in(
        t.path(),
        &[
            "caps",
            "--baseline",
            "base.json",
            "--write-baseline",
            "new.json",
        ],
        0,
    );
    let count = |name: &str| {
        let v: Value =
            serde_json::from_slice(&std::fs::read(t.path().join(name)).unwrap()).unwrap();
        v["findings"].as_array().unwrap().len()
    };
    assert_eq!(
        count("new.json"),
        n,
        "the current findings are all recorded"
    );
    let r = json_in(t.path(), &["caps", "--baseline", "new.json"], 0);
    assert!(r.diags().is_empty(), "{:?}", r.diags());
}
