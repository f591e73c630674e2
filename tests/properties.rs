//! Properties of the readers and of the whole check, with proptest: the JSON parser reads back
//! whatever serde_json writes (values and key spans), refuses nesting past its limit with an
//! error, and like every reader and `check_text` never panics on any text or bytes, keeps its
//! spans inside the text and places every finding on a line of the file.
//!
//! The invariants are the fuzz targets' (`fuzz/src/lib.rs`, compiled here as a module), so a
//! failing case here is also a regression input for `tests/fuzz_regressions.rs`. The case counts
//! are small so `cargo test` stays quick; the fuzzer (`scripts/fuzz.sh`) is the long search.

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use paylint::direction::Direction;
use paylint::json::{self, Kind, Node, MAX_DEPTH};
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Any JSON value serde_json can hold (finite numbers of every kind, any string).
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| Value::Number(n.into())),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        any::<String>().prop_map(Value::String),
        "[a-zA-Z@#.]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Text made of JSON's own characters, so it is often nearly JSON.
fn jsonish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{"),
            Just("}"),
            Just("["),
            Just("]"),
            Just(":"),
            Just(","),
            Just("\""),
            Just("\\"),
            Just("\\u"),
            Just("\\ud83d"),
            Just("\\ude00"),
            Just("\"a\""),
            Just("\"groupId\""),
            Just("0"),
            Just("-"),
            Just("1.5e3"),
            Just("."),
            Just("e"),
            Just("true"),
            Just("nul"),
            Just(" "),
            Just("\n"),
            Just("\t"),
            Just("é"),
            Just("\u{1F600}"),
            Just("\u{0}"),
        ],
        0..48,
    )
    .prop_map(|parts| parts.concat())
}

/// Every member of every object, depth first.
fn members(node: &Node, out: &mut Vec<(String, paylint::source::Span)>) {
    match &node.kind {
        Kind::Object(ms) => {
            for m in ms {
                out.push((m.key.clone(), m.key_span));
                members(&m.value, out);
            }
        }
        Kind::Array(items) => items.iter().for_each(|n| members(n, out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn json_parser_never_panics_on_any_string(text in any::<String>()) {
        harness::check_json(&text);
    }

    #[test]
    fn json_parser_never_panics_on_nearly_json(text in jsonish()) {
        harness::check_json(&text);
    }

    #[test]
    fn json_parser_reads_back_what_serde_json_writes(value in any_value()) {
        for text in [
            serde_json::to_string(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap(),
        ] {
            let doc = json::parse(&text)
                .unwrap_or_else(|e| panic!("{} at {} in {text:?}", e.message, e.offset));
            prop_assert_eq!(doc.root.to_value(), value.clone());
            prop_assert!(doc.duplicates.is_empty());
            harness::check_document(&text, &doc);
            let mut found = Vec::new();
            members(&doc.root, &mut found);
            for (key, span) in found {
                prop_assert_eq!(
                    &text[span.start..span.end],
                    serde_json::to_string(&key).unwrap()
                );
            }
        }
    }

    #[test]
    fn repeated_keys_are_kept_in_order_and_the_last_one_wins(
        members in prop::collection::vec((0..4usize, any::<i32>()), 0..12),
        pretty in any::<bool>(),
    ) {
        let keys = ["a", "groupId", "a~b/c", "é"];
        let sep = if pretty { ",\n  " } else { "," };
        let text = format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}:{v}", serde_json::to_string(keys[*k]).unwrap()))
                .collect::<Vec<_>>()
                .join(sep)
        );
        let doc = json::parse(&text).unwrap();
        harness::check_document(&text, &doc);
        let mut distinct = Vec::new();
        let mut last = Map::new();
        for (k, v) in &members {
            if !distinct.contains(k) {
                distinct.push(*k);
            }
            last.insert(keys[*k].to_string(), Value::from(*v));
        }
        prop_assert_eq!(doc.duplicates.len(), members.len() - distinct.len());
        prop_assert_eq!(doc.root.to_value(), Value::Object(last));
        prop_assert_eq!(doc.root.members().unwrap().len(), members.len());
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_crash(
        depth in 1..(4 * MAX_DEPTH),
        openers in prop::collection::vec(any::<bool>(), 4 * MAX_DEPTH),
        closed in any::<bool>(),
    ) {
        let mut text = String::new();
        for &array in &openers[..depth] {
            text.push_str(if array { "[" } else { "{\"k\":" });
        }
        text.push('1');
        if closed {
            for &array in openers[..depth].iter().rev() {
                text.push(if array { ']' } else { '}' });
            }
        }
        match json::parse(&text) {
            Ok(doc) => {
                prop_assert!(closed && depth <= MAX_DEPTH, "{depth} levels accepted");
                harness::check_document(&text, &doc);
            }
            Err(e) => {
                prop_assert!(e.offset <= text.len());
                if depth > MAX_DEPTH {
                    prop_assert!(e.message.contains("nesting deeper"), "{}", e.message);
                } else {
                    prop_assert!(!closed, "{depth} levels refused: {}", e.message);
                }
            }
        }
        // The whole check as well, in every format that reads JSON.
        for name in ["deep.json", "deep.ndjson", "deep.har"] {
            harness::check_file_as(name, None, text.as_bytes());
        }
    }
}

/// Lines that mean something to one reader or another, to build transcripts, docs and captures
/// that get past the first line of each reader.
fn lines() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        Just("PATCH https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1 HTTP/1.1".to_string()),
        Just("PATCH /provisioningPolicies/p1/assignments/a1".to_string()),
        Just("GET /unknown".to_string()),
        Just("HTTP/1.1 200 OK".to_string()),
        Just("HTTP/1.1 204 No Content".to_string()),
        Just("HTTP/2 500".to_string()),
        Just("Content-Type: application/json".to_string()),
        Just("Content-Type: text/html".to_string()),
        Just("Authorization: Bearer {token}".to_string()),
        Just("###".to_string()),
        Just("# a comment".to_string()),
        Just(String::new()),
        Just("   ".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("  \"groupId\": \"g\",".to_string()),
        Just("  \"id\": 1".to_string()),
        Just(r##"{"@odata.type": "#microsoft.graph.provisionPolicyAssignmentItem", "groupID": "g"}"##.to_string()),
        Just(r#"{"method": "PATCH", "url": "/provisioningPolicies/p/assignments/a", "body": {"id": 1}}"#.to_string()),
        Just(r#"{"status": 200, "headers": {"Content-Type": "application/json"}, "body": "{\"id\": 2}"}"#.to_string()),
        Just("```http".to_string()),
        Just("```json".to_string()),
        Just("```".to_string()),
        Just("~~~".to_string()),
        Just("<!-- { \"blockType\": \"request\", \"name\": \"x\" } -->".to_string()),
        Just("<!-- { \"blockType\": \"response\", \"truncated\": true } -->".to_string()),
        Just("<!-- { \"blockType\": 1 }".to_string()),
        Just("<!-- {".to_string()),
        Just("-->".to_string()),
        Just("- ```json".to_string()),
        Just("    {\"groupId\": \"g\"}".to_string()),
        Just("\u{feff}é\u{1F600}".to_string()),
        "[ -~]{0,20}",
    ];
    (
        prop::collection::vec(line, 0..24),
        prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
    )
        .prop_map(|(lines, end)| lines.join(end))
}

/// HAR-shaped values: the fields the reader looks at, with values of any type.
fn har_like() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        Just("method"),
        Just("url"),
        Just("status"),
        Just("headers"),
        Just("name"),
        Just("value"),
        Just("postData"),
        Just("content"),
        Just("text"),
        Just("encoding"),
        Just("mimeType"),
        Just("request"),
        Just("response"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        Just(Value::from("PATCH")),
        Just(Value::from("/provisioningPolicies/p/assignments/a")),
        Just(Value::from(
            "https://graph.microsoft.com/beta/provisioningPolicies/p/assignments/a?x=1"
        )),
        Just(Value::from("application/json")),
        Just(Value::from("base64")),
        Just(Value::from("eyJncm91cElkIjogMX0=")),
        Just(Value::from("////")),
        Just(Value::from("{\"groupId\": 1, \"groupId\": 2}")),
        Just(Value::from("{\"id\": ")),
        any::<i64>().prop_map(Value::from),
        (100u16..600).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((field.clone(), inner), 0..6).prop_map(|ms| {
                Value::Object(ms.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    });
    prop::collection::vec(value, 0..4)
        .prop_map(|entries| serde_json::json!({"log": {"version": "1.2", "entries": entries}}))
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn readers_never_panic_and_keep_spans_in_the_text(text in any::<String>()) {
        let bytes = text.as_bytes();
        harness::http(bytes);
        harness::markdown(bytes);
        harness::har(bytes);
        harness::ndjson(bytes);
    }

    #[test]
    fn readers_never_panic_on_transcripts_docs_and_streams(text in lines()) {
        let bytes = text.as_bytes();
        harness::http(bytes);
        harness::markdown(bytes);
        harness::ndjson(bytes);
        for name in ["t.http", "d.md", "s.ndjson", "b.json"] {
            harness::check_file_as(name, None, bytes);
        }
    }

    #[test]
    fn har_reader_never_panics_on_har_shaped_captures(
        capture in har_like(),
        pretty in any::<bool>(),
        direction in prop::option::of(prop_oneof![Just(Direction::Request), Just(Direction::Response)]),
    ) {
        let text = if pretty {
            serde_json::to_string_pretty(&capture).unwrap()
        } else {
            serde_json::to_string(&capture).unwrap()
        };
        harness::har(text.as_bytes());
        harness::check_file_as("c.har", direction, text.as_bytes());
        // A `.json` file holding a capture is read as one too.
        harness::check_file_as("c.json", direction, text.as_bytes());
    }

    #[test]
    fn check_text_never_panics_and_places_every_finding_on_a_line(
        bytes in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        // First byte: extension and direction, as in the `check_file` fuzz target.
        harness::check_file(&bytes);
    }

    #[test]
    fn check_text_never_panics_on_any_text_in_any_format(
        text in any::<String>(),
        ext in 0..harness::EXTENSIONS.len(),
    ) {
        harness::check_file_as(&format!("x{}", harness::EXTENSIONS[ext]), None, text.as_bytes());
    }
}

/// Repeated keys are found through an index in large objects: a body of many distinct keys (a
/// hostile input; the scan it replaced was quadratic and took minutes here) parses in a blink,
/// and repeated keys are still reported against their last earlier occurrence.
#[test]
fn objects_with_many_keys_parse_in_linear_time() {
    let n = 100_000;
    let mut text = String::from("{");
    for i in 0..n {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    text.push_str("\"k7\":1,\"k99999\":2,\"k7\":3}");
    let started = std::time::Instant::now();
    let doc = json::parse(&text).unwrap();
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(10),
        "{n} keys took {took:?}"
    );
    let keys: Vec<(&str, &str)> = doc
        .duplicates
        .iter()
        .map(|d| {
            (
                &text[d.first.start..d.first.end],
                &text[d.repeated.start..d.repeated.end],
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("\"k7\"", "\"k7\""),
            ("\"k99999\"", "\"k99999\""),
            ("\"k7\"", "\"k7\"")
        ]
    );
    let d = &doc.duplicates;
    assert!(d[0].first.start < d[0].repeated.start && d[2].first == d[0].repeated);
    harness::check_document(&text, &doc);
}

/// Transcripts built to make the HTTP reader look far ahead or far back on every line read in
/// one pass: a run of blank lines between a request line and a header, and a body holding an
/// unfinished JSON array of request lines (both were quadratic and took minutes here).
#[test]
fn transcripts_with_long_runs_read_in_linear_time() {
    let n = 100_000;
    let blanks = format!("PATCH /a/b\n{}A: b\n\n{{}}\n", "\n".repeat(n));
    let lines_in_body = format!(
        "PATCH /a/b\n\n[\n{}]\nHTTP/1.1 200 OK\n",
        "GET /x\n".repeat(n)
    );
    for (what, text, messages) in [
        ("blank lines", blanks, 1),
        ("request lines in a body", lines_in_body, 2),
    ] {
        let started = std::time::Instant::now();
        let source = paylint::source::SourceFile {
            path: "t.http".into(),
            text,
            bom: false,
        };
        let parsed = paylint::input::http::read(&source);
        let took = started.elapsed();
        assert!(
            took < std::time::Duration::from_secs(10),
            "{what}: {took:?}"
        );
        assert_eq!(parsed.payloads.len(), messages, "{what}");
        harness::check_parsed(&source.text, &parsed);
    }
}
