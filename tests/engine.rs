//! The engine's guarantees that do not depend on a rule: the output is the same for any thread
//! count, and shards split a tree with no overlap and no gap.

mod common;

use common::run_in;
use std::collections::BTreeSet;
use std::path::Path;

/// Runs the binary in `dir`: its exit status and stdout.
fn paylint(dir: &Path, args: &[&str]) -> (i32, String) {
    let r = run_in(dir, args);
    (r.code, r.stdout)
}

/// A tree of many small bodies, about a third of them faulty in different ways.
fn tree() -> tempfile::TempDir {
    let t = tempfile::TempDir::new().unwrap();
    for i in 0..1500 {
        let dir = t.path().join(format!("p/{:02}", i % 37));
        std::fs::create_dir_all(&dir).unwrap();
        let body = match i % 6 {
            0 => format!("{{\"groupID\": \"g{i}\"}}"),
            1 => format!("{{\"groupId\": {i}}}"),
            2 => "{\"@odata.type\": \"#microsoft.graph.provisionPolicyAssignmentItem\", \"groupId\": \"g\"}".to_string(),
            _ => format!("{{\"id\": \"{i}\", \"groupId\": \"g{i}\"}}"),
        };
        std::fs::write(dir.join(format!("b{i}.json")), body).unwrap();
    }
    t
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let t = tree();
    for format in ["json", "human", "sarif", "junit", "github", "jsonl"] {
        let (code1, one) = paylint(
            t.path(),
            &[
                "p",
                "--format",
                format,
                "--direction",
                "request",
                "--threads",
                "1",
            ],
        );
        for n in ["2", "3", "8"] {
            let (code, many) = paylint(
                t.path(),
                &[
                    "p",
                    "--format",
                    format,
                    "--direction",
                    "request",
                    "--threads",
                    n,
                ],
            );
            assert_eq!(code, code1);
            assert!(
                one == many,
                "--format {format}: --threads {n} differs from --threads 1"
            );
        }
    }
}

#[test]
fn shards_split_the_tree_with_no_overlap_and_no_gap() {
    let t = tree();
    let lines = |args: &[&str]| -> Vec<String> {
        let (_, out) = paylint(t.path(), args);
        out.lines().map(str::to_string).collect()
    };
    let all = lines(&["p", "--format", "jsonl"]);
    assert!(all.len() > 500);
    let whole: BTreeSet<String> = all.iter().cloned().collect();
    let mut union = BTreeSet::new();
    let mut total = 0;
    for k in 1..=4 {
        let shard = lines(&["p", "--format", "jsonl", "--shard", &format!("{k}/4")]);
        assert!(!shard.is_empty(), "shard {k}/4 is empty");
        total += shard.len();
        union.extend(shard);
    }
    assert_eq!(total, all.len(), "a finding is in two shards, or in none");
    assert_eq!(union, whole);
    // The share is by path, not by content or order: the same files land in the same shard.
    assert_eq!(
        lines(&["p", "--format", "jsonl", "--shard", "2/4"]),
        lines(&["p", "--format", "jsonl", "--shard", "2/4", "--threads", "1"])
    );
}

#[test]
fn bad_shards_are_refused() {
    let t = tree();
    for bad in ["0/4", "5/4", "1/0", "x", "1-4"] {
        let (code, _) = paylint(t.path(), &["p", "--shard", bad]);
        assert_eq!(code, 2, "--shard {bad}");
    }
}

#[test]
fn jsonl_lines_are_the_json_report_diagnostics() {
    let t = tree();
    let (_, report) = paylint(t.path(), &["p", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let (_, jsonl) = paylint(t.path(), &["p", "--format", "jsonl"]);
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, report["diagnostics"].as_array().unwrap());
}

/// paylint as the map step of a stream split in chunks (GNU parallel --pipe, Spark): each chunk
/// on stdin, named and numbered (lines and payloads) as in the whole stream, gives the whole
/// stream's findings, and the chunks' JSON Lines merge by concatenation.
#[test]
fn chunks_of_a_stream_on_stdin_report_the_streams_file_lines_and_payloads() {
    use std::io::Write;
    use std::process::Stdio;
    let t = tempfile::TempDir::new().unwrap();
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for i in 0..300 {
        lines.push(match i % 5 {
            0 => format!("{{\"groupID\": \"g{i}\"}}").into_bytes(),
            1 => format!(
                "{{\"method\": \"PATCH\", \"url\": \"/provisioningPolicies/p/assignments/a{i}\", \"body\": {{\"id\": \"a\"}}}}"
            )
            .into_bytes(),
            2 => Vec::new(),
            // Not UTF-8: a finding of the line's own payload.
            3 if i % 35 == 3 => b"{\"groupId\": \"\xff\"}".to_vec(),
            _ => format!("{{\"groupId\": \"g{i}\"}}").into_bytes(),
        });
    }
    // A byte order mark opens the file: not content.
    lines[0].splice(0..0, *b"\xEF\xBB\xBF");
    let text: Vec<u8> = lines
        .iter()
        .flat_map(|l| l.iter().chain(b"\n"))
        .copied()
        .collect();
    std::fs::write(t.path().join("all.ndjson"), &text).unwrap();
    let findings = |out: &[u8]| -> Vec<serde_json::Value> {
        String::from_utf8(out.to_vec())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let (code, whole) = paylint(t.path(), &["all.ndjson", "--format", "jsonl"]);
    assert_eq!(code, 1);
    let whole = findings(whole.as_bytes());
    assert!(whole.len() > 100);
    let undecodable: Vec<&serde_json::Value> = whole.iter().filter(|d| d["line"] == 4).collect();
    assert_eq!(undecodable.len(), 1, "{undecodable:?}");
    assert_eq!(
        undecodable[0]["payload"], 2,
        "the line's own payload, blank lines not counted"
    );
    let mut merged = Vec::new();
    let mut payloads_before = 0;
    for (k, chunk) in lines.chunks(70).enumerate() {
        let first = (k * 70 + 1).to_string();
        let first_payload = payloads_before.to_string();
        payloads_before += chunk.iter().filter(|l| !l.is_empty()).count();
        let mut child = common::command_in(t.path(), &["-", "--format", "jsonl"])
            .args(["--stdin-name", "all.ndjson"])
            .args(["--stdin-first-line", &first])
            .args(["--stdin-first-payload", &first_payload])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input: Vec<u8> = chunk
            .iter()
            .flat_map(|l| l.iter().chain(b"\n"))
            .copied()
            .collect();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        merged.extend(findings(&out.stdout));
    }
    assert_eq!(merged, whole);
}

/// A byte order mark is stripped where a file starts, not where a chunk of it does.
#[test]
fn a_byte_order_mark_opens_only_the_first_line() {
    use std::io::Write;
    use std::process::Stdio;
    let t = tempfile::TempDir::new().unwrap();
    let run = |first: &str| {
        let mut child = common::command_in(t.path(), &["-", "--format", "jsonl"])
            .args(["--stdin-first-line", first])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"\xEF\xBB\xBF\n{\"groupId\": \"g\"}\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    // At line 1 the mark alone is a blank line: nothing to report.
    assert_eq!(run("1"), (Some(0), String::new()));
    // Further down it is a line of content that is no JSON.
    let (code, out) = run("5");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("\"line\":5"), "{out}");
}
