//! Hostile inputs and a hostile environment. Each input sits in a folder with a valid and an
//! invalid file, gives its own clear finding (or is skipped) and lets the run go on: broken
//! encodings, deep nesting, a 5 MB body, a file far over the size limit, special files, a file
//! that vanishes, a path that is not UTF-8, permissions. A panic on one file is an
//! `internal-error` for that file only (exit 2). A catalog `$ref` leaving its document is refused
//! and nothing is fetched (a listener counts connections). Files are never lost: without `--fix`
//! they are opened read-only; a `--fix` that is killed, or whose write or rename fails, leaves
//! every file whole.
//!
//! The fault-injection tests use the debug build's test hooks (`PAYLINT_TEST_PANIC_ON`,
//! `PAYLINT_TEST_VANISH`, see `engine::read::test_hooks`); a release build skips them.

// Most of the environment is Unix-only (FIFOs, modes, inodes, chattr): elsewhere fewer tests run.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A clean body.
fn valid() -> String {
    format!("{{\"groupId\": \"{GROUP}\"}}\n")
}

/// A body with exactly one finding: `unknown-field` at `/extra`.
const INVALID: &str = "{\"groupId\": \"g\", \"extra\": 1}\n";

/// A body whose only finding (`wrong-odata-type`, a case slip) has a safe fix.
const FIXABLE: &str =
    "{\n  \"@odata.type\": \"#microsoft.graph.provisionPolicyAssignmentItem\",\n  \"groupId\": \"g\"\n}\n";

/// `FIXABLE` after `--fix`.
const FIXED: &str =
    "{\n  \"@odata.type\": \"#microsoft.graph.ProvisionPolicyAssignmentItem\",\n  \"groupId\": \"g\"\n}\n";

/// Writes the valid and the invalid neighbours into `dir`.
fn neighbours(dir: &Path) {
    write(dir, "valid.json", valid());
    write(dir, "invalid.json", INVALID);
}

/// The rules found per file, in report order.
fn rules_by_file(run: &Run) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in run.diags() {
        out.entry(d.file).or_default().push(d.rule);
    }
    out
}

/// Asserts the neighbours written by [`neighbours`] into `dir` were checked as usual.
fn assert_neighbours_checked(run: &Run, dir: &str) {
    let by_file = rules_by_file(run);
    assert_eq!(
        by_file.get(&format!("{dir}/invalid.json")),
        Some(&vec!["unknown-field".to_string()]),
        "the invalid neighbour was not checked:\n{}",
        run.stdout
    );
    assert_eq!(
        by_file.get(&format!("{dir}/valid.json")),
        None,
        "{by_file:?}"
    );
}

/// The test hooks exist only in debug builds of the binary (the profile this test is built in).
fn hooks_available() -> bool {
    if !cfg!(debug_assertions) {
        eprintln!("release build: the binary has no test hooks; not checked");
    }
    cfg!(debug_assertions)
}

/// `1234567` as `1,234,567`, as the collapsed diff writes counts.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Names in `dir` that are not among `expected`.
fn extra_entries(dir: &Path, expected: &[&str]) -> Vec<String> {
    let mut extra: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !expected.contains(&n.as_str()))
        .collect();
    extra.sort();
    extra
}

/// `chattr +i` on some files, undone when dropped (an immutable file cannot be deleted, even by
/// root, so the temporary folder could not be cleaned up otherwise).
#[cfg(target_os = "linux")]
struct Immutable(Vec<std::path::PathBuf>);

#[cfg(target_os = "linux")]
impl Immutable {
    /// `None` when the attribute cannot be set here (no `chattr`, no CAP_LINUX_IMMUTABLE, a file
    /// system without it).
    fn set(paths: &[&Path]) -> Option<Immutable> {
        let mut done = Immutable(Vec::new());
        for p in paths {
            let ok = Command::new("chattr")
                .arg("+i")
                .arg(p)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return None;
            }
            done.0.push(p.to_path_buf());
        }
        // The attribute is in force: not even this process may open the files for writing.
        for p in &done.0 {
            if std::fs::OpenOptions::new().append(true).open(p).is_ok() {
                return None;
            }
        }
        Some(done)
    }
}

#[cfg(target_os = "linux")]
impl Drop for Immutable {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = Command::new("chattr").arg("-i").arg(p).status();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile bodies, all in one folder
// ---------------------------------------------------------------------------------------------

/// `(file, rule its first finding must have, words the message must contain)`; `None`: clean.
type Expect = (&'static str, Option<&'static str>, &'static str);

fn hostile_bodies(dir: &Path) -> Vec<Expect> {
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(valid().encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let cases: Vec<(&'static str, Vec<u8>, Option<&'static str>, &'static str)> = vec![
        ("empty.json", vec![], Some("invalid-json"), ""),
        (
            "whitespace.json",
            b" \n\t  \r\n  ".to_vec(),
            Some("invalid-json"),
            "",
        ),
        (
            "bom.json",
            [b"\xEF\xBB\xBF".as_slice(), valid().as_bytes()].concat(),
            None,
            "",
        ),
        ("utf16.json", utf16, Some("invalid-json"), "UTF-16"),
        (
            "latin1.json",
            b"{\"groupId\": \"caf\xe9\"}".to_vec(),
            Some("invalid-json"),
            "UTF-8",
        ),
        (
            "binary.json",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec(),
            Some("invalid-json"),
            "",
        ),
        (
            "deep-arrays.json",
            "[".repeat(100_000).into_bytes(),
            Some("invalid-json"),
            "nesting deeper than 128",
        ),
        (
            "deep-objects.json",
            "{\"a\":".repeat(100_000).into_bytes(),
            Some("invalid-json"),
            "nesting deeper than 128",
        ),
        (
            "deep.ndjson",
            format!("{}\n{}", valid().trim_end(), "{\"a\":".repeat(100_000)).into_bytes(),
            Some("invalid-json"),
            "nesting deeper than 128",
        ),
        (
            "unterminated-fence.md",
            b"<!-- {\"blockType\": \"request\"} -->\n```http\nPATCH /x\n".to_vec(),
            Some("invalid-markdown"),
            "never closed",
        ),
        (
            "broken-annotation.md",
            b"<!-- {\"blockType\": \"request\", } -->\n```http\nPATCH /x\n```\n".to_vec(),
            Some("invalid-markdown"),
            "not valid JSON",
        ),
        (
            "headers-only.http",
            b"Content-Type: application/json\nAccept: */*\n\n{\"groupId\": \"g\"}\n".to_vec(),
            Some("invalid-http"),
            "request line",
        ),
        (
            "bad-base64.har",
            har_with_response_text("%%% not base64 %%%").into_bytes(),
            Some("invalid-har"),
            "base64",
        ),
        (
            "over-the-limit.json",
            format!("{{\"groupId\": \"{}\"}}", "g".repeat(1_200_000)).into_bytes(),
            Some("unreadable-file"),
            "--max-file-size",
        ),
    ];
    cases
        .into_iter()
        .map(|(name, bytes, rule, words)| {
            write(dir, name, bytes);
            (name, rule, words)
        })
        .collect()
}

/// A HAR capture of one PATCH and its 200 response, whose `content.text` is base64-encoded text.
fn har_with_response_text(text: &str) -> String {
    serde_json::to_string_pretty(&serde_json::json!({"log": {"version": "1.2", "entries": [{
        "request": {
            "method": "PATCH",
            "url": "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "postData": {"mimeType": "application/json", "text": format!("{{\"groupId\": \"{GROUP}\"}}")}
        },
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "encoding": "base64", "text": text}
        }
    }]}}))
    .unwrap()
}

#[test]
fn every_hostile_body_gives_its_own_finding_and_the_other_files_are_checked() {
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    let cases = hostile_bodies(&dir);
    let args = ["d", "--max-file-size", "1000000"];
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let mut all = args.to_vec();
        all.extend(["--threads", threads]);
        let r = json_in(t.path(), &all, 1);
        assert_eq!(r.stderr, "");
        assert_neighbours_checked(&r, "d");
        let d = r.diags();
        for (name, rule, words) in &cases {
            let file = format!("d/{name}");
            let mine: Vec<&Diag> = d.iter().filter(|d| d.file == file).collect();
            match rule {
                None => assert!(mine.is_empty(), "{name}: {mine:?}"),
                Some(rule) => {
                    let first = mine.first().unwrap_or_else(|| panic!("{name}: no finding"));
                    assert_eq!(first.rule, *rule, "{name}: {mine:?}");
                    assert!(first.message.contains(words), "{name}: {mine:?}");
                    assert!(first.line >= 1 && first.column >= 1, "{name}: {mine:?}");
                }
            }
        }
        assert!(d.iter().all(|d| d.rule != "internal-error"), "{d:?}");
        // Every file is counted, the valid ones too.
        assert_eq!(r.report()["summary"]["files"], cases.len() + 2);
        outputs.push(r.stdout);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the thread count changed the report"
    );

    // The human report names every file with a finding and ends with the summary.
    let r = run_in(t.path(), &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (name, rule, _) in &cases {
        if let Some(rule) = rule {
            assert!(
                r.stdout.contains(&format!("d/{name}:")) && r.stdout.contains(rule),
                "{name} missing from:\n{}",
                r.stdout
            );
        }
    }
    assert!(r
        .stdout
        .contains("d/invalid.json:1:18: error[unknown-field]"));
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.contains(&format!(" of {} files (", cases.len() + 2)),
        "{last}"
    );
}

#[test]
fn valid_base64_in_the_har_is_decoded_and_checked() {
    // The same capture with valid base64 is decoded and its body checked: base64 of
    // `{"groupId": "g"}`, which as a 200 response lacks `id`.
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    write(
        &dir,
        "good-base64.har",
        har_with_response_text("eyJncm91cElkIjogImcifQ=="),
    );
    let r = json_in(t.path(), &["d"], 1);
    assert_neighbours_checked(&r, "d");
    let d = r.diags();
    let mine: Vec<_> = d.iter().filter(|d| d.file == "d/good-base64.har").collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        (mine[0].rule.as_str(), mine[0].pointer.as_str()),
        ("missing-required", "/id")
    );
}

// ---------------------------------------------------------------------------------------------
// A 5 MB body: one finding and a short diff
// ---------------------------------------------------------------------------------------------

/// A valid ProvisionPolicyAssignmentItem body with a pretty-printed 50,000-element array under
/// the unknown field `extraItems` (about 8 MB, 300,006 lines).
fn big_body() -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(9_000_000);
    s.push_str("{\n  \"@odata.type\": \"#microsoft.graph.ProvisionPolicyAssignmentItem\",\n  \"groupId\": \"g\",\n  \"extraItems\": [\n");
    for i in 0..50_000 {
        if i > 0 {
            s.push_str(",\n");
        }
        write!(
            s,
            "    {{\n      \"id\": \"item-{i:05}\",\n      \"displayName\": \"Item number {i}\",\n      \"description\": \"padding, so that the body is well over five megabytes\",\n      \"value\": {i}\n    }}"
        )
        .unwrap();
    }
    s.push_str("\n  ]\n}\n");
    s
}

#[test]
fn a_five_megabyte_body_is_one_finding_and_a_short_diff() {
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    let body = big_body();
    assert!(body.len() > 5_000_000, "{}", body.len());
    write(&dir, "big.json", &body);
    let lines = body.lines().count();

    let r = json_in(t.path(), &["d"], 1);
    assert_neighbours_checked(&r, "d");
    let d: Vec<Diag> = r
        .diags()
        .into_iter()
        .filter(|d| d.file == "d/big.json")
        .collect();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].at(), ("unknown-field", 4, 3, "/extraItems"));

    // The human report: the finding, then a diff of a few dozen lines that says how many removed
    // lines it leaves out. (It used to be a 300,000-line diff that took minutes to compute.)
    let mut cmd = command_in(t.path(), &["d/big.json", "--color", "never"]);
    cmd.env_remove("RUST_BACKTRACE");
    let r = run_with_timeout(cmd, Duration::from_secs(120)).expect("the diff took minutes");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.len() < 4096 && r.stdout.lines().count() < 40,
        "{} bytes, {} lines:\n{}",
        r.stdout.len(),
        r.stdout.lines().count(),
        &r.stdout[..r.stdout.len().min(4000)]
    );
    assert!(r
        .stdout
        .starts_with("d/big.json:4:3: error[unknown-field]: unknown field `extraItems`"));
    // Lines 1-2 and the last are unchanged; line 3 loses its comma; the rest is removed.
    let want = format!(
        "--- d/big.json (as captured)\n+++ d/big.json (conformant)\n@@ -1,{lines} +1,4 @@\n \
         {{\n   \"@odata.type\": \"#microsoft.graph.ProvisionPolicyAssignmentItem\",\n\
         -  \"groupId\": \"g\",\n-  \"extraItems\": [\n-    {{\n-      \"id\": \"item-00000\",\n\
         -      \"displayName\": \"Item number 0\",\n\
         ~ {} removed lines not shown ~\n\
         -      \"displayName\": \"Item number 49999\",\n\
         -      \"description\": \"padding, so that the body is well over five megabytes\",\n\
         -      \"value\": 49999\n-    }}\n-  ]\n+  \"groupId\": \"g\"\n }}\n\n\
         1 error, 0 warnings in 1 of 1 file (1 payload); --statistics for counts by rule\n",
        thousands(lines - 3 - 10)
    );
    assert!(r.stdout.ends_with(&want), "{}", r.stdout);
}

#[test]
fn a_minified_megabyte_body_gives_a_short_human_report() {
    // One line of 1.6 MB: the source line and the diff lines are cut, not printed whole.
    let t = TempDir::new().unwrap();
    let items: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"id":"item-{i:05}","displayName":"Item number {i}","value":{i}}}"#))
        .collect();
    let body = format!(
        r##"{{"@odata.type":"#microsoft.graph.ProvisionPolicyAssignmentItem","extraItems":[{}],"groupID":"g"}}"##,
        items.join(",")
    );
    assert!(body.len() > 1_000_000);
    write(t.path(), "min.json", &body);
    let mut cmd = command_in(t.path(), &["min.json", "--color", "never"]);
    cmd.env_remove("RUST_BACKTRACE");
    let r = run_with_timeout(cmd, Duration::from_secs(120)).expect("finishes");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.len() < 8192,
        "{} bytes:\n{}",
        r.stdout.len(),
        &r.stdout[..r.stdout.len().min(3000)]
    );
    // The finding at the far end of the line is still pointed at: the caret sits under it.
    let lines: Vec<&str> = r.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("error[unknown-field]: unknown field `groupID`"))
        .expect("groupID finding");
    let (source, caret) = (lines[at + 2], lines[at + 3]);
    let col = caret.find('^').expect("caret"); // the caret line is ASCII: bytes are chars
    let under: String = source.chars().skip(col).take(9).collect();
    assert_eq!(under, "\"groupID\"", "{source}\n{caret}");
    assert!(r.stdout.contains("more characters)"), "{}", r.stdout);
}

// ---------------------------------------------------------------------------------------------
// A file far over the size limit is not read
// ---------------------------------------------------------------------------------------------

#[test]
fn a_file_far_over_the_size_limit_is_one_finding_and_is_not_read() {
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    // A sparse file: 1 TiB that takes no disk. Reading it whole would take minutes and more
    // memory than the machine has; the run must refuse it from its size.
    let huge = write(&dir, "huge.json", "");
    let f = std::fs::File::options().write(true).open(&huge).unwrap();
    let size: u64 = [1u64 << 40, 8 << 30]
        .into_iter()
        .find(|&len| f.set_len(len).is_ok())
        .expect("a sparse file of 8 GiB or more");
    drop(f);
    // Walked (not stat'ed before the first read) and named (stat'ed first).
    for args in [
        &["d"][..],
        &["d/huge.json", "d/valid.json", "d/invalid.json"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let r = run_with_timeout(command_in(t.path(), &all), Duration::from_secs(30))
            .expect("paylint read the huge file");
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert_neighbours_checked(&r, "d");
        let d: Vec<Diag> = r
            .diags()
            .into_iter()
            .filter(|d| d.file == "d/huge.json")
            .collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].at(), ("unreadable-file", 1, 1, ""));
        assert!(
            d[0].message.contains(&size.to_string())
                && d[0].message.contains(&(64u64 << 20).to_string())
                && d[0].message.contains("--max-file-size"),
            "{d:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Special files, links, permissions, a vanishing file, paths that are not UTF-8
// ---------------------------------------------------------------------------------------------

#[test]
#[cfg(unix)]
fn special_files_and_link_loops_are_skipped_when_walked_and_findings_when_named() {
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    let fifo = Command::new("mkfifo")
        .arg(dir.join("pipe.json"))
        .status()
        .is_ok_and(|s| s.success());
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("socket.json")).unwrap();
    // A character device (/dev/null's numbers), where the file system and privileges allow it.
    let device = Command::new("mknod")
        .arg(dir.join("null.json"))
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    std::os::unix::fs::symlink("loop.json", dir.join("loop.json")).unwrap();
    std::os::unix::fs::symlink("ping.json", dir.join("pong.json")).unwrap();
    std::os::unix::fs::symlink("pong.json", dir.join("ping.json")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("up")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("here")).unwrap();
    if !fifo {
        eprintln!("mkfifo unavailable: FIFO not checked");
    }
    if !device {
        eprintln!("mknod not permitted: device file not checked");
    }

    // Walked: none of them is read (a FIFO would block the run), nothing is reported for them.
    let r = run_with_timeout(
        command_in(t.path(), &["d", "--format", "json"]),
        Duration::from_secs(20),
    )
    .expect("paylint hung on a special file in a folder");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_neighbours_checked(&r, "d");
    assert_eq!(rules_by_file(&r).len(), 1, "{}", r.stdout);
    assert_eq!(r.report()["summary"]["files"], 2);

    // Named: one finding each, and the run goes on.
    let mut named = vec!["d/socket.json", "d/loop.json", "d/ping.json"];
    if fifo {
        named.push("d/pipe.json");
    }
    if device {
        named.push("d/null.json");
    }
    let mut args = named.clone();
    args.extend(["d/valid.json", "d/invalid.json", "--format", "json"]);
    let r = run_with_timeout(command_in(t.path(), &args), Duration::from_secs(20))
        .expect("paylint hung on a special file named on the command line");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_neighbours_checked(&r, "d");
    let d = r.diags();
    for name in &named {
        let mine: Vec<&Diag> = d.iter().filter(|d| d.file == *name).collect();
        assert_eq!(mine.len(), 1, "{name}: {mine:?}");
        assert_eq!(mine[0].at(), ("unreadable-file", 1, 1, ""), "{name}");
        let why = if name.contains("loop") || name.contains("ping") {
            "cannot open"
        } else {
            "not a regular file"
        };
        assert!(mine[0].message.contains(why), "{name}: {mine:?}");
    }
}

#[test]
#[cfg(unix)]
fn permission_denied_is_a_finding_even_when_the_tests_run_as_root() {
    let t = TempDir::new().unwrap();
    chmod(t.path(), 0o755); // so an unprivileged user can enter
    let dir = t.path().join("d");
    neighbours(&dir);
    let locked = write(&dir, "a-locked.json", INVALID);
    let locked_dir = dir.join("c-locked-dir");
    write(&locked_dir, "x.json", INVALID);
    chmod(&locked, 0o000);
    chmod(&locked_dir, 0o000);
    // Walked, the locked file named too, and a file inside the locked folder named: a path that
    // cannot be looked at is unreadable, not missing (no exit 2).
    let args = [
        "d",
        "d/a-locked.json",
        "d/c-locked-dir/x.json",
        "--format",
        "json",
    ];
    // Modes do not stop root: run as `nobody` then, through setpriv.
    let privileged = std::fs::read(&locked).is_ok();
    let cmd = if !privileged {
        Some(command_in(t.path(), &args))
    } else {
        let mut probe = Command::new("setpriv");
        probe
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_paylint"))
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        probe.status().is_ok_and(|s| s.success()).then(|| {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_paylint"))
                .args(args)
                .current_dir(t.path())
                .stdin(Stdio::null());
            cmd
        })
    };
    let r = cmd.map(output);
    chmod(&locked_dir, 0o755);
    chmod(&locked, 0o644);
    let Some(r) = r else {
        eprintln!("running with privileges that ignore file modes and no setpriv: not checked");
        return;
    };
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_neighbours_checked(&r, "d");
    let d = r.diags();
    let found: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d.file.as_str(), d.rule.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("d/a-locked.json", "unreadable-file"),
            ("d/c-locked-dir", "unreadable-file"),
            ("d/invalid.json", "unknown-field"),
            ("d/a-locked.json", "unreadable-file"),
            ("d/c-locked-dir/x.json", "unreadable-file"),
        ]
    );
    for d in d.iter().filter(|d| d.rule == "unreadable-file") {
        assert!(
            d.message.contains("Permission denied") && d.message.contains("permissions"),
            "{d:?}"
        );
    }
}

#[test]
fn a_file_removed_between_walk_and_read_is_one_finding_and_the_run_goes_on() {
    if !hooks_available() {
        return;
    }
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    write(&dir, "gone.json", INVALID);
    write(&dir, "gone.ndjson", INVALID);
    for name in ["gone.json", "gone.ndjson"] {
        let r = run_env(
            t.path(),
            &["d", "--format", "json"],
            &[("PAYLINT_TEST_VANISH", name)],
        );
        assert_eq!(r.code, 1, "{name}: {}\n{}", r.stdout, r.stderr);
        assert!(!dir.join(name).exists(), "the hook did not remove {name}");
        assert_neighbours_checked(&r, "d");
        let d = r.diags();
        let file = format!("d/{name}");
        let mine: Vec<&Diag> = d.iter().filter(|d| d.file == file).collect();
        assert_eq!(mine.len(), 1, "{name}: {mine:?}");
        assert_eq!(mine[0].at(), ("unreadable-file", 1, 1, ""));
        assert!(
            mine[0]
                .message
                .contains("removed or renamed after it was found"),
            "{mine:?}"
        );
        assert!(d.iter().all(|d| d.rule != "internal-error"), "{d:?}");
        write(&dir, name, INVALID);
    }
}

#[test]
#[cfg(target_os = "linux")]
fn paths_that_are_not_utf8_are_checked_and_shown_lossily() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    let file = dir.join(OsStr::from_bytes(b"bad-\xff.json"));
    std::fs::write(&file, INVALID).unwrap();
    let sub = dir.join(OsStr::from_bytes(b"sub-\xfe"));
    write(&sub, "in.json", INVALID);

    // Walked, and named on the command line.
    let named = Path::new("d").join(OsStr::from_bytes(b"bad-\xff.json"));
    for extra in [None, Some(named.as_os_str())] {
        let mut cmd = command_in(t.path(), &["d", "--format", "json"]);
        if let Some(p) = extra {
            cmd.arg(p);
        }
        let r = output(cmd);
        assert_eq!(r.code, 1, "{}", r.stderr);
        // Valid JSON (it parses) and valid UTF-8, with the bytes shown as U+FFFD.
        assert!(std::str::from_utf8(&r.raw_stdout).is_ok());
        assert_neighbours_checked(&r, "d");
        let by_file = rules_by_file(&r);
        assert_eq!(
            by_file.get("d/bad-\u{FFFD}.json"),
            Some(&vec![
                "unknown-field".to_string();
                1 + usize::from(extra.is_some())
            ]),
            "{by_file:?}"
        );
        assert_eq!(
            by_file.get("d/sub-\u{FFFD}/in.json"),
            Some(&vec!["unknown-field".to_string()]),
            "{by_file:?}"
        );
    }

    let r = run_in(t.path(), &["d", "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("d/bad-\u{FFFD}.json:1:18: error[unknown-field]"));
    assert!(r
        .stdout
        .contains("--- d/sub-\u{FFFD}/in.json (as captured)"));
    // SARIF keeps the exact bytes, percent-encoded.
    let r = run_in(t.path(), &["d", "--format", "sarif"]);
    assert_eq!(r.code, 1);
    let log: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"d/bad-%FF.json"), "{uris:?}");
    assert!(uris.contains(&"d/sub-%FE/in.json"), "{uris:?}");
    // JUnit is well-formed XML.
    let r = run_in(t.path(), &["d", "--format", "junit"]);
    assert_eq!(r.code, 1);
    roxmltree::Document::parse(&r.stdout).expect("JUnit is XML");
}

// ---------------------------------------------------------------------------------------------
// Crash isolation
// ---------------------------------------------------------------------------------------------

fn panicking_tree() -> TempDir {
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    write(&dir, "boom.json", valid());
    write(&dir, "boom.ndjson", INVALID);
    write(&dir, "zz-after.json", INVALID);
    t
}

fn run_panicking(t: &TempDir, target: &str, args: &[&str]) -> Run {
    let mut cmd = command_in(t.path(), args);
    cmd.env("PAYLINT_TEST_PANIC_ON", target)
        .env_remove("RUST_BACKTRACE");
    output(cmd)
}

#[test]
fn a_panic_on_one_file_is_an_internal_error_for_it_and_the_rest_is_checked() {
    if !hooks_available() {
        return;
    }
    let t = panicking_tree();
    // A batch-checked file and a streamed one.
    for target in ["boom.json", "boom.ndjson"] {
        let mut reports = Vec::new();
        for threads in ["1", "2"] {
            let r = run_panicking(&t, target, &["d", "--format", "json", "--threads", threads]);
            assert_eq!(r.code, 2, "{target}: {}\n{}", r.stdout, r.stderr);
            assert_neighbours_checked(&r, "d");
            let d = r.diags();
            let internal: Vec<&Diag> = d.iter().filter(|d| d.rule == "internal-error").collect();
            assert_eq!(internal.len(), 1, "{d:?}");
            let file = format!("d/{target}");
            assert_eq!(internal[0].file, file);
            assert_eq!(internal[0].at(), ("internal-error", 1, 1, ""));
            assert!(
                internal[0].message.contains(&file) && internal[0].message.contains("bug"),
                "{internal:?}"
            );
            // The files after it are checked too.
            let by_file = rules_by_file(&r);
            assert_eq!(
                by_file.get("d/zz-after.json"),
                Some(&vec!["unknown-field".to_string()])
            );
            if target == "boom.json" {
                assert_eq!(
                    by_file.get("d/boom.ndjson"),
                    Some(&vec!["unknown-field".to_string()])
                );
            }
            assert_eq!(r.report()["summary"]["files"], 5);
            reports.push(r.stdout);
        }
        assert_eq!(reports[0], reports[1]);
    }
    // A few files named on the command line are checked without the pipeline's threads: a
    // panic there is contained the same way.
    let r = run_panicking(
        &t,
        "boom.json",
        &["d/boom.json", "d/zz-after.json", "--format", "json"],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    let by_file = rules_by_file(&r);
    assert_eq!(
        by_file.get("d/boom.json"),
        Some(&vec!["internal-error".to_string()])
    );
    assert_eq!(
        by_file.get("d/zz-after.json"),
        Some(&vec!["unknown-field".to_string()])
    );

    // The human report says it, and every other format carries it.
    let r = run_panicking(&t, "boom.json", &["d", "--color", "never"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("d/boom.json:1:1: error[internal-error]: paylint failed on this file"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("d/zz-after.json:1:18: error[unknown-field]"));
    assert!(r.stdout.ends_with(
        "4 errors, 0 warnings in 4 of 5 files (4 payloads); --statistics for counts by rule\n"
    ));

    let r = run_panicking(&t, "boom.json", &["d", "--format", "sarif"]);
    assert_eq!(r.code, 2);
    let log: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    let internal: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "internal-error")
        .collect();
    assert_eq!(internal.len(), 1);
    assert_eq!(
        internal[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "d/boom.json"
    );

    let r = run_panicking(&t, "boom.json", &["d", "--format", "junit"]);
    assert_eq!(r.code, 2);
    let doc = roxmltree::Document::parse(&r.stdout).expect("JUnit is XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("d/boom.json"))
        .expect("a suite for the file that panicked");
    assert!(suite
        .descendants()
        .any(|n| n.has_tag_name("error") && n.attribute("type") == Some("internal-error")));
    assert_eq!(
        suite.attribute("errors"),
        Some("1"),
        "paylint failing is a JUnit error"
    );
    assert!(doc
        .descendants()
        .any(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some("d/zz-after.json")));

    let r = run_panicking(&t, "boom.json", &["d", "--format", "github"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("::error file=d/boom.json,") && l.contains("internal-error")),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// The catalog never fetches anything
// ---------------------------------------------------------------------------------------------

/// A TCP listener on 127.0.0.1 that counts the connections made to it.
struct Listener {
    port: u16,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    fn start() -> Listener {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (a, s) = (accepted.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok(_) => {
                        a.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Listener {
            port,
            accepted,
            stop,
            thread: Some(thread),
        }
    }

    /// Connections so far, after giving any pending one time to be accepted.
    fn count(&self) -> usize {
        std::thread::sleep(Duration::from_millis(100));
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn catalog_refs_leaving_the_document_are_refused_and_nothing_is_fetched() {
    let listener = Listener::start();
    let url = format!("http://127.0.0.1:{}", listener.port);
    let t = TempDir::new().unwrap();
    write(t.path(), "body.json", valid());
    // A schema file outside the catalog folder that a reference could reach.
    write(
        t.path(),
        "outside.json",
        serde_json::json!({"$schema": DRAFT, "type": "string"}).to_string(),
    );
    let schema = |extra: Value| {
        let mut s = serde_json::json!({"$schema": DRAFT, "type": "object"});
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s.to_string()
    };
    let refused = "points outside this schema; paylint never fetches references";
    let cases: Vec<(&str, String, String)> = vec![
        (
            "property ref to http",
            schema(serde_json::json!({"properties": {"a": {"$ref": format!("{url}/x.json")}}})),
            refused.into(),
        ),
        (
            "root ref to http",
            schema(serde_json::json!({"$ref": format!("{url}/x.json#/a")})),
            refused.into(),
        ),
        (
            "dynamic ref to http",
            schema(serde_json::json!({"items": {"$dynamicRef": format!("{url}/x.json#node")}})),
            refused.into(),
        ),
        (
            "relative ref against an http $id",
            schema(
                serde_json::json!({"$id": format!("{url}/base/"), "properties": {"a": {"$ref": "other.json"}}}),
            ),
            refused.into(),
        ),
        (
            "ref to a file outside the catalog",
            schema(serde_json::json!({"properties": {"a": {"$ref": "../outside.json"}}})),
            refused.into(),
        ),
        (
            "ref to an absolute file URL",
            schema(serde_json::json!({"properties": {"a": {"$ref": "file:///etc/passwd"}}})),
            refused.into(),
        ),
        (
            "metaschema on the network",
            serde_json::json!({"$schema": format!("{url}/meta"), "type": "object"}).to_string(),
            "paylint reads draft 2020-12".into(),
        ),
        (
            // A property named like a keyword whose value is data (`default`): its subschema's
            // reference is still never fetched (refused when the schema is compiled).
            "ref under a property named default",
            schema(
                serde_json::json!({"properties": {"default": {"$ref": format!("{url}/y.json")}}}),
            ),
            format!("{url}/y.json"),
        ),
    ];
    for (i, (what, text, needle)) in cases.iter().enumerate() {
        let dir = format!("cat{i}");
        write(t.path(), &format!("{dir}/Thing.schema.json"), text);
        for format in ["human", "json"] {
            let r = run_in(
                t.path(),
                &["body.json", "--schemas", &dir, "--format", format],
            );
            assert_eq!(r.code, 2, "{what}: {}\n{}", r.stdout, r.stderr);
            assert_eq!(r.stdout, "", "{what}: a report was started");
            assert!(
                r.stderr.contains(&format!("{dir}/Thing.schema.json")),
                "{what}: the message does not name the file: {}",
                r.stderr
            );
            assert!(r.stderr.contains(needle.as_str()), "{what}: {}", r.stderr);
        }
        assert_eq!(listener.count(), 0, "{what}: paylint connected to {url}");
    }
    assert_eq!(listener.count(), 0);
    // The listener does count: a connection made here is seen.
    let _c = std::net::TcpStream::connect(("127.0.0.1", listener.port)).unwrap();
    let start = Instant::now();
    while listener.count() == 0 && start.elapsed() < Duration::from_secs(5) {}
    assert_eq!(listener.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Files are never lost
// ---------------------------------------------------------------------------------------------

#[test]
#[cfg(target_os = "linux")]
fn without_fix_files_are_opened_read_only() {
    // Immutable files cannot be opened for writing, even by root: a run that opened them so
    // would report them unreadable. It reports exactly what it reports for ordinary files.
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    write(&dir, "fixable.json", FIXABLE);
    write(
        &dir,
        "doc.md",
        std::fs::read(root().join("corpus/docs/invalid-update-example.md")).unwrap(),
    );
    write(
        &dir,
        "capture.http",
        std::fs::read(root().join("corpus/http/invalid-several-problems.http")).unwrap(),
    );
    write(
        &dir,
        "stream.ndjson",
        std::fs::read(root().join("corpus/ndjson/captures.ndjson")).unwrap(),
    );
    let names = [
        "valid.json",
        "invalid.json",
        "fixable.json",
        "doc.md",
        "capture.http",
        "stream.ndjson",
    ];
    let before: Vec<Stat> = names.iter().map(|n| stat(&dir.join(n))).collect();
    let ordinary: Vec<String> = ["json", "human", "sarif", "junit", "github", "jsonl"]
        .iter()
        .map(|f| run_in(t.path(), &["d", "--format", f]).stdout)
        .collect();
    let paths: Vec<std::path::PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let Some(_guard) = Immutable::set(&refs) else {
        eprintln!("chattr +i unavailable here: not checked");
        return;
    };
    for (format, want) in ["json", "human", "sarif", "junit", "github", "jsonl"]
        .iter()
        .zip(&ordinary)
    {
        let r = run_in(t.path(), &["d", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert_eq!(
            &r.stdout, want,
            "{format}: immutable files were reported differently"
        );
    }
    let r = json_in(t.path(), &["d"], 1);
    assert!(
        r.diags().iter().all(|d| d.rule != "unreadable-file"),
        "{:?}",
        r.diags()
    );
    drop(_guard);
    for (n, b) in names.iter().zip(&before) {
        assert_eq!(&stat(&dir.join(n)), b, "{n} changed");
    }
    assert_eq!(extra_entries(&dir, &names), Vec::<String>::new());
}

#[test]
#[cfg(target_os = "linux")]
fn a_fix_whose_rename_fails_leaves_the_file_intact_and_fixes_the_others() {
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    let stuck = write(&dir, "a-stuck.json", FIXABLE);
    let free = write(&dir, "b-free.json", FIXABLE);
    chmod(&stuck, 0o640);
    chmod(&free, 0o640);
    age(&stuck);
    let before = stat(&stuck);
    // The folder stays writable, so the temporary file is written; renaming it over an
    // immutable file fails.
    let Some(guard) = Immutable::set(&[&stuck]) else {
        eprintln!("chattr +i unavailable here: not checked");
        return;
    };
    let r = json_in(t.path(), &["--fix", "d"], 1);
    drop(guard);
    assert_eq!(stat(&stuck), before, "the file whose rename failed changed");
    let after = stat(&free);
    assert_eq!(String::from_utf8(after.bytes).unwrap(), FIXED);
    assert_eq!(after.mode, 0o640, "the fixed file lost its mode");
    let names = ["valid.json", "invalid.json", "a-stuck.json", "b-free.json"];
    assert_eq!(
        extra_entries(&dir, &names),
        Vec::<String>::new(),
        "temporary files left"
    );
    let d = r.diags();
    let stuck_d: Vec<&Diag> = d.iter().filter(|d| d.file == "d/a-stuck.json").collect();
    assert_eq!(stuck_d.len(), 2, "{d:?}");
    assert_eq!(stuck_d[0].rule, "unreadable-file");
    assert!(
        stuck_d[0]
            .message
            .contains("cannot write the fixes (the file is unchanged)"),
        "{stuck_d:?}"
    );
    assert_eq!(stuck_d[1].rule, "wrong-odata-type");
    assert!(d.iter().all(|d| d.file != "d/b-free.json"), "{d:?}");
    assert_neighbours_checked(&r, "d");
    assert_eq!(r.report()["summary"]["fixes"], 1);
}

#[test]
#[cfg(target_os = "linux")]
fn a_fix_whose_write_fails_leaves_every_file_intact() {
    // RLIMIT_FSIZE 0 with SIGXFSZ ignored: every write to a regular file fails with EFBIG (root
    // too). stdout and stderr are pipes, so the report still gets out.
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    neighbours(&dir);
    let a = write(&dir, "a.json", FIXABLE);
    let b = write(
        &dir,
        "b.md",
        std::fs::read(root().join("corpus/docs/invalid-update-example.md")).unwrap(),
    );
    age(&a);
    age(&b);
    let before = [stat(&a), stat(&b)];
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("trap '' XFSZ; ulimit -f 0 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_paylint"))
        .args(["--fix", "d", "--format", "json"])
        .current_dir(t.path())
        .stdin(Stdio::null());
    let r = output(cmd);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert_eq!([stat(&a), stat(&b)], before, "a file changed");
    let names = ["valid.json", "invalid.json", "a.json", "b.md"];
    assert_eq!(
        extra_entries(&dir, &names),
        Vec::<String>::new(),
        "temporary files left"
    );
    let d = r.diags();
    for file in ["d/a.json", "d/b.md"] {
        let first = d.iter().find(|d| d.file == file).expect("findings");
        assert_eq!(first.rule, "unreadable-file", "{d:?}");
        assert!(
            first
                .message
                .contains("cannot write the fixes (the file is unchanged)"),
            "{first:?}"
        );
    }
    assert_neighbours_checked(&r, "d");
    assert!(r.report()["summary"].get("fixes").is_none());
}

#[test]
#[cfg(unix)]
fn a_fix_killed_midway_leaves_every_file_either_original_or_fixed() {
    const FILES: usize = 1500;
    let t = TempDir::new().unwrap();
    let dir = t.path().join("d");
    let names: Vec<String> = (0..FILES).map(|i| format!("f{i:04}.json")).collect();
    let reset = || {
        for n in &names {
            let p = write(&dir, n, FIXABLE);
            chmod(&p, 0o640);
        }
    };
    let fix = || {
        let mut cmd = command_in(
            t.path(),
            &["--fix", "d", "--format", "json", "--threads", "2"],
        );
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    };
    // How long an uninterrupted fix of every file takes here.
    reset();
    let start = Instant::now();
    assert!(fix().status().unwrap().success());
    let whole = start.elapsed();
    assert!(names
        .iter()
        .all(|n| std::fs::read_to_string(dir.join(n)).unwrap() == FIXED));

    // Kill runs part-way, closing in on the middle, until some files are fixed and some not.
    let mut delay = whole / 2;
    let mut midway = 0;
    for attempt in 0..12 {
        reset();
        let inodes: Vec<Stat> = names.iter().map(|n| stat(&dir.join(n))).collect();
        let mut child = fix().spawn().unwrap();
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL: no clean-up runs
        let _ = child.wait();
        let mut fixed = 0;
        for (n, before) in names.iter().zip(&inodes) {
            let s = stat(&dir.join(n));
            let text = String::from_utf8(s.bytes.clone()).unwrap();
            if text == FIXED {
                fixed += 1;
                assert_eq!(s.mode, 0o640, "{n}: mode lost");
                assert_ne!(s.inode, before.inode, "{n} was written in place");
            } else {
                assert_eq!(text, FIXABLE, "{n} is neither the original nor the fix");
                assert_eq!(&s, before, "{n} was rewritten without a change");
            }
        }
        // A kill between creating a temporary file and renaming it leaves that file behind:
        // hidden (the walk skips it), named `.paylint-*.tmp`, at most one per thread.
        let extra: Vec<String> =
            extra_entries(&dir, &names.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(
            extra.len() <= 2
                && extra
                    .iter()
                    .all(|n| n.starts_with(".paylint-") && n.ends_with(".tmp")),
            "{extra:?}"
        );
        for n in &extra {
            std::fs::remove_file(dir.join(n)).unwrap();
        }
        eprintln!("attempt {attempt}: killed after {delay:?} (whole run {whole:?}): {fixed}/{FILES} fixed");
        if fixed > 0 && fixed < FILES {
            midway += 1;
            if midway == 3 {
                break;
            }
        } else if fixed == FILES || finished {
            delay /= 2;
        } else {
            delay = delay * 3 / 2 + Duration::from_millis(1);
        }
    }
    assert!(midway > 0, "no kill landed while files were being fixed");
    // Whatever a kill left, a new run finishes the job.
    reset();
    assert!(fix().status().unwrap().success());
}

#[test]
fn twenty_thousand_findings_on_one_minified_line_give_a_human_report_in_linear_time() {
    // One line with 20,000 unknown fields. Each finding shows a window of the line: the renderer
    // used to copy and count the whole line for each one (quadratic: minutes for a megabyte).
    const FIELDS: usize = 20_000;
    let t = TempDir::new().unwrap();
    let extra: Vec<String> = (0..FIELDS).map(|i| format!("\"x{i}\":{i}")).collect();
    let body = format!(
        "{{\"@odata.type\":\"{ODATA_TYPE}\",\"groupId\":\"g\",{}}}",
        extra.join(",")
    );
    write(t.path(), "wide.json", &body);
    let mut cmd = command_in(t.path(), &["wide.json", "--color", "never"]);
    cmd.env_remove("RUST_BACKTRACE");
    // About 2 s in a debug build; the quadratic renderer took over a minute.
    let r = run_with_timeout(cmd, Duration::from_secs(30))
        .expect("the human report did not finish in 30 s");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let heads: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            lines[i].starts_with("wide.json:1:") && lines[i].contains("error[unknown-field]")
        })
        .collect();
    assert_eq!(heads.len(), FIELDS);
    assert!(r.stdout.ends_with(&format!(
        "{FIELDS} errors, 0 warnings in 1 of 1 file (1 payload); --statistics for counts by rule\n"
    )));
    // Every source line is cut to its window, and the last finding's caret sits under its key.
    for &at in &heads {
        let source = lines[at + 2].strip_prefix("1 | ").expect("source line");
        assert!(source.chars().count() <= 122, "{source}");
    }
    let last = *heads.last().unwrap();
    assert!(lines[last].contains(&format!("unknown field `x{}`", FIELDS - 1)));
    let (source, caret) = (lines[last + 2], lines[last + 3]);
    let col = caret.find('^').expect("caret"); // the caret line is ASCII: bytes are chars
    let under: String = source.chars().skip(col).take(8).collect();
    assert_eq!(under, format!("\"x{}\"", FIELDS - 1), "{source}\n{caret}");
    assert_eq!(caret.matches('^').count(), 8, "{caret}");
}

/// Control characters in a capture (raw in a broken body, escaped in a key, in a file name)
/// reach the human report written visibly: nothing in it can drive the reader's terminal.
#[test]
fn control_characters_from_captures_never_reach_the_terminal_raw() {
    let dir = TempDir::new().unwrap();
    let raw = "{\"groupId\": \"\u{1b}[2J\u{1b}]0;pwned\u{7}\"}\n";
    std::fs::write(dir.path().join("raw.json"), raw).unwrap();
    let escaped = "{\"groupId\": \"g\", \"\\u001b[31mred\\r\": 1}\n";
    std::fs::write(dir.path().join("escaped.json"), escaped).unwrap();
    std::fs::write(dir.path().join("name\u{1b}[1m.json"), "{}").unwrap();
    for format in ["human", "github"] {
        let r = run_in(dir.path(), &[".", "--color", "never", "--format", format]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            !r.stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{format}: {:?}",
            r.stdout
        );
        assert!(r.stdout.contains("\\u{001B}"), "{format}: {}", r.stdout);
    }
    // The human snippet shows them as control pictures, the caret still under its column.
    let r = run_in(dir.path(), &["raw.json", "--color", "never"]);
    assert!(
        r.stdout.contains("1 | {\"groupId\": \"␛[2J␛]0;pwned␇\"}"),
        "{}",
        r.stdout
    );
}
