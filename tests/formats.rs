//! Captured exchanges through the binary: `.http` transcripts, `.md` API docs, `.har` captures
//! and NDJSON streams (files and stdin). Which format a file is read as, how messages are split,
//! numbered and routed to an operation, the HTTP envelope rules, exact positions of findings in
//! multi-message files, CRLF variants, and malformed input (findings, never a crash).

mod common;

use common::*;
use std::path::Path;
use std::process::Stdio;
use tempfile::TempDir;

/// A path the built-in catalog routes to `PATCH /provisioningPolicies/{..}/assignments/{..}`.
const PATH: &str = "/provisioningPolicies/p1/assignments/a1";

/// `(rule, line, column, payload)` of one finding.
type Found = (String, u64, u64, u64);

/// Replaces `%P%` by [`PATH`] and `%G%` by [`GROUP`] (no brace escaping in the fixtures).
fn fill(text: &str) -> String {
    text.replace("%P%", PATH).replace("%G%", GROUP)
}

fn found(run: &Run) -> Vec<Found> {
    run.diags()
        .into_iter()
        .map(|d| (d.rule, d.line, d.column, d.payload))
        .collect()
}

fn want(items: &[(&str, (u64, u64), u64)]) -> Vec<Found> {
    items
        .iter()
        .map(|(rule, (line, column), payload)| (rule.to_string(), *line, *column, *payload))
        .collect()
}

/// `(rule, line, column)`, for findings outside any message (reader findings).
fn places(run: &Run) -> Vec<(String, u64, u64)> {
    run.diags()
        .into_iter()
        .map(|d| (d.rule, d.line, d.column))
        .collect()
}

/// Writes `dir/name` and lints it with the JSON report, asserting the exit status.
fn lint(dir: &Path, name: &str, text: impl AsRef<[u8]>, code: i32) -> Run {
    write(dir, name, text);
    json_in(dir, &[name], code)
}

/// [`lint`] of a file that holds no payload: exit 2 (nothing checked) but with
/// `--allow-empty`, whose run is returned.
fn lint_empty(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> Run {
    write(dir, name, text);
    let refused = json_in(dir, &[name], 2);
    assert!(
        refused.stderr.starts_with(&format!(
            "paylint: nothing checked in {name}: 1 file, no payload in it ("
        )),
        "{}",
        refused.stderr
    );
    json_in(dir, &[name, "--allow-empty"], 0)
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line as u64, column as u64)
}

/// Position of the `n`-th (0-based) occurrence of `needle`.
fn pos_nth(text: &str, needle: &str, n: usize) -> (u64, u64) {
    let (at, _) = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", n + 1));
    line_col(text, at)
}

/// Position of the first occurrence of `needle`.
fn pos(text: &str, needle: &str) -> (u64, u64) {
    pos_nth(text, needle, 0)
}

/// `chars` characters into the `n`-th `text` string (past its opening quote).
fn inside_text_field(text: &str, n: usize, chars: u64) -> (u64, u64) {
    let (line, column) = text_field(text, n);
    (line, column + chars)
}

/// Position of the string value after the `n`-th `"text": ` (a HAR body field).
fn text_field(text: &str, n: usize) -> (u64, u64) {
    let (line, column) = pos_nth(text, "\"text\": ", n);
    (line, column + "\"text\": ".len() as u64)
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// Lints `text` and its CRLF copy; both must give the same findings. Returns the LF run.
fn lint_lf_and_crlf(dir: &Path, name: &str, text: &str, code: i32) -> Run {
    let lf = lint(dir, name, text, code);
    let crlf_name = format!("crlf-{name}");
    let crlf_run = lint(dir, &crlf_name, crlf(text), code);
    assert_eq!(found(&lf), found(&crlf_run), "CRLF copy of {name}");
    assert_eq!(
        summary(&lf.report()),
        summary(&crlf_run.report()),
        "CRLF copy of {name}"
    );
    lf
}

/// Runs paylint in `dir` with `input` on its standard input.
fn run_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Run {
    use std::io::Write;
    let mut child = command_in(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("paylint runs");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Run {
        code: out.status.code().expect("paylint was killed by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    }
}

fn payloads(run: &Run) -> u64 {
    summary(&run.report()).1
}

fn severity_of(run: &Run, rule: &str) -> Vec<String> {
    run.diags()
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.severity)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Which format a file is read as
// ---------------------------------------------------------------------------------------------

#[test]
fn walked_folders_read_every_capture_extension_and_skip_others() {
    let t = TempDir::new().unwrap();
    let d = t.path().join("caps");
    let http = fill("PATCH %P%\nContent-Type: application/json\n\n{\"groupId\": 1}\n");
    let md = fill(
        "# Doc\n\n<!-- { \"blockType\": \"request\" } -->\n```http\nPATCH %P%\nContent-Type: application/json\n\n{\"groupId\": 1}\n```\n",
    );
    let har = fill(
        r#"{"log": {"entries": [{"request": {"method": "PATCH", "url": "%P%", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"text": "{\"groupId\": 1}"}}, "response": {"status": 200, "headers": []}}]}}"#,
    );
    let ndjson = "{\"groupId\": 1}\n";
    for (name, text) in [
        ("a.http", http.as_str()),
        ("b.rest", &http),
        ("c.HTTP", &http),
        ("d.md", &md),
        ("e.markdown", &md),
        ("f.har", &har),
        ("g.ndjson", ndjson),
        ("h.jsonl", ndjson),
        ("notes.txt", &http),
        ("capture.log", ndjson),
    ] {
        write(&d, name, text);
    }
    let run = json_in(t.path(), &["caps"], 1);
    let files: Vec<(String, String)> = run.diags().into_iter().map(|d| (d.file, d.rule)).collect();
    let expect: Vec<(String, String)> = [
        "a.http",
        "b.rest",
        "c.HTTP",
        "d.md",
        "e.markdown",
        "f.har",
        "g.ndjson",
        "h.jsonl",
    ]
    .iter()
    .map(|n| (format!("caps/{n}"), "type-mismatch".to_string()))
    .collect();
    assert_eq!(files, expect);
    // Every file one request, the HAR two messages; .txt and .log are not walked.
    assert_eq!(summary(&run.report()), (8, 9, 8, 0));
}

#[test]
fn named_files_with_other_extensions_are_sniffed_by_content() {
    let t = TempDir::new().unwrap();
    let dir = t.path();
    // HTTP: only the transcript reader knows about Content-Type.
    let http = fill("PATCH %P%\n\n{\"groupId\": \"%G%\"}\n");
    let run = lint(dir, "exchange.txt", &http, 1);
    assert_eq!(found(&run), want(&[("content-type", (1, 1), 0)]));

    // A transcript opening with a `###` separator.
    let http2 = fill("### update\nPATCH %P%\nContent-Type: text/plain\n\n{\"groupId\": \"%G%\"}\n");
    let run = lint(dir, "exchange2.capture", &http2, 1);
    assert_eq!(found(&run), want(&[("content-type", (3, 1), 0)]));

    // NDJSON: the second line is payload 1 at line 2 (a JSON body would be one invalid-json).
    let ndjson = fill("{\"groupId\": \"%G%\"}\n{\"groupId\": 5}\n");
    let run = lint(dir, "stream.log", &ndjson, 1);
    assert_eq!(found(&run), want(&[("type-mismatch", (2, 2), 1)]));
    assert_eq!(payloads(&run), 2);

    // Markdown: the annotated example is read at its line of the doc.
    let md = fill(
        "# Doc\n\nProse.\n\n<!-- { \"blockType\": \"request\" } -->\n```http\nPATCH %P%\nContent-Type: application/json\n\n{\"groupId\": 5}\n```\n",
    );
    let run = lint(dir, "doc.txt", &md, 1);
    assert_eq!(found(&run), want(&[("type-mismatch", (10, 2), 0)]));

    // HAR, pretty-printed, in a file with an unknown extension: two payloads per entry.
    let har = fill(
        r#"{
  "log": {
    "entries": [
      {
        "request": {
          "method": "PATCH",
          "url": "%P%",
          "headers": [{"name": "Content-Type", "value": "application/json"}],
          "postData": {"mimeType": "application/json", "text": "{\"groupId\": 5}"}
        },
        "response": {"status": 200, "headers": []}
      }
    ]
  }
}
"#,
    );
    let run = lint(dir, "capture.data", &har, 1);
    assert_eq!(
        found(&run),
        want(&[("type-mismatch", inside_text_field(&har, 0, 2), 0)])
    );
    assert_eq!(payloads(&run), 2);

    // The same files inside a folder are not walked (unknown extensions).
    let sub = dir.join("sub");
    for name in [
        "exchange.txt",
        "exchange2.capture",
        "stream.log",
        "doc.txt",
        "capture.data",
    ] {
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(dir.join(name), sub.join(name)).unwrap();
    }
    let run = json_in(dir, &["sub"], 2);
    assert!(
        run.stderr
            .starts_with("paylint: nothing checked in sub: no file of a format paylint reads ("),
        "{}",
        run.stderr
    );
    let run = json_in(dir, &["sub", "--allow-empty"], 0);
    assert_eq!(summary(&run.report()), (0, 0, 0, 0));
}

#[test]
fn a_json_file_holding_a_har_is_read_as_har() {
    let t = TempDir::new().unwrap();
    let har =
        std::fs::read_to_string(root().join("corpus/har/invalid-groupID-in-request.har")).unwrap();
    let as_har = lint(t.path(), "capture.har", &har, 1);
    let as_json = lint(t.path(), "capture.json", &har, 1);
    assert_eq!(found(&as_json), found(&as_har));
    assert_eq!(payloads(&as_json), 2);
    assert_eq!(
        found(&as_json),
        want(&[
            ("missing-required", (47, 22), 0),
            ("unknown-field", (47, 92), 0)
        ])
    );
    // The clean capture is clean as .json too.
    let clean = std::fs::read_to_string(root().join("corpus/har/update-assignment.har")).unwrap();
    let run = lint(t.path(), "clean.json", &clean, 0);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
}

#[test]
fn a_json_body_that_merely_mentions_log_and_entries_is_still_a_body() {
    let t = TempDir::new().unwrap();
    let body = fill("{\"groupId\": \"%G%\", \"note\": \"log\", \"tags\": \"entries\"}");
    let run = lint(t.path(), "body.json", &body, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("unknown-field", pos(&body, "\"note\""), 0),
            ("unknown-field", pos(&body, "\"tags\""), 0),
        ])
    );
    assert_eq!(payloads(&run), 1);
}

#[test]
fn a_json_file_holding_an_empty_har_is_read_as_har() {
    let t = TempDir::new().unwrap();
    let har =
        r#"{"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": []}}"#;
    let as_har = lint_empty(t.path(), "empty.har", har);
    assert_eq!(summary(&as_har.report()), (1, 0, 0, 0));
    let as_json = lint_empty(t.path(), "empty.json", har);
    assert_eq!(found(&as_json), vec![]);
    assert_eq!(summary(&as_json.report()), (1, 0, 0, 0));
}

// ---------------------------------------------------------------------------------------------
// .http transcripts
// ---------------------------------------------------------------------------------------------

#[test]
fn http_corpus_exchange_is_clean_and_so_is_its_crlf_copy() {
    let run = json(&["corpus/http/update-exchange.http"], 0);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
    let t = TempDir::new().unwrap();
    let text = std::fs::read_to_string(root().join("corpus/http/update-exchange.http")).unwrap();
    let run = lint(t.path(), "crlf.http", crlf(&text), 0);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
}

#[test]
fn http_corpus_several_problems_exactly() {
    let path = "corpus/http/invalid-several-problems.http";
    let run = json(&[path], 1);
    let got: Vec<(String, String, u64, u64)> = run
        .diags()
        .into_iter()
        .map(|d| (d.rule, d.severity, d.line, d.column))
        .collect();
    let expect = [
        ("content-type", "error", 3, 1),
        ("content-length-mismatch", "warning", 4, 1),
        ("read-only-field", "warning", 7, 3),
        ("unexpected-status", "error", 12, 1),
        ("unknown-operation", "warning", 20, 1),
        ("invalid-http", "error", 23, 1),
    ]
    .map(|(r, s, l, c)| (r.to_string(), s.to_string(), l, c));
    assert_eq!(got, expect);
    // Messages 0..=2 (the orphan headers are not a message).
    let by_message: Vec<(String, u64)> = run
        .diags()
        .into_iter()
        .filter(|d| d.rule != "invalid-http")
        .map(|d| (d.rule, d.payload))
        .collect();
    assert_eq!(
        by_message,
        [
            ("content-type", 0),
            ("content-length-mismatch", 0),
            ("read-only-field", 0),
            ("unexpected-status", 1),
            ("unknown-operation", 2),
        ]
        .map(|(r, p)| (r.to_string(), p))
    );
    assert_eq!(summary(&run.report()), (1, 3, 3, 3));
}

#[test]
fn http_messages_are_numbered_in_file_order_counting_bodiless_ones() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"### 0: no such operation, no body
GET https://graph.microsoft.com/v1.0/me HTTP/1.1
Accept: application/json

HTTP/1.1 200 OK
Content-Type: application/json

{"groupId": 5}
###
PATCH /beta%P%?$select=id
Content-Type: application/json

{
  "id": "a1",
  "groupId": "%G%"
}
HTTP/1.1 204 No Content

HTTP/1.1 200 OK
Content-Type: application/json

{"groupId": "%G%"}
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "exchanges.http", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            // The GET and the response that answers it: one warning, at the request; the
            // response's body not checked.
            ("unknown-operation", (2, 1), 0),
            ("read-only-field", (14, 3), 2),
            // A status line right after a request's body starts a new message.
            ("unexpected-status", (17, 1), 3),
            ("missing-required", (22, 1), 4),
        ])
    );
    assert_eq!(summary(&run.report()), (1, 5, 2, 2));
}

#[test]
fn http_tolerates_no_blank_line_before_a_body_and_blank_lines_after_a_status_line() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"PATCH %P%
Content-Type: application/json
{"groupId": "%G%"}
HTTP/1.1 200 OK


Content-Type: application/json; charset=utf-8
{
  "id": "a1",
  "groupId": "%G%"
}
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "tolerant.http", &text, 0);
    assert_eq!(found(&run), vec![]);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
}

#[test]
fn http_request_lines_with_or_without_version_host_api_version_and_query() {
    let t = TempDir::new().unwrap();
    let targets = [
        "%P%",
        "%P% HTTP/1.1",
        "https://graph.microsoft.com/v1.0%P%?$select=groupId HTTP/2",
        "https://graph.microsoft.com/beta/provisioningPolicies/{provisioningPoliciesId}/assignments/{ProvisionPolicyAssignmentItemId}",
        "/v1.0%P%",
        "/beta%P%?$expand=x",
    ];
    let mut text = String::new();
    for target in targets {
        text.push_str(&fill(&format!(
            "###\nPATCH {target}\nContent-Type: application/json\n\n{{\"id\": \"x\", \"groupId\": \"%G%\"}}\n"
        )));
    }
    // Routed to the PATCH operation: every body is checked as a request (read-only id), and a
    // warning alone exits 0.
    let run = lint(t.path(), "targets.http", &text, 0);
    let expect: Vec<(&str, (u64, u64), u64)> = (0..targets.len())
        .map(|i| ("read-only-field", pos_nth(&text, "\"id\"", i), i as u64))
        .collect();
    assert_eq!(found(&run), want(&expect));
    assert_eq!(
        severity_of(&run, "read-only-field"),
        vec!["warning"; targets.len()]
    );
}

#[test]
fn http_a_response_answers_the_nearest_request_before_it() {
    let t = TempDir::new().unwrap();
    // A response before any request has no operation: no status check, checked as a response.
    // After `GET /me`, a response is unknown-operation; after the PATCH, it is the PATCH's.
    let text = fill(
        r#"HTTP/1.1 201 Created
Content-Type: application/json

{"id": "a1", "groupId": "%G%"}
###
GET /me
###
HTTP/1.1 201 Created
###
PATCH %P%
Content-Type: application/json

{"groupId": "%G%"}
###
GET /me/drive
###
PATCH %P%
###
HTTP/1.1 201 Created
"#,
    );
    let run = lint(t.path(), "nearest.http", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            // The response at line 8 answers the GET at 6: reported there.
            ("unknown-operation", (6, 1), 1),
            ("unknown-operation", (15, 1), 4),
            ("unexpected-status", (19, 1), 6),
        ])
    );
    assert_eq!(payloads(&run), 7);
}

#[test]
fn http_content_type_rule() {
    let t = TempDir::new().unwrap();
    // (Content-Type header, fires)
    let cases: [(Option<&str>, bool); 10] = [
        (Some("text/plain"), true),
        (None, true),
        (Some("application/xml"), true),
        (Some("text/json"), true),
        (Some("application/x-www-form-urlencoded"), true),
        (Some("application/json"), false),
        (Some("application/json; charset=utf-8"), false),
        (Some("application/json;odata.metadata=minimal"), false),
        (Some("Application/JSON"), false),
        (Some("application/merge-patch+json"), false),
    ];
    let mut text = String::new();
    for (i, (content_type, _)) in cases.iter().enumerate() {
        text.push_str(&format!(
            "PATCH /provisioningPolicies/p{i}/assignments/a1\n"
        ));
        if let Some(ct) = content_type {
            text.push_str(&format!("Content-Type: {ct}\n"));
        }
        text.push_str(&fill("\n{\"groupId\": \"%G%\"}\n###\n"));
    }
    // Not fired: a request without a body, a response without Content-Type.
    text.push_str("PATCH /provisioningPolicies/p/assignments/nobody\n###\n");
    text.push_str(&fill(
        "HTTP/1.1 200 OK\n\n{\"id\": \"a1\", \"groupId\": \"%G%\"}\n",
    ));
    let run = lint_lf_and_crlf(t.path(), "content-type.http", &text, 1);
    let mut expect = Vec::new();
    for (i, (content_type, fires)) in cases.iter().enumerate() {
        if !fires {
            continue;
        }
        // A wrong type points at its header; a missing one at the request line.
        let at = match content_type {
            Some(ct) => pos(&text, &format!("Content-Type: {ct}\n")),
            None => pos(&text, &format!("PATCH /provisioningPolicies/p{i}/")),
        };
        expect.push(("content-type", at, i as u64));
    }
    assert_eq!(found(&run), want(&expect));
    assert_eq!(severity_of(&run, "content-type"), vec!["error"; 5]);
    assert_eq!(payloads(&run), cases.len() as u64 + 2);
}

#[test]
fn http_content_length_rule_accepts_lf_or_crlf_length() {
    let t = TempDir::new().unwrap();
    let body = fill("{\n  \"groupId\": \"%G%\"\n}");
    let lf = body.len();
    let crlf_len = lf + 2;
    // (Content-Length, fires)
    let cases = [
        (lf.to_string(), false),
        (crlf_len.to_string(), false),
        ((lf + 1).to_string(), true),
        ((lf - 1).to_string(), true),
        ("50".to_string(), true),
        ("abc".to_string(), true),
    ];
    let mut text = String::new();
    for (value, _) in &cases {
        text.push_str(&fill(&format!(
            "PATCH %P%\nContent-Type: application/json\nContent-Length: {value}\n\n{body}\n###\n"
        )));
    }
    // Bodiless responses to the last PATCH: 0 is right, 10 is not.
    text.push_str("HTTP/1.1 200 OK\nContent-Length: 0\n###\nHTTP/1.1 200 OK\nContent-Length: 10\n");
    let run = lint_lf_and_crlf(t.path(), "content-length.http", &text, 0);
    let mut expect = Vec::new();
    for (i, (value, fires)) in cases.iter().enumerate() {
        if *fires {
            expect.push((
                "content-length-mismatch",
                pos(&text, &format!("Content-Length: {value}\n")),
                i as u64,
            ));
        }
    }
    let n = cases.len() as u64;
    expect.push((
        "content-length-mismatch",
        pos(&text, "Content-Length: 10\n"),
        n + 1,
    ));
    assert_eq!(found(&run), want(&expect));
    assert!(severity_of(&run, "content-length-mismatch")
        .iter()
        .all(|s| s == "warning"));
    let message = &run.diags()[0].message;
    assert!(
        message.contains(&lf.to_string()) && message.contains(&crlf_len.to_string()),
        "{message}"
    );
}

#[test]
fn http_content_length_of_a_one_line_body() {
    let t = TempDir::new().unwrap();
    let text = fill(
        "PATCH %P%\nContent-Type: application/json\nContent-Length: 10\n\n{\"groupId\": \"%G%\"}\n",
    );
    let run = lint(t.path(), "cl.http", &text, 0);
    assert_eq!(found(&run), want(&[("content-length-mismatch", (3, 1), 0)]));
    let ok = text.replace(
        "Content-Length: 10",
        &format!("Content-Length: {}", fill("{\"groupId\": \"%G%\"}").len()),
    );
    let run = lint(t.path(), "cl-ok.http", &ok, 0);
    assert_eq!(found(&run), vec![]);
}

#[test]
fn http_unexpected_status_rule() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"PATCH %P%
Content-Type: application/json

{"groupId": "%G%"}

HTTP/1.1 200 OK
Content-Type: application/json

{"id": "a1", "groupId": "%G%"}
###
HTTP/1.1 200
Content-Type: application/json

{"id": "a1", "groupId": "%G%"}
###
HTTP/2 200
###
HTTP/1.1 201 Created
###
HTTP/1.1 204 No Content
###
HTTP/1.1 404 Not Found
Content-Type: text/html

<html><body>not found</body></html>
###
HTTP/1.1 500 Internal Server Error
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "status.http", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("unexpected-status", pos(&text, "HTTP/1.1 201"), 4),
            ("unexpected-status", pos(&text, "HTTP/1.1 204"), 5),
            // An HTML body is not checked; the status is.
            ("unexpected-status", pos(&text, "HTTP/1.1 404"), 6),
            ("unexpected-status", pos(&text, "HTTP/1.1 500"), 7),
        ])
    );
    assert_eq!(severity_of(&run, "unexpected-status"), vec!["error"; 4]);
    let d = &run.diags()[0];
    assert!(d.message.contains("201"), "{}", d.message);
    assert_eq!(payloads(&run), 8);
}

#[test]
fn http_patch_request_bodies_need_group_id_and_must_not_set_id() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r##"PATCH %P%
Content-Type: application/json

{
  "@odata.type": "#microsoft.graph.ProvisionPolicyAssignmentItem"
}
###
PATCH %P%
Content-Type: application/json

{
  "id": "a1",
  "groupId": "%G%"
}
###
PATCH %P%
Content-Type: application/json

{"groupId": "%G%"}
###
PATCH %P%
Content-Type: application/json

{"groupID": "%G%"}
"##,
    );
    let run = lint_lf_and_crlf(t.path(), "patch.http", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("missing-required", (4, 1), 0),
            ("read-only-field", (12, 3), 1),
            ("missing-required", (24, 1), 3),
            ("unknown-field", (24, 2), 3),
        ])
    );
    let d = run.diags();
    assert_eq!(d[0].pointer, "/groupId");
    assert_eq!(d[0].direction.as_deref(), Some("request"));
    assert_eq!(d[1].pointer, "/id");
    assert_eq!(d[1].severity, "warning");
}

#[test]
fn http_200_responses_need_id_and_group_id() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"PATCH %P%
Content-Type: application/json

{"groupId": "%G%"}
###
HTTP/1.1 200 OK
Content-Type: application/json

{}
###
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "a1"}
###
HTTP/1.1 200 OK
Content-Type: application/json

{"groupId": "%G%"}
###
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "a1", "groupId": "%G%"}
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "responses.http", &text, 1);
    let got: Vec<(String, u64, u64, String)> = run
        .diags()
        .into_iter()
        .map(|d| (d.rule, d.line, d.payload, d.pointer))
        .collect();
    let expect = [
        ("missing-required", 9, 1, "/groupId"),
        ("missing-required", 9, 1, "/id"),
        ("missing-required", 14, 2, "/groupId"),
        ("missing-required", 19, 3, "/id"),
    ]
    .map(|(r, l, p, ptr)| (r.to_string(), l, p, ptr.to_string()));
    let mut got_sorted = got.clone();
    got_sorted.sort();
    assert_eq!(got_sorted, expect);
    assert!(run
        .diags()
        .iter()
        .all(|d| d.direction.as_deref() == Some("response")));
    // No read-only-field for an id in a response.
    assert!(!run.rules().contains(&"read-only-field".to_string()));
}

#[test]
fn http_headers_without_a_request_line_are_one_finding_and_the_rest_is_checked() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"Content-Type: application/json
Accept: */*

{"groupId": "orphan"}
###
PATCH %P%
Content-Type: application/json

{"groupId": 5}
###
this is not a request line
neither is this
###
HTTP/1.1 200 OK
Content-Type: application/json

{"id": "a1"}
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "orphans.http", &text, 1);
    assert_eq!(
        places(&run),
        [
            ("invalid-http", (1, 1)),
            ("type-mismatch", pos(&text, "\"groupId\": 5")),
            ("invalid-http", (11, 1)),
            ("missing-required", (17, 1)),
        ]
        .map(|(r, (l, c))| (r.to_string(), l, c))
    );
    // The messages are numbered without the unreadable parts.
    let d = run.diags();
    assert_eq!((d[1].payload, d[3].payload), (0, 1));
    assert_eq!(d[3].pointer, "/groupId");
    assert_eq!(payloads(&run), 2);
    assert!(d[0].message.contains("headers without a request line"));
}

#[test]
fn http_invalid_json_body_is_found_in_the_file_and_later_messages_are_checked() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"PATCH %P%
Content-Type: application/json

{
  "groupId": "%G%",
}
###
PATCH %P%
Content-Type: application/json

{"id": "a1", "groupId": "%G%"}
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "broken.http", &text, 1);
    assert_eq!(
        found(&run),
        want(&[("invalid-json", (6, 1), 0), ("read-only-field", (11, 2), 1),])
    );
}

// ---------------------------------------------------------------------------------------------
// .md API docs
// ---------------------------------------------------------------------------------------------

const SEED: &str = "corpus/docs/update-provisionpolicyassignmentitem.md";

fn seed() -> String {
    std::fs::read_to_string(root().join(SEED)).unwrap()
}

#[test]
fn the_seed_doc_lints_clean_as_lf_and_as_crlf() {
    let run = json(&[SEED], 0);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
    let text = seed();
    assert!(text.contains("Content-length: 95\n"));
    assert!(!text.contains('\r'));
    let t = TempDir::new().unwrap();
    let run = lint(t.path(), "seed-crlf.md", crlf(&text), 0);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
    // 92 (the LF length) is accepted too.
    let run = lint(
        t.path(),
        "seed-92.md",
        text.replace("Content-length: 95", "Content-length: 92"),
        0,
    );
    assert_eq!(found(&run), vec![]);
}

#[test]
fn the_seed_doc_with_a_wrong_content_length_gives_content_length_mismatch() {
    let t = TempDir::new().unwrap();
    let text = seed().replace("Content-length: 95", "Content-length: 50");
    let at = pos(&text, "Content-length: 50");
    for (name, text) in [("lf.md", text.clone()), ("crlf.md", crlf(&text))] {
        let run = lint(t.path(), name, &text, 0);
        assert_eq!(
            found(&run),
            want(&[("content-length-mismatch", at, 0)]),
            "{name}"
        );
        let d = &run.diags()[0];
        assert_eq!(d.severity, "warning");
        assert!(
            d.message.contains("92") && d.message.contains("95"),
            "{}",
            d.message
        );
    }
}

#[test]
fn the_invalid_doc_corpus_file_exactly() {
    let run = json(&["corpus/docs/invalid-update-example.md"], 1);
    let got: Vec<(String, u64, u64, String)> = run
        .diags()
        .into_iter()
        .map(|d| (d.rule, d.line, d.column, d.pointer))
        .collect();
    let expect = [
        ("missing-required", 13, 1, "/groupId"),
        ("wrong-odata-type", 14, 3, "/@odata.type"),
        ("unknown-field", 15, 3, "/groupID"),
        ("invalid-markdown", 23, 1, ""),
    ]
    .map(|(r, l, c, p)| (r.to_string(), l, c, p.to_string()));
    assert_eq!(got, expect);
    // The response's annotation has a trailing comma, which apidoctor reads: a warning, and
    // the response is read.
    assert_eq!(run.diags()[3].severity, "warning");
    assert_eq!(payloads(&run), 2);
}

#[test]
fn md_examples_are_annotated_blocks_numbered_in_order_at_lines_of_the_doc() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"# Examples

```http
PATCH %P%

{"nope": 1}
```

<!-- { "blockType": "ignored" } -->
```http
PATCH /me

{"nope": 1}
```

<!-- { "blockType": "request", "name": "update" } -->
```http
PATCH https://graph.microsoft.com/v1.0%P%
Content-Type: application/json

{
  "id": "a1",
  "groupId": "%G%"
}
```

<!-- {
  "blockType": "response",
  "truncated": true
} -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{"groupId": "%G%", "extra": true}
```

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 201 Created
```

<!-- { "blockType": "response" } -->
``` http
HTTP/1.1 200 OK
Content-Type: application/json

{"groupId": "%G%"}
```

<!-- { "blockType": "request" } -->

Prose between the annotation and the block: not an example.

```http
PATCH /me

{"nope": 1}
```
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "doc.md", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            // A block without an annotation that holds a message with a body is an example
            // too (Graph's Intune pages annotate only their syntax blocks).
            ("content-type", (4, 1), 0),
            ("missing-required", (6, 1), 0),
            ("unknown-field", (6, 2), 0),
            ("read-only-field", (22, 3), 1),
            // Truncated: no missing-required for `id`, but other checks still run.
            ("unknown-field", pos(&text, "\"extra\""), 2),
            ("unexpected-status", (40, 1), 3),
            ("missing-required", (48, 1), 4),
            // An annotation that does not stand right before its block does not apply: the
            // block is read as an example without one.
            ("unknown-operation", (56, 1), 5),
            ("content-type", (56, 1), 5),
        ])
    );
    assert_eq!(run.diags()[6].pointer, "/id");
    assert_eq!(payloads(&run), 6);
}

#[test]
fn md_json_blocks_take_their_direction_from_the_annotation() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"<!-- { "blockType": "response" } -->
```json
{"groupId": "%G%"}
```

<!-- { "blockType": "response", "truncated": true } -->
```json
{"groupId": "%G%"}
```

<!-- { "blockType": "request" } -->
```json
{"id": "a1"}
```
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "json-blocks.md", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("missing-required", (3, 1), 0),
            ("missing-required", (13, 1), 2),
            ("read-only-field", (13, 2), 2),
        ])
    );
    let d = run.diags();
    assert_eq!(
        (d[0].pointer.as_str(), d[0].direction.as_deref()),
        ("/id", Some("response"))
    );
    assert_eq!(
        (d[1].pointer.as_str(), d[1].direction.as_deref()),
        ("/groupId", Some("request"))
    );
    assert_eq!(payloads(&run), 3);
}

#[test]
fn md_json_response_after_a_json_request_is_checked() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"<!-- { "blockType": "request" } -->
```json
{"groupId": "%G%"}
```

<!-- { "blockType": "response" } -->
```json
{"groupId": "%G%"}
```
"#,
    );
    let run = lint(t.path(), "pair.md", &text, 1);
    assert_eq!(found(&run), want(&[("missing-required", (8, 1), 1)]));
}

#[test]
fn md_malformed_annotations_are_findings_and_the_rest_of_the_doc_is_checked() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"# Bad annotations

<!-- { "blockType": "request", } -->
```http
PATCH %P%

{"groupId": 5}
```

<!-- { "blockType": ["request"] } -->
```http
PATCH %P%

{"groupId": 6}
```

<!-- { "blockType": "request" } -->
```http
PATCH %P%
Content-Type: application/json

{"groupId": 7}
```

<!-- { "blockType": "request" } -->
```http
PATCH %P%
Content-Type: application/json

{"id": "x", "groupId": "%G%"}
"#,
    );
    let run = lint_lf_and_crlf(t.path(), "bad.md", &text, 1);
    assert_eq!(
        places(&run),
        [
            // A trailing comma apidoctor reads: a warning, and the block is read.
            ("invalid-markdown", pos(&text, "} -->")),
            ("content-type", (5, 1)),
            ("type-mismatch", pos(&text, "\"groupId\": 5")),
            ("invalid-markdown", pos(&text, "[\"request\"]")),
            ("type-mismatch", pos(&text, "\"groupId\": 7")),
            // A fence never closed: a finding at its opening line; the block is still read.
            ("invalid-markdown", (26, 1)),
            ("read-only-field", pos(&text, "\"id\": \"x\"")),
        ]
        .map(|(r, (l, c))| (r.to_string(), l, c))
    );
    let d = run.diags();
    assert_eq!((d[2].payload, d[4].payload), (0, 1));
    assert!(d.iter().all(|d| d.rule != "internal-error"));
    assert_eq!(payloads(&run), 3);
}

#[test]
fn md_an_unterminated_annotation_comment_is_a_finding() {
    let t = TempDir::new().unwrap();
    let text = fill(
        "<!-- { \"blockType\": \"request\" }\n```http\nPATCH %P%\nContent-Type: application/json\n\n{\"groupId\": 5}\n```\n",
    );
    let run = lint(t.path(), "unterminated.md", &text, 1);
    assert_eq!(places(&run)[0], ("invalid-markdown".to_string(), 1, 1));
}

#[test]
fn md_examples_inside_list_items_are_read() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"# Steps

1. Send the request:

   <!-- { "blockType": "request" } -->
   ```http
   PATCH %P%
   Content-Type: application/json

   {"groupId": "%G%"}
   ```
"#,
    );
    let run = lint(t.path(), "list.md", &text, 0);
    assert_eq!(found(&run), vec![]);
    assert_eq!(payloads(&run), 1);
}

// ---------------------------------------------------------------------------------------------
// .har captures
// ---------------------------------------------------------------------------------------------

#[test]
fn har_corpus_files() {
    let run = json(&["corpus/har/update-assignment.har"], 0);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
    let path = "corpus/har/invalid-groupID-in-request.har";
    let run = json(&[path], 1);
    assert_eq!(
        found(&run),
        want(&[
            // At the body's `{` and at `\"groupID\"`, inside the `text` string.
            ("missing-required", (47, 22), 0),
            ("unknown-field", (47, 92), 0)
        ])
    );
    let d = run.diags();
    assert_eq!(d[0].direction.as_deref(), Some("request"));
    assert_eq!(d[1].pointer, "/groupID");
}

fn multi_entry_har() -> String {
    let b64 = "eyJpZCI6ICJhIiwgImdyb3VwSWQiOiA1fQ=="; // {"id": "a", "groupId": 5}
    fill(
        r#"{
  "log": {
    "version": "1.2",
    "entries": [
      {
        "request": {"method": "GET", "url": "https://graph.microsoft.com/v1.0/me", "headers": []},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "{\"x\": 1}"}}
      },
      {
        "request": {
          "method": "PATCH",
          "url": "https://graph.microsoft.com/beta%P%?$select=id",
          "headers": [{"name": "Content-Length", "value": "3"}],
          "postData": {"mimeType": "application/json", "text": "{\"groupId\": \"%G%\", \"id\": \"a\"}"}
        },
        "response": {
          "status": 200,
          "headers": [{"name": "Content-Type", "value": "application/json"}],
          "content": {"mimeType": "application/json", "encoding": "base64", "text": "B64"}
        }
      },
      {
        "request": {"method": "PATCH", "url": "%P%", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"text": "{\"groupId\": \"%G%\"}"}},
        "response": {"status": 500, "headers": [{"name": "Content-Type", "value": "text/html"}], "content": {"mimeType": "text/html", "text": "<html>"}}
      },
      {
        "request": {"method": "PATCH", "url": "%P%", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"mimeType": "application/json", "encoding": "base64", "text": "eyJncm91cElkIjogN30="}},
        "response": {"status": 200, "headers": [], "content": {"size": 0}}
      }
    ]
  }
}
"#,
    )
    .replace("B64", b64)
}

#[test]
fn har_entries_are_two_payloads_and_body_findings_point_at_the_text_field() {
    let t = TempDir::new().unwrap();
    let text = multi_entry_har();
    let run = lint_lf_and_crlf(t.path(), "multi.har", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            // GET /me: one warning, at the request; the response body not checked.
            ("unknown-operation", pos_nth(&text, "\"request\"", 0), 0),
            // No Content-Type among the request's headers.
            ("content-type", pos_nth(&text, "\"request\"", 1), 2),
            (
                "content-length-mismatch",
                pos(&text, "{\"name\": \"Content-Length\""),
                2
            ),
            ("read-only-field", pos(&text, "\\\"id\\\": \\\"a\\\""), 2),
            // base64 decoded, the finding at the encoded text.
            ("type-mismatch", text_field(&text, 2), 3),
            // An HTML error page: status checked, body not.
            ("unexpected-status", pos_nth(&text, "\"response\"", 2), 5),
            // A base64 request body; a response with no body.
            ("type-mismatch", text_field(&text, 5), 6),
        ])
    );
    assert_eq!(summary(&run.report()), (1, 8, 4, 3));
    let d = run.diags();
    assert_eq!(d[4].pointer, "/groupId");
    assert_eq!(d[4].direction.as_deref(), Some("response"));
}

#[test]
fn har_bad_base64_is_invalid_har_at_the_text_field() {
    let t = TempDir::new().unwrap();
    let good = "eyJpZCI6ICJhIiwgImdyb3VwSWQiOiA1fQ==";
    let text = multi_entry_har().replace(good, "not base64!");
    let run = lint(t.path(), "bad64.har", &text, 1);
    let d = run.diags();
    let bad: Vec<&Diag> = d.iter().filter(|d| d.rule == "invalid-har").collect();
    assert_eq!(bad.len(), 1, "{d:?}");
    assert_eq!((bad[0].line, bad[0].column), text_field(&text, 2));
    assert_eq!(bad[0].payload, 3);
    assert_eq!(bad[0].pointer, "/log/entries/1/response/content/text");
    assert!(bad[0].message.contains("base64"), "{}", bad[0].message);
    assert!(!d
        .iter()
        .any(|d| d.rule == "type-mismatch" && d.payload == 3));
    assert_eq!(payloads(&run), 8);

    // Valid base64 of bytes that are not UTF-8 text.
    let text = multi_entry_har().replace(good, "/+7d");
    let run = lint(t.path(), "notutf8.har", &text, 1);
    let d = run.diags();
    let bad: Vec<&Diag> = d.iter().filter(|d| d.rule == "invalid-har").collect();
    assert_eq!(bad.len(), 1, "{d:?}");
    assert_eq!((bad[0].line, bad[0].column), text_field(&text, 2));
    assert_eq!(bad[0].payload, 3);
}

#[test]
fn har_malformed_captures_are_findings_not_crashes() {
    let t = TempDir::new().unwrap();
    // (file, text, rule of the first finding, its pointer, payloads)
    let cases: [(&str, &str, &str, &str, u64); 7] = [
        ("empty.har", "", "invalid-json", "", 0),
        (
            "truncated.har",
            r#"{"log": {"entries": [{"request": {"method": "PATCH""#,
            "invalid-json",
            "",
            0,
        ),
        ("prose.har", "this is not a capture", "invalid-json", "", 0),
        ("array.har", "[1, 2]", "invalid-har", "", 0),
        ("nolog.har", r#"{"entries": []}"#, "invalid-har", "/log", 0),
        (
            "entries.har",
            r#"{"log": {"entries": {}}}"#,
            "invalid-har",
            "/log/entries",
            0,
        ),
        (
            "fields.har",
            r#"{"log": {"entries": [{"request": {"url": "/x", "headers": {}}, "response": {"status": "200"}}, "not an entry"]}}"#,
            "invalid-har",
            "/log/entries/0/request/method",
            4,
        ),
    ];
    for (name, text, rule, pointer, n) in cases {
        let run = lint(t.path(), name, text, 1);
        let d = run.diags();
        assert!(!d.is_empty(), "{name}");
        assert_eq!(
            (d[0].rule.as_str(), d[0].pointer.as_str()),
            (rule, pointer),
            "{name}: {d:?}"
        );
        assert!(d.iter().all(|d| d.rule != "internal-error"), "{name}");
        assert_eq!(payloads(&run), n, "{name}");
    }
}

#[test]
fn har_mistyped_fields_point_where_they_are() {
    let t = TempDir::new().unwrap();
    let text = r#"{"log": {"entries": [
  {"request": {"url": "/x", "headers": {"Accept": "*/*"}},
   "response": {"status": "200", "headers": [{"name": "A"}]}}
]}}"#;
    let run = lint(t.path(), "mistyped.har", text, 1);
    let got: Vec<(String, (u64, u64), u64, String)> = run
        .diags()
        .into_iter()
        .map(|d| (d.rule, (d.line, d.column), d.payload, d.pointer))
        .collect();
    let expect = [
        (
            "invalid-har",
            pos(text, "\"request\""),
            0,
            "/log/entries/0/request/method",
        ),
        (
            "invalid-har",
            pos(text, "{\"Accept\""),
            0,
            "/log/entries/0/request/headers",
        ),
        (
            "invalid-har",
            pos(text, "\"200\""),
            1,
            "/log/entries/0/response/status",
        ),
        (
            "invalid-har",
            pos(text, "{\"name\": \"A\"}"),
            1,
            "/log/entries/0/response/headers/0",
        ),
    ]
    .map(|(r, at, p, ptr)| (r.to_string(), at, p, ptr.to_string()));
    assert_eq!(got, expect);
}

#[test]
fn har_a_missing_response_is_a_finding_on_that_response() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"{"log": {"entries": [
  {"request": {"method": "PATCH", "url": "%P%", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"text": "{\"groupId\": \"%G%\"}"}},
   "response": {"status": 200, "headers": [], "content": {"text": "{\"id\": \"a\", \"groupId\": \"%G%\"}"}}},
  {"request": {"method": "PATCH", "url": "%P%", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"text": "{\"groupId\": \"%G%\"}"}}}
]}}"#,
    );
    let run = lint(t.path(), "noresponse.har", &text, 1);
    let d = run.diags();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "invalid-har");
    assert_eq!(d[0].pointer, "/log/entries/1/response");
    assert_eq!(d[0].direction.as_deref(), Some("response"));
    assert_eq!(d[0].payload, 3);
}

#[test]
fn har_findings_in_a_response_written_before_its_request_belong_to_the_response() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"{"log": {"entries": [
  {"response": {"status": 200, "headers": [], "content": {"encoding": "base64", "text": "!!!"}},
   "request": {"method": "PATCH", "url": "%P%", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"text": "{\"groupId\": \"%G%\"}"}}}
]}}"#,
    );
    let run = lint(t.path(), "order.har", &text, 1);
    let d = run.diags();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "invalid-har");
    assert_eq!(d[0].direction.as_deref(), Some("response"));
    assert_eq!(d[0].payload, 1);
}

// ---------------------------------------------------------------------------------------------
// NDJSON streams and stdin
// ---------------------------------------------------------------------------------------------

#[test]
fn ndjson_corpus_stream_exactly() {
    let run = json(&["corpus/ndjson/captures.ndjson"], 1);
    assert_eq!(
        found(&run),
        want(&[
            ("missing-required", (2, 160), 1),
            ("unknown-field", (2, 161), 1),
            ("type-mismatch", (3, 112), 2),
            ("invalid-json", (5, 52), 3),
        ])
    );
    // Five lines, one blank: four payloads.
    assert_eq!(summary(&run.report()), (1, 4, 4, 0));
}

fn stream_text() -> String {
    fill(
        r#"
{"groupId": "%G%"}

{"method": "GET", "url": "/me", "body": {"groupId": 5}}
{"method": "patch", "url": "https://graph.microsoft.com/v1.0%P%?x=1", "headers": {"Content-Type": "text/plain", "Content-Length": "3"}, "body": {"groupId": "%G%", "id": "z"}}
   
{"method": "PATCH", "url": "%P%", "status": 201, "body": "{\"id\": \"a\"}"}
{"method": 1, "url": "%P%", "status": 999}
{"groupId": 
"#,
    )
}

fn stream_expect(text: &str) -> Vec<Found> {
    let line5 = text.lines().nth(4).unwrap();
    let col = |needle: &str| line5.find(needle).unwrap() as u64 + 1;
    let line8 = text.lines().nth(7).unwrap();
    want(&[
        ("unknown-operation", (4, 1), 1),
        ("content-type", (5, col("\"Content-Type\"")), 2),
        ("content-length-mismatch", (5, col("\"Content-Length\"")), 2),
        ("read-only-field", (5, col("\"id\"")), 2),
        ("unexpected-status", (7, 1), 3),
        ("invalid-exchange", (8, 2), 4),
        (
            "invalid-exchange",
            (8, line8.find("\"status\"").unwrap() as u64 + 1),
            4,
        ),
        ("invalid-json", (9, 13), 5),
    ])
}

#[test]
fn ndjson_lines_are_payloads_numbered_without_blank_lines() {
    let t = TempDir::new().unwrap();
    let text = stream_text();
    let run = lint(t.path(), "stream.ndjson", &text, 1);
    assert_eq!(found(&run), stream_expect(&text));
    assert_eq!(summary(&run.report()), (1, 6, 5, 3));
    // .jsonl and CRLF line ends: the same.
    let run = lint(t.path(), "stream.jsonl", crlf(&text), 1);
    assert_eq!(found(&run), stream_expect(&text));
    assert_eq!(summary(&run.report()), (1, 6, 5, 3));
}

#[test]
fn ndjson_on_stdin_is_the_same_as_a_file() {
    let t = TempDir::new().unwrap();
    let text = stream_text();
    let run = run_stdin(t.path(), &["-", "--format", "json"], text.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(found(&run), stream_expect(&text));
    assert!(run.diags().iter().all(|d| d.file == "-"));
    assert_eq!(summary(&run.report()), (1, 6, 5, 3));

    let run = run_stdin(t.path(), &["-", "--format", "json"], crlf(&text).as_bytes());
    assert_eq!(run.code, 1);
    assert_eq!(found(&run), stream_expect(&text));

    // A clean stream exits 0; an empty one is nothing checked (2), unless allowed.
    let clean = fill("{\"groupId\": \"%G%\"}\n\n{\"method\": \"PATCH\", \"url\": \"%P%\", \"status\": 200, \"body\": {\"id\": \"a\", \"groupId\": \"%G%\"}}\n");
    let run = run_stdin(t.path(), &["-", "--format", "json"], clean.as_bytes());
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(summary(&run.report()), (1, 2, 0, 0));
    let run = run_stdin(t.path(), &["-", "--format", "json"], b"\n\n");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("paylint: nothing checked in standard input: 1 file, no payload in it"),
        "{}",
        run.stderr
    );
    let allowed = ["-", "--format", "json", "--allow-empty"];
    let run = run_stdin(t.path(), &allowed, b"");
    assert_eq!(run.code, 0);
    assert_eq!(summary(&run.report()), (1, 0, 0, 0));

    // Stdin among files: reported in command-line order.
    write(t.path(), "a.ndjson", "{\"groupId\": 1}\n");
    let run = run_stdin(
        t.path(),
        &["a.ndjson", "-", "--format", "json"],
        b"\n{\"groupId\": 2}\n",
    );
    assert_eq!(run.code, 1);
    let got: Vec<(String, u64, u64)> = run
        .diags()
        .into_iter()
        .map(|d| (d.file, d.line, d.payload))
        .collect();
    assert_eq!(
        got,
        vec![("a.ndjson".to_string(), 1, 0), ("-".to_string(), 2, 0)]
    );
}

#[test]
fn ndjson_bodies_held_in_strings_point_inside_the_string() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"{"method": "PATCH", "url": "%P%", "headers": {"Content-Type": "application/json"}, "body": "{\"groupId\": 5}"}
{"method": "PATCH", "url": "%P%", "headers": {"Content-Type": "application/json"}, "body": "{not json"}
{"method": "PATCH", "url": "%P%", "headers": {"Content-Type": "application/json"}, "body": ""}
{"method": "PATCH", "url": "%P%", "headers": {"Content-Type": "application/json"}, "body": null}
"#,
    );
    // Past the string's `"` and the body's first character (`\"` of `groupId`, `n` of `not`).
    let col = |line: usize| text.lines().nth(line).unwrap().find("\"body\": ").unwrap() as u64 + 11;
    let run = lint(t.path(), "strings.ndjson", &text, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("type-mismatch", (1, col(0)), 0),
            ("invalid-json", (2, col(1)), 1),
        ])
    );
    assert_eq!(payloads(&run), 4);
}

#[test]
fn ndjson_truncated_responses_need_no_required_properties() {
    let t = TempDir::new().unwrap();
    let text = fill(
        r#"{"method": "PATCH", "url": "%P%", "status": 200, "truncated": true, "body": {"groupId": "%G%"}}
{"method": "PATCH", "url": "%P%", "status": 200, "body": {"groupId": "%G%"}}
{"method": "PATCH", "url": "%P%", "status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}], "body": {"id": "a", "groupId": "%G%"}}
"#,
    );
    let run = lint(t.path(), "truncated.ndjson", &text, 1);
    let line2 = text.lines().nth(1).unwrap();
    assert_eq!(
        found(&run),
        want(&[(
            "missing-required",
            (2, line2.find("{\"groupId\"").unwrap() as u64 + 1),
            1
        )])
    );
    assert_eq!(run.diags()[0].pointer, "/id");
}

#[test]
fn ndjson_a_long_stream_keeps_line_numbers_and_payload_indexes() {
    let t = TempDir::new().unwrap();
    let good = fill("{\"groupId\": \"%G%\"}");
    let mut text = String::new();
    let mut expect = Vec::new();
    let mut index = 0u64;
    for line in 1..=3000u64 {
        if line % 100 == 0 {
            text.push('\n');
            continue;
        }
        if line % 997 == 0 {
            text.push_str("{\"groupId\": 1}\n");
            expect.push(("type-mismatch".to_string(), line, 2, index));
        } else {
            text.push_str(&good);
            text.push('\n');
        }
        index += 1;
    }
    let run = lint(t.path(), "long.ndjson", &text, 1);
    assert_eq!(found(&run), expect);
    assert_eq!(summary(&run.report()), (1, index, 3, 0));
    let run = run_stdin(t.path(), &["-", "--format", "json"], text.as_bytes());
    assert_eq!(found(&run), expect);
    assert_eq!(summary(&run.report()), (1, index, 3, 0));
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

#[test]
fn routing_by_method_and_path_template() {
    let t = TempDir::new().unwrap();
    // (method, url, routed to the PATCH operation)
    let cases = [
        ("PATCH", "%P%", true),
        ("patch", "%P%", true),
        ("PATCH", "https://graph.microsoft.com/v1.0%P%", true),
        (
            "PATCH",
            "https://graph.microsoft.com/beta%P%?$filter=a/b/c",
            true,
        ),
        ("PATCH", "http://localhost:8080/v1.0%P%", true),
        ("PATCH", "/beta%P%", true),
        ("PATCH", "/v1.0%P%?$select=id", true),
        ("PATCH", "/provisioningPolicies/p%2F1/assignments/a1", true),
        (
            "PATCH",
            "/provisioningPolicies/{id}/assignments/{id2}",
            true,
        ),
        ("GET", "%P%", false),
        ("DELETE", "%P%", false),
        ("PATCH", "/provisioningPolicies/p1/assignments", false),
        ("PATCH", "%P%/extra", false),
        ("PATCH", "/provisioningPolicies/p1/x/assignments/a1", false),
        ("PATCH", "/v2.0%P%", false),
        ("PATCH", "https://graph.microsoft.com/api%P%", false),
        ("PATCH", "/me", false),
    ];
    let mut text = String::new();
    for (method, url, _) in &cases {
        text.push_str(&fill(&format!(
            "{{\"method\": \"{method}\", \"url\": \"{url}\", \"body\": {{\"groupId\": 5}}}}\n"
        )));
    }
    let run = lint(t.path(), "routes.ndjson", &text, 1);
    let got: Vec<(String, u64)> = run
        .diags()
        .into_iter()
        .map(|d| (d.rule, d.payload))
        .collect();
    let expect: Vec<(String, u64)> = cases
        .iter()
        .enumerate()
        .map(|(i, (_, _, routed))| {
            let rule = if *routed {
                "type-mismatch"
            } else {
                "unknown-operation"
            };
            (rule.to_string(), i as u64)
        })
        .collect();
    assert_eq!(got, expect);
    for d in run.diags().iter().filter(|d| d.rule == "unknown-operation") {
        assert_eq!((d.column, d.severity.as_str()), (1, "warning"));
        assert!(d
            .message
            .contains("PATCH /provisioningPolicies/{provisioningPoliciesId}"));
    }
}

#[test]
fn an_unknown_operation_is_one_warning_and_the_checks_that_need_no_route_still_run() {
    let t = TempDir::new().unwrap();
    let dir = t.path();
    // The envelope is checked whatever the route: a wrong length is still wrong. A body that
    // is not JSON under `text/plain` is an upload, not a JSON body: no syntax finding.
    let http = "POST /me/sendMail\nContent-Type: text/plain\nContent-Length: 1\n\n{\"groupId\": 5, \"id\": 1,}\n";
    let run = lint(dir, "u.http", http, 0);
    assert_eq!(
        found(&run),
        want(&[
            ("unknown-operation", (1, 1), 0),
            ("content-length-mismatch", (3, 1), 0)
        ])
    );

    // A JSON body needs its Content-Type, routed or not.
    let md = "<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /me/sendMail\n\n{\"groupId\": 5}\n```\n";
    let run = lint(dir, "u.md", md, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("unknown-operation", (3, 1), 0),
            ("content-type", (3, 1), 0)
        ])
    );

    let har = r#"{"log": {"entries": [{"request": {"method": "POST", "url": "https://graph.microsoft.com/v1.0/me/sendMail", "headers": [], "postData": {"text": "{\"groupId\": 5}"}}, "response": {"status": 202, "headers": []}}]}}"#;
    let run = lint(dir, "u.har", har, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("unknown-operation", pos(har, "\"request\""), 0),
            ("content-type", pos(har, "\"request\""), 0),
        ])
    );

    // JSON sent as `text/plain` is a mislabelled JSON body.
    let ndjson = "{\"method\": \"POST\", \"url\": \"/me/sendMail\", \"headers\": {\"Content-Type\": \"text/plain\"}, \"body\": {\"groupId\": 5}}\n";
    let run = lint(dir, "u.ndjson", ndjson, 1);
    assert_eq!(
        found(&run),
        want(&[
            ("unknown-operation", (1, 1), 0),
            ("content-type", pos(ndjson, "\"Content-Type\""), 0)
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed input: findings, never a crash
// ---------------------------------------------------------------------------------------------

#[test]
fn malformed_inputs_of_every_format_exit_1_with_findings() {
    let t = TempDir::new().unwrap();
    let deep = format!(
        "PATCH {PATH}\nContent-Type: application/json\n\n{}\n",
        "[".repeat(50_000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("binary.http", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff".to_vec()),
        ("latin1.http", b"PATCH /x\n\n{\"a\": \"caf\xe9\"}\n".to_vec()),
        ("prose.http", b"just some words\nand more\n".to_vec()),
        ("orphan.http", b"Content-Type: application/json\n".to_vec()),
        ("deep.http", deep.into_bytes()),
        ("unbalanced.http", fill("PATCH %P%\nContent-Type: application/json\n\n{\"groupId\": \"%G%\"\n").into_bytes()),
        ("binary.md", b"\x00\x01\x02\xff".to_vec()),
        ("annotation.md", b"<!-- {\"blockType\": } -->\n```http\nPATCH /x\n```\n".to_vec()),
        ("unclosed.md", b"<!-- {\"blockType\": \"request\"} -->\n```http\nPATCH /x\n".to_vec()),
        ("garbage.md", b"<!-- {\"blockType\": \"request\"} -->\n```http\n}}}{{{\n```\n".to_vec()),
        ("binary.har", b"\xff\xfe\x00{".to_vec()),
        ("deep.har", "[".repeat(50_000).into_bytes()),
        ("entry.har", br#"{"log": {"entries": [1, "two", null]}}"#.to_vec()),
        ("binary.ndjson", b"\x00\x00\n".to_vec()),
        ("broken.ndjson", b"{\"a\":\n[[[\n}\n".to_vec()),
        ("deep.ndjson", "[".repeat(50_000).into_bytes()),
        ("exchange.ndjson", br#"{"method": [], "url": {}, "status": "ok", "headers": 3, "direction": "sideways", "truncated": "yes"}"#.to_vec()),
    ];
    for (name, bytes) in &cases {
        write(t.path(), name, bytes);
        let run = run_in(t.path(), &[name, "--format", "json"]);
        assert_eq!(run.code, 1, "{name}: {}\n{}", run.stdout, run.stderr);
        let d = run.diags();
        assert!(d.iter().any(|d| d.severity == "error"), "{name}: {d:?}");
        assert!(
            d.iter().all(|d| d.rule != "internal-error" && d.line >= 1),
            "{name}: {d:?}"
        );
    }
    // All at once, with a human report: still exit 1, every file reported.
    let names: Vec<&str> = cases.iter().map(|(n, _)| *n).collect();
    let run = run_in(t.path(), &names);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for name in names {
        assert!(
            run.stdout.contains(name),
            "{name} missing from:\n{}",
            run.stdout
        );
    }
}

#[test]
fn empty_and_blank_captures_hold_no_payload_and_pass_only_with_allow_empty() {
    let t = TempDir::new().unwrap();
    for (name, text) in [
        ("empty.http", ""),
        ("comments.http", "# only a comment\n// and another\n###\n\n"),
        ("empty.md", ""),
        (
            "prose.md",
            "# Title\n\nNo examples here.\n\n```http\nGET /me\n```\n",
        ),
        ("empty.ndjson", ""),
        ("blank.ndjson", "\n\n   \n\r\n"),
        (
            "no-entries.har",
            r#"{"log": {"version": "1.2", "entries": []}}"#,
        ),
    ] {
        let run = lint_empty(t.path(), name, text);
        assert_eq!(summary(&run.report()), (1, 0, 0, 0), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// .http files as editors write them (VS Code REST Client, JetBrains' HTTP client)
// ---------------------------------------------------------------------------------------------

/// Where `needle` is on `line` (1-based) of `file`, 1-based in characters.
fn column_on(file: &str, line: usize, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let l = text.lines().nth(line - 1).unwrap();
    let at = l
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} on line {line}: {l}"));
    (line as u64, l[..at].chars().count() as u64 + 1)
}

#[test]
fn a_rest_client_file_is_checked_with_its_variables_substituted() {
    let file = "tests/data/http-clients/rest-client.http";
    let run = json(&[file], 1);
    assert_eq!(
        found(&run),
        want(&[
            // After `{{group}}` (longer once substituted): the column of the file.
            ("unknown-field", column_on(file, 46, "\"groupID\""), 4),
            // `@odata.type` from a variable: the finding is the key's, as without one.
            (
                "wrong-odata-type",
                column_on(file, 53, "\"@odata.type\""),
                5
            ),
            ("read-only-field", column_on(file, 54, "\"id\""), 5),
            ("missing-required", (61, 1), 6),
            ("unknown-field", column_on(file, 61, "\"displayName\""), 6),
        ])
    );
    // Every message is one, each with its body checked; `{{$guid}}`, `{{newGroup}}` (a whole
    // value) and `{{reassign.response.body.$.id}}` are placeholders that fit any value.
    assert_eq!(payloads(&run), 7);
    let stats = run_in(&root(), &[file, "--statistics", "-q"]);
    assert!(
        stats.stdout.contains("bodies: 7 of 7 checked"),
        "{}",
        stats.stdout
    );
    // --fix writes no safe fix into a substituted value: the wrong `@odata.type` is the
    // variable's, to be fixed where it is defined.
    let t = TempDir::new().unwrap();
    let copy = t.path().join("rest-client.http");
    std::fs::copy(root().join(file), &copy).unwrap();
    run_in(t.path(), &["--fix", "rest-client.http"]);
    let fixed = std::fs::read_to_string(&copy).unwrap();
    assert_eq!(fixed, std::fs::read_to_string(root().join(file)).unwrap());
}

#[test]
fn a_jetbrains_file_reads_body_files_and_skips_scripts_and_redirects() {
    let file = "tests/data/http-clients/jetbrains.http";
    let run = json(&[file], 1);
    let body_file = column_on(file, 46, "./bodies/misspelt.json");
    assert_eq!(
        found(&run),
        want(&[
            // Findings in a body file point at its name on the `<` line ...
            ("missing-required", body_file, 3),
            ("unknown-field", body_file, 3),
            // ... a missing one is a finding there, not a crash.
            (
                "unreadable-file",
                column_on(file, 54, "./bodies/missing.json"),
                4
            ),
            ("unknown-field", column_on(file, 65, "\"count\""), 6),
        ])
    );
    // ... and say where in the body file they are.
    let d = run.diags();
    assert!(
        d[1].message.contains("(in ./bodies/misspelt.json at 3:3)"),
        "{}",
        d[1].message
    );
    assert!(d[2].message.contains("./bodies/missing.json"));
    assert_eq!(payloads(&run), 7);
    let stats = run_in(&root(), &[file, "--statistics", "-q"]);
    assert!(
        stats.stdout.contains("bodies: 6 of 6 checked"),
        "{}",
        stats.stdout
    );
}

#[test]
fn a_browser_har_reports_only_its_api_calls_and_counts_the_rest() {
    let file = "tests/data/har-browser/portal.har";
    let run = json(&[file], 1);
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    // The misspelt key of the second API call, inside its `text` string.
    let key = pos(&text, r#"\"groupID\": \"b7a4"#);
    assert_eq!(
        found(&run),
        want(&[
            // Entry 27's request: payload numbers stay those of the file.
            ("missing-required", (key.0, 22), 54),
            ("unknown-field", key, 54),
        ])
    );
    let summary = &run.report()["summary"];
    assert_eq!(summary["skipped_entries"], 30, "{summary}");
    assert_eq!(
        summary["payloads"], 4,
        "the two API calls' requests and responses"
    );
    let human = run_in(&root(), &[file, "--no-diff"]);
    assert!(
        human.stdout.ends_with(
            "2 errors, 0 warnings in 1 of 1 file (4 payloads); 30 HAR entries skipped (no API calls: images, scripts, styles, fonts, other hosts); --statistics for counts by rule\n"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn a_broken_entry_of_a_browser_har_is_still_reported() {
    let t = TempDir::new().unwrap();
    let text = r#"{"log": {"entries": [
  {"request": {"method": "PATCH", "url": "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1", "headers": [{"name": "Content-Type", "value": "application/json"}], "postData": {"mimeType": "application/json", "text": "{\"groupId\": \"g\"}"}},
   "response": {"status": 204, "headers": []}},
  {"request": {"url": "https://cdn.example.com/app.js", "headers": []},
   "response": {"status": 200, "headers": [], "content": {"mimeType": "application/javascript", "text": "x"}}},
  {"request": {"method": "GET", "url": "https://cdn.example.com/logo.png", "headers": []},
   "response": {"status": 200, "headers": [], "content": {"mimeType": "image/png"}}}
]}}
"#;
    let run = lint(t.path(), "page.har", text, 1);
    let rules = run.rules();
    assert!(rules.contains(&"invalid-har".to_string()), "{rules:?}");
    assert_eq!(run.report()["summary"]["skipped_entries"], 1);
}

#[test]
fn a_key_in_a_har_string_is_placed_alike_in_every_format() {
    let file = "tests/cases/unknown-field/fires-in-har-string.in/capture.har";
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let key = pos(&text, r#"\"groupID\""#);
    let d = json(&[file], 1).diags();
    assert_eq!(
        (d[1].rule.as_str(), d[1].line, d[1].column),
        ("unknown-field", key.0, key.1)
    );
    let human = run(&[file, "--no-diff"]).stdout;
    let at = format!("capture.har:{}:{}: error[unknown-field]", key.0, key.1);
    assert!(human.contains(&at), "{human}");
    // The caret covers `\"groupID\"`, 11 characters.
    assert!(human.contains(&format!("{}\n", "^".repeat(11))), "{human}");
    let sarif: serde_json::Value =
        serde_json::from_str(&run(&[file, "--format", "sarif"]).stdout).unwrap();
    let region = &sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(key.0), Some(key.1))
    );
    let github = run(&[file, "--format", "github"]).stdout;
    assert!(
        github.contains(&format!(
            "line={},col={},title=paylint unknown-field",
            key.0, key.1
        )),
        "{github}"
    );
}
