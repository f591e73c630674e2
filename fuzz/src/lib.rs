//! What each fuzz target does with one input, and the invariants it asserts. One function per
//! target (`fuzz_targets/NAME.rs` calls `NAME`); `tests/fuzz_regressions.rs` in the main crate
//! compiles this same file (with `#[path]`) and replays every kept input through it, so
//! `cargo test` re-checks what the fuzzer once found.
//!
//! A panic anywhere, in paylint or in an assertion here, is a finding.

use paylint::catalog::Catalog;
use paylint::direction::Direction;
use paylint::engine::{self, Options};
use paylint::input::{self, Body, Parsed, Problem};
use paylint::json::{self, Document, Kind, Node};
use paylint::render::human::Human;
use paylint::render::Renderer;
use paylint::report::{FileReport, Summary};
use paylint::source::{SourceFile, Span};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The extensions `check_file` chooses from with the first input byte (then the direction
/// override, with the same byte divided by their count).
pub const EXTENSIONS: [&str; 6] = [".json", ".http", ".md", ".har", ".ndjson", ".request.json"];

/// `json`: the positioned JSON parser on any text (invalid UTF-8 replaced). When it accepts,
/// the tree's spans are consistent with the text and serde_json reads the same value; when it
/// refuses, so does serde_json (except for the depth limit, where the two differ by one level).
pub fn json(data: &[u8]) {
    check_json(&String::from_utf8_lossy(data));
}

pub fn check_json(text: &str) {
    let parsed = json::parse(text);
    let reference = serde_json::from_str::<Value>(text);
    match &parsed {
        Ok(doc) => {
            check_document(text, doc);
            match reference {
                Ok(value) => assert!(
                    same_value(&doc.root.to_value(), &value),
                    "paylint and serde_json read different values from {text:?}"
                ),
                Err(e) => assert!(
                    e.to_string().contains("recursion limit"),
                    "paylint accepts what serde_json refuses ({e}): {text:?}"
                ),
            }
        }
        Err(e) => {
            assert!(e.offset <= text.len(), "error offset past the end: {e:?}");
            if !e.message.contains("nesting deeper") {
                assert!(
                    reference.is_err(),
                    "paylint refuses what serde_json accepts ({}): {text:?}",
                    e.message
                );
            }
        }
    }
}

/// Spans of a parsed document: inside the text, on char boundaries, nested and ordered like
/// the text, and each one slicing to what the node says it is.
pub fn check_document(text: &str, doc: &Document) {
    check_node(text, &doc.root, Span::new(0, text.len()));
    for d in &doc.duplicates {
        assert!(
            d.first.start < d.repeated.start,
            "duplicate out of order: {d:?}"
        );
        assert_eq!(
            key_at(text, d.first),
            d.key,
            "first occurrence span of {d:?}"
        );
        assert_eq!(key_at(text, d.repeated), d.key, "repeated span of {d:?}");
    }
}

/// Asserts that `span` is a valid range of `text` (on char boundaries) inside `within`.
pub fn check_span(text: &str, span: Span, within: Span, what: &str) {
    assert!(
        within.start <= span.start && span.start <= span.end && span.end <= within.end,
        "{what} span {span:?} is not inside {within:?} (text of {} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} is not on char boundaries"
    );
}

fn key_at(text: &str, span: Span) -> String {
    let raw = &text[span.start..span.end];
    serde_json::from_str::<String>(raw)
        .unwrap_or_else(|e| panic!("key span {span:?} is {raw:?}, not a JSON string: {e}"))
}

fn check_node(text: &str, node: &Node, within: Span) {
    check_span(text, node.span, within, "node");
    let raw = &text[node.span.start..node.span.end];
    match &node.kind {
        Kind::Null => assert_eq!(raw, "null"),
        Kind::Bool(b) => assert_eq!(raw, if *b { "true" } else { "false" }),
        Kind::Number(_) => assert!(
            raw.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
            "number span is {raw:?}"
        ),
        Kind::String(s) => assert_eq!(key_at(text, node.span), *s, "string span {raw:?}"),
        Kind::Array(items) => {
            assert!(
                raw.starts_with('[') && raw.ends_with(']'),
                "array span {raw:?}"
            );
            let mut after = node.span.start + 1;
            for item in items {
                check_node(text, item, Span::new(after, node.span.end - 1));
                after = item.span.end;
            }
        }
        Kind::Object(members) => {
            assert!(
                raw.starts_with('{') && raw.ends_with('}'),
                "object span {raw:?}"
            );
            let mut after = node.span.start + 1;
            for m in members {
                check_span(text, m.key_span, Span::new(after, node.span.end - 1), "key");
                assert_eq!(key_at(text, m.key_span), m.key);
                check_node(text, &m.value, Span::new(m.key_span.end, node.span.end - 1));
                after = m.value.span.end;
            }
        }
    }
}

/// Equal JSON values, numbers compared by value (`-0` is an integer to paylint and a float to
/// serde_json; both are zero).
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, a), (l, b))| k == l && same_value(a, b))
        }
        _ => a == b,
    }
}

/// A file's bytes as paylint decodes them (BOM dropped, invalid UTF-8 replaced).
fn source(name: &str, data: &[u8]) -> SourceFile {
    input::decode(PathBuf::from(name), data.to_vec()).0
}

/// `http`: the `.http` transcript reader.
pub fn http(data: &[u8]) {
    let source = source("fuzz.http", data);
    let parsed = input::http::read(&source);
    check_parsed(&source.text, &parsed);
}

/// `markdown`: the `.md` API doc reader.
pub fn markdown(data: &[u8]) {
    let source = source("fuzz.md", data);
    let parsed = input::markdown::read(&source);
    check_parsed(&source.text, &parsed);
}

/// `har`: the HAR capture reader (two payloads per entry).
pub fn har(data: &[u8]) {
    let source = source("fuzz.har", data);
    let parsed = input::har::read(&source);
    check_parsed(&source.text, &parsed);
    assert!(parsed.payloads.len() % 2 == 0, "an entry is two payloads");
}

/// `ndjson`: the NDJSON line reader, on each line as the engine gives it (line ending removed,
/// blank lines skipped).
pub fn ndjson(data: &[u8]) {
    let text = source("fuzz.ndjson", data).text;
    for (index, line) in text.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let parsed = input::ndjson::read_line(line, index);
        check_parsed(line, &parsed);
        assert_eq!(parsed.payloads.len(), 1, "one payload per line");
        assert_eq!(parsed.payloads[0].index, index);
    }
}

/// What every reader returns: payloads in file order whose spans are ranges of the text on char
/// boundaries (the engine slices the text with them), headers and findings inside the text.
pub fn check_parsed(text: &str, parsed: &Parsed) {
    let all = Span::new(0, text.len());
    let mut last_index = None;
    for p in &parsed.payloads {
        assert!(
            last_index.is_none_or(|i| p.index > i),
            "payload indices out of order"
        );
        last_index = Some(p.index);
        check_span(text, p.start, all, "payload start");
        match &p.body {
            Some(Body::InFile(span)) => check_span(text, *span, all, "body"),
            Some(Body::Embedded { anchor, .. }) => check_span(text, *anchor, all, "body anchor"),
            Some(Body::Mapped(m)) => {
                // Every offset of a derived body maps to a range of the file on char boundaries.
                let ends = m.text.char_indices().map(|(i, _)| i).chain([m.text.len()]);
                for i in ends {
                    check_span(
                        text,
                        m.map.span(Span::new(i, m.text.len())),
                        all,
                        "mapped body",
                    );
                    check_span(text, m.map.span(Span::new(0, i)), all, "mapped body");
                }
            }
            Some(Body::File { at, .. } | Body::Read { at, .. }) => {
                check_span(text, *at, all, "body file name")
            }
            None => {}
        }
        for h in p.headers.iter().flatten() {
            check_span(text, h.span, all, "header");
        }
    }
    for d in &parsed.problems {
        check_finding_span(text, d);
    }
}

/// A problem points at its span's start, which lies in the text (the end may be one byte past a
/// point of failure: a parse error at the end of the text spans `len..len + 1`).
fn check_finding_span(text: &str, d: &Problem) {
    assert!(
        d.span.start <= d.span.end && d.span.start <= text.len(),
        "problem span {:?} is outside the text ({} bytes): {:?}",
        d.span,
        text.len(),
        d.kind
    );
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::load(&[]).expect("the built-in catalog loads"))
}

/// `check_file`: the whole check of one file with the built-in catalog, on any bytes. The first
/// byte chooses the extension (so the reader) and the direction override; the rest is the file.
/// Every finding has a 1-based position inside the file, and the human and JSON reports render
/// (the JSON one as valid JSON with every finding).
pub fn check_file(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[first as usize % EXTENSIONS.len()];
    let direction = match first as usize / EXTENSIONS.len() % 3 {
        0 => None,
        1 => Some(Direction::Request),
        _ => Some(Direction::Response),
    };
    check_file_as(&format!("fuzz{ext}"), direction, bytes);
}

pub fn check_file_as(name: &str, direction: Option<Direction>, bytes: &[u8]) {
    let options = Options {
        direction,
        ..Options::default()
    };
    let reports = engine::check_text(catalog(), &options, Path::new(name), bytes);
    check_reports(bytes, &reports);
}

/// Positions of findings and the rendered reports.
pub fn check_reports(bytes: &[u8], reports: &[FileReport]) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut summary = Summary::default();
    let mut findings = 0;
    for r in reports {
        summary.add(r);
        findings += r.diagnostics.len();
        for d in &r.diagnostics {
            assert!(
                d.line >= 1 && d.column >= 1 && d.line <= lines,
                "{} finding at {}:{} in a file of {lines} lines: {}",
                d.rule,
                d.line,
                d.column,
                d.message
            );
        }
    }
    let mut human = Human {
        color: false,
        show_diff: true,
        quiet: false,
        statistics: true,
    };
    let mut out = Vec::new();
    render(&mut human, &mut out, reports, &summary);
    let mut json = paylint::render::json::Json::with_statistics();
    let mut out = Vec::new();
    render(&mut json, &mut out, reports, &summary);
    let report: Value = serde_json::from_slice(&out).expect("the JSON report is JSON");
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(findings),
        "the JSON report has every finding"
    );
}

fn render(r: &mut dyn Renderer, out: &mut Vec<u8>, reports: &[FileReport], summary: &Summary) {
    r.start(out).expect("render");
    for report in reports {
        r.file(out, report).expect("render");
    }
    r.finish(out, summary).expect("render");
}
