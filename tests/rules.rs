//! Rule behaviour through the binary: each rule fires where it should, at the exact position and
//! pointer, and stays silent where it should not.

mod common;

use common::*;
use std::path::Path;
use tempfile::TempDir;

/// Expected findings of one file: `(rule, severity, line, column, pointer)`.
type Expect = &'static [(&'static str, &'static str, u64, u64, &'static str)];

/// Every file of `corpus/invalid`, with its findings (no `--direction`), in report order.
const INVALID: &[(&str, Expect)] = &[
    (
        "collection-item-groupID.response.json",
        &[
            ("missing-required", "error", 9, 5, "/value/1/groupId"),
            ("unknown-field", "error", 12, 7, "/value/1/groupID"),
        ],
    ),
    (
        "duplicate-key-groupid.json",
        &[("duplicate-key", "error", 3, 3, "/groupId")],
    ),
    (
        "invalid-json-empty-file.json",
        &[("invalid-json", "error", 1, 1, "")],
    ),
    (
        "invalid-json-trailing-comma.json",
        &[("invalid-json", "error", 3, 1, "")],
    ),
    (
        "missing-groupid.json",
        &[("missing-required", "error", 1, 1, "/groupId")],
    ),
    (
        "read-only-field-id-in-request.request.json",
        &[("read-only-field", "warning", 2, 3, "/id")],
    ),
    (
        "type-mismatch-body-is-an-array.json",
        &[("type-mismatch", "error", 1, 1, "")],
    ),
    (
        "type-mismatch-groupid-null.json",
        &[("type-mismatch", "error", 2, 3, "/groupId")],
    ),
    (
        "type-mismatch-groupid-number.json",
        &[("type-mismatch", "error", 2, 3, "/groupId")],
    ),
    (
        "unknown-field-displayName.json",
        &[("unknown-field", "error", 3, 3, "/displayName")],
    ),
    (
        "unknown-field-groupID.json",
        &[
            ("missing-required", "error", 1, 1, "/groupId"),
            ("unknown-field", "error", 3, 3, "/groupID"),
        ],
    ),
    (
        "unknown-field-group_id.json",
        &[
            ("missing-required", "error", 1, 1, "/groupId"),
            ("unknown-field", "error", 2, 3, "/group_id"),
        ],
    ),
    (
        "wrong-odata-type-case.json",
        &[("wrong-odata-type", "error", 2, 3, "/@odata.type")],
    ),
    (
        "wrong-odata-type-missing-hash.json",
        &[("wrong-odata-type", "error", 2, 3, "/@odata.type")],
    ),
    (
        "wrong-odata-type-not-a-string.json",
        &[("wrong-odata-type", "error", 2, 3, "/@odata.type")],
    ),
    (
        "wrong-odata-type-other-type.json",
        &[("wrong-odata-type", "error", 2, 3, "/@odata.type")],
    ),
];

fn sorted_dir(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn only(args: &[&str], code: i32) -> Vec<Diag> {
    json(args, code).diags()
}

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

#[test]
fn the_expectation_table_covers_every_invalid_corpus_file() {
    let table: Vec<&str> = INVALID.iter().map(|(f, _)| *f).collect();
    assert_eq!(sorted_dir("corpus/invalid"), table);
}

#[test]
fn each_invalid_corpus_file_has_exactly_its_findings_at_exact_positions() {
    for (name, expected) in INVALID {
        let path = format!("corpus/invalid/{name}");
        let has_error = expected.iter().any(|e| e.1 == "error");
        let run = json(&[&path], if has_error { 1 } else { 0 });
        let got: Vec<_> = run
            .diags()
            .iter()
            .map(|d| {
                assert_eq!(d.file, path);
                assert_eq!(d.payload, 0);
                (
                    d.rule.clone(),
                    d.severity.clone(),
                    d.line,
                    d.column,
                    d.pointer.clone(),
                )
            })
            .collect();
        let want: Vec<_> = expected
            .iter()
            .map(|(r, s, l, c, p)| (r.to_string(), s.to_string(), *l, *c, p.to_string()))
            .collect();
        assert_eq!(got, want, "{path}");
    }
}

#[test]
fn the_whole_corpus_in_one_run_gives_the_same_findings_in_file_order() {
    let run = json(&["corpus/invalid", "corpus/valid"], 1);
    let got: Vec<(String, String, u64, u64, String)> = run
        .diags()
        .into_iter()
        .map(|d| (d.file, d.rule, d.line, d.column, d.pointer))
        .collect();
    let mut want = Vec::new();
    for (name, expected) in INVALID {
        for (rule, _, line, column, pointer) in expected.iter() {
            want.push((
                format!("corpus/invalid/{name}"),
                rule.to_string(),
                *line,
                *column,
                pointer.to_string(),
            ));
        }
    }
    assert_eq!(got, want);
    let files = sorted_dir("corpus/invalid").len() + sorted_dir("corpus/valid").len();
    let (f, p, e, w) = summary(&run.report());
    assert_eq!((f, p), (files as u64, files as u64));
    let errors: usize = INVALID
        .iter()
        .flat_map(|(_, e)| e.iter())
        .filter(|e| e.1 == "error")
        .count();
    assert_eq!((e, w), (errors as u64, 1));
}

#[test]
fn every_valid_corpus_file_is_clean() {
    for name in sorted_dir("corpus/valid") {
        let path = format!("corpus/valid/{name}");
        assert_eq!(only(&[&path], 0), vec![], "{path}");
    }
    let run = json(&["corpus/valid"], 0);
    assert_eq!(run.diags(), vec![]);
    let n = sorted_dir("corpus/valid").len() as u64;
    assert_eq!(summary(&run.report()), (n, n, 0, 0));
}

/// Whether a valid corpus file carries `id` (and so is a valid response, and sets a read-only
/// property if sent as a request); a collection, in every item.
fn carries_id(path: &str) -> bool {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    match v.get("value").and_then(|v| v.as_array()) {
        // A collection carries it when each item does.
        Some(items) => items.iter().all(|i| i.get("id").is_some()),
        None => v.get("id").is_some(),
    }
}

#[test]
fn valid_corpus_files_as_requests_only_warn_about_id_and_exit_0() {
    for name in sorted_dir("corpus/valid") {
        let path = format!("corpus/valid/{name}");
        let diags = only(&[&path, "--direction", "request"], 0);
        // A file named *.response.json stays a response whatever --direction says.
        let as_request = !name.ends_with(".response.json");
        if carries_id(&path) && as_request {
            assert_eq!(ats(&diags).len(), 1, "{path}: {diags:?}");
            assert_eq!(diags[0].rule, "read-only-field");
            assert_eq!(diags[0].severity, "warning");
            assert_eq!(diags[0].pointer, "/id");
            assert_eq!(diags[0].direction.as_deref(), Some("request"));
        } else {
            assert_eq!(diags, vec![], "{path}");
        }
    }
}

#[test]
fn valid_corpus_files_as_responses_are_clean_when_they_carry_id() {
    for name in sorted_dir("corpus/valid") {
        let path = format!("corpus/valid/{name}");
        let named_request = name.ends_with(".request.json");
        if carries_id(&path) || named_request {
            assert_eq!(
                only(&[&path, "--direction", "response"], 0),
                vec![],
                "{path}"
            );
        } else {
            // A response must carry `id` (200 requires id and groupId): that is the only finding.
            let diags = only(&[&path, "--direction", "response"], 1);
            assert_eq!(
                ats(&diags),
                vec![("missing-required", 1, 1, "/id")],
                "{path}"
            );
        }
    }
}

#[test]
fn the_bom_crlf_tab_file_positions_count_characters_after_the_bom() {
    let diags = only(
        &["corpus/valid/bom-crlf-tabs.json", "--direction", "request"],
        0,
    );
    assert_eq!(ats(&diags), vec![("read-only-field", 3, 2, "/id")]);
}

// ---------------------------------------------------------------------------------------------
// invalid-json
// ---------------------------------------------------------------------------------------------

#[test]
fn invalid_json_points_at_the_first_unacceptable_byte() {
    let t = TempDir::new().unwrap();
    let cases: &[(&str, &[u8], u64, u64)] = &[
        ("empty.json", b"", 1, 1),
        ("spaces.json", b"  \n  ", 2, 3),
        ("comma.json", b"{\"groupId\": \"g\",}", 1, 17),
        ("missing-colon.json", b"{\n  \"groupId\" \"g\"\n}", 2, 13),
        ("single.json", b"{'groupId': 'g'}", 1, 2),
        ("after.json", b"{\"groupId\": \"g\"} x", 1, 18),
        ("unterminated.json", b"{\"groupId\": \"g", 1, 13),
        ("leading-zero.json", b"{\"groupId\": 01}", 1, 13),
        ("eof.json", b"{\"groupId\": \"g\"", 1, 16),
        ("crlf.json", b"{\r\n  \"groupId\": tru\r\n}", 2, 14),
        (
            "unicode.json",
            "{\"é\": \"ü\" \"groupId\"}".as_bytes(),
            1,
            11,
        ),
    ];
    for (name, bytes, line, column) in cases {
        write(t.path(), name, bytes);
        let diags = diags_in(t.path(), &[name], 1);
        assert_eq!(
            ats(&diags),
            vec![("invalid-json", *line, *column, "")],
            "{name}: {diags:?}"
        );
        assert_eq!(diags[0].resource, None);
    }
}

#[test]
fn invalid_json_for_encodings_that_are_not_utf8() {
    let t = TempDir::new().unwrap();
    let body = "{\"groupId\": \"g\"}";
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(body.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(body.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let bare16: Vec<u8> = body.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let cases: Vec<(&str, Vec<u8>, &str, u64)> = vec![
        ("utf16le.json", utf16le, "UTF-16", 1),
        ("utf16be.json", utf16be, "UTF-16", 1),
        ("bare-utf16.json", bare16, "UTF-16", 2),
        (
            "latin1.json",
            b"{\"groupId\": \"caf\xe9\"}".to_vec(),
            "UTF-8",
            17,
        ),
        ("nul.json", b"{\"groupId\": \"g\"}\0".to_vec(), "NUL", 17),
        (
            "binary.json",
            b"\x89PNG\r\n\x1a\n\0\0\0".to_vec(),
            "binary",
            1,
        ),
    ];
    for (name, bytes, needle, column) in cases {
        write(t.path(), name, &bytes);
        let diags = diags_in(t.path(), &[name], 1);
        assert_eq!(diags.len(), 1, "{name}: {diags:?}");
        assert_eq!(diags[0].rule, "invalid-json", "{name}");
        assert_eq!((diags[0].line, diags[0].column), (1, column), "{name}");
        assert!(diags[0].message.contains(needle), "{name}: {diags:?}");
    }
}

#[test]
fn nesting_up_to_128_levels_parses_and_deeper_is_invalid_json() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "128.json",
        format!("{}{}", "[".repeat(128), "]".repeat(128)),
    );
    write(
        t.path(),
        "129.json",
        format!("{}{}", "[".repeat(129), "]".repeat(129)),
    );
    let mut deep_object = String::new();
    for _ in 0..200 {
        deep_object.push_str("{\"a\":");
    }
    write(t.path(), "objects.json", &deep_object);
    // 128 levels: valid JSON, so only the shape finding (an array is not an object).
    assert_eq!(
        ats(&diags_in(t.path(), &["128.json"], 1)),
        vec![("type-mismatch", 1, 1, "")]
    );
    let diags = diags_in(t.path(), &["129.json"], 1);
    assert_eq!(ats(&diags), vec![("invalid-json", 1, 129, "")]);
    assert!(diags[0].message.contains("128"), "{diags:?}");
    let diags = diags_in(t.path(), &["objects.json"], 1);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule, "invalid-json");
    // The 129th `{` starts at byte 128 * 5.
    assert_eq!((diags[0].line, diags[0].column), (1, 128 * 5 + 1));
}

#[test]
fn a_utf8_bom_is_accepted_and_not_counted_in_columns() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "ok.json",
        format!("\u{feff}{{\"groupId\": \"{GROUP}\"}}"),
    );
    write(t.path(), "bad.json", "\u{feff}{\"groupID\": \"g\"}");
    write(t.path(), "only-bom.json", "\u{feff}");
    assert_eq!(diags_in(t.path(), &["ok.json"], 0), vec![]);
    assert_eq!(
        ats(&diags_in(t.path(), &["bad.json"], 1)),
        vec![
            ("missing-required", 1, 1, "/groupId"),
            ("unknown-field", 1, 2, "/groupID")
        ]
    );
    assert_eq!(
        ats(&diags_in(t.path(), &["only-bom.json"], 1)),
        vec![("invalid-json", 1, 1, "")]
    );
}

// ---------------------------------------------------------------------------------------------
// missing-required
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_required_points_at_the_opening_brace() {
    let t = TempDir::new().unwrap();
    write(t.path(), "empty.json", "{}");
    write(t.path(), "indented.json", "\n\n   {\n  }\n");
    write(
        t.path(),
        "typed.json",
        format!("{{\"@odata.type\": \"{ODATA_TYPE}\"}}"),
    );
    for (name, line, column) in [
        ("empty.json", 1, 1),
        ("indented.json", 3, 4),
        ("typed.json", 1, 1),
    ] {
        let diags = diags_in(t.path(), &[name], 1);
        assert_eq!(
            ats(&diags),
            vec![("missing-required", line, column, "/groupId")],
            "{name}"
        );
        assert!(
            diags[0]
                .message
                .contains("add `\"groupId\": \"<groupId>\"` with a real value"),
            "{diags:?}"
        );
    }
}

#[test]
fn required_properties_depend_on_the_direction() {
    let t = TempDir::new().unwrap();
    write(t.path(), "empty.json", "{}");
    write(t.path(), "id-only.json", "{\"id\": \"1\"}");
    write(
        t.path(),
        "group.json",
        format!("{{\"groupId\": \"{GROUP}\"}}"),
    );
    // Without a direction, and as a request: only groupId.
    for dir in [&[][..], &["--direction", "request"][..]] {
        let mut args = vec!["empty.json"];
        args.extend_from_slice(dir);
        assert_eq!(
            ats(&diags_in(t.path(), &args, 1)),
            vec![("missing-required", 1, 1, "/groupId")],
            "{args:?}"
        );
    }
    // As a response (200): groupId and id, one finding each.
    let diags = diags_in(t.path(), &["empty.json", "--direction", "response"], 1);
    let mut pointers: Vec<&str> = diags.iter().map(|d| d.pointer.as_str()).collect();
    pointers.sort();
    assert_eq!(pointers, ["/groupId", "/id"]);
    assert!(diags.iter().all(|d| d.rule == "missing-required"
        && (d.line, d.column) == (1, 1)
        && d.direction.as_deref() == Some("response")));
    // `id` is not required without a direction.
    assert_eq!(diags_in(t.path(), &["group.json"], 0), vec![]);
    assert_eq!(
        ats(&diags_in(t.path(), &["id-only.json"], 1)),
        vec![("missing-required", 1, 1, "/groupId")]
    );
}

#[test]
fn a_direction_in_the_file_name_wins_over_the_option() {
    let t = TempDir::new().unwrap();
    let body = format!("{{\"groupId\": \"{GROUP}\"}}");
    write(t.path(), "a.request.json", &body);
    write(t.path(), "b.response.json", &body);
    write(
        t.path(),
        "c.REQUEST.JSON",
        "{\"id\": \"1\", \"groupId\": \"g\"}",
    );
    // a.request.json stays a request: id is not required.
    assert_eq!(
        diags_in(t.path(), &["a.request.json", "--direction", "response"], 0),
        vec![]
    );
    // b.response.json is a response with or without --direction request.
    for extra in [&[][..], &["--direction", "request"][..]] {
        let mut args = vec!["b.response.json"];
        args.extend_from_slice(extra);
        let diags = diags_in(t.path(), &args, 1);
        assert_eq!(ats(&diags), vec![("missing-required", 1, 1, "/id")]);
        assert_eq!(diags[0].direction.as_deref(), Some("response"));
    }
    let diags = diags_in(t.path(), &["c.REQUEST.JSON"], 0);
    assert_eq!(ats(&diags), vec![("read-only-field", 1, 2, "/id")]);
}

// ---------------------------------------------------------------------------------------------
// wrong-odata-type
// ---------------------------------------------------------------------------------------------

#[test]
fn wrong_odata_type_has_a_hint_for_each_kind_of_mistake() {
    let t = TempDir::new().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "case",
            "\"#microsoft.graph.provisionPolicyAssignmentItem\"",
            "it differs only in case; OData type names are case-sensitive",
        ),
        (
            "hash",
            "\"microsoft.graph.ProvisionPolicyAssignmentItem\"",
            "an `@odata.type` value starts with `#`",
        ),
        (
            "hash-and-case",
            "\"microsoft.graph.provisionpolicyassignmentitem\"",
            "lacks the leading `#` and differs in case",
        ),
        (
            "namespace",
            "\"#microsoft.intune.ProvisionPolicyAssignmentItem\"",
            "the namespace is not: ProvisionPolicyAssignmentItem lives in `microsoft.graph`",
        ),
        (
            "other-type",
            "\"#microsoft.graph.group\"",
            "that names another type",
        ),
        (
            "number",
            "42",
            "`@odata.type` must be a string such as `#namespace.TypeName`",
        ),
        (
            "null",
            "null",
            "`@odata.type` must be a string such as `#namespace.TypeName`",
        ),
        (
            "object",
            "{}",
            "`@odata.type` must be a string such as `#namespace.TypeName`",
        ),
    ];
    for (name, value, hint) in cases {
        let file = format!("{name}.json");
        write(
            t.path(),
            &file,
            format!("{{\n  \"groupId\": \"{GROUP}\",\n    \"@odata.type\": {value}\n}}"),
        );
        let diags = diags_in(t.path(), &[&file], 1);
        assert_eq!(
            ats(&diags),
            vec![("wrong-odata-type", 3, 5, "/@odata.type")],
            "{name}: {diags:?}"
        );
        assert!(
            diags[0]
                .message
                .contains(&format!("expected `{ODATA_TYPE}`")),
            "{name}: {}",
            diags[0].message
        );
        assert!(
            diags[0].message.contains(hint),
            "{name}: {}",
            diags[0].message
        );
    }
}

#[test]
fn the_exact_odata_type_is_accepted() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "ok.json",
        format!("{{\"@odata.type\": \"{ODATA_TYPE}\", \"groupId\": \"g\"}}"),
    );
    assert_eq!(diags_in(t.path(), &["ok.json"], 0), vec![]);
}

// ---------------------------------------------------------------------------------------------
// unknown-field and annotations
// ---------------------------------------------------------------------------------------------

#[test]
fn odata_annotations_are_never_unknown_in_any_direction() {
    let t = TempDir::new().unwrap();
    let body = serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#x/$entity",
        "@odata.etag": "W/\"1\"",
        "@odata.type": ODATA_TYPE,
        "@odata.id": "x",
        "@odata.editLink": "x",
        "@odata.nextLink": "x",
        "@contoso.note": "reviewed",
        "@a": {"nested": [1, {"deep": null}]},
        "groupId@odata.type": "#String",
        "id@odata.navigationLink": "x",
        "x@y": 42,
        "id": "1",
        "groupId": GROUP
    });
    write(t.path(), "ann.json", body.to_string());
    write(
        t.path(),
        "pretty.json",
        serde_json::to_string_pretty(&body).unwrap(),
    );
    for file in ["ann.json", "pretty.json"] {
        assert_eq!(diags_in(t.path(), &[file], 0), vec![]);
        assert_eq!(
            diags_in(t.path(), &[file, "--direction", "response"], 0),
            vec![]
        );
        // As a request only `id` is flagged (read-only), never an annotation.
        let diags = diags_in(t.path(), &[file, "--direction", "request"], 0);
        assert_eq!(rules_of(&diags), vec!["read-only-field"], "{diags:?}");
        assert_eq!(diags[0].pointer, "/id");
    }
}

#[test]
fn a_name_without_at_sign_is_unknown_even_if_it_looks_like_odata() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "a.json",
        "{\"groupId\": \"g\", \"odata.type\": \"#x\"}",
    );
    let diags = diags_in(t.path(), &["a.json"], 1);
    assert_eq!(ats(&diags), vec![("unknown-field", 1, 18, "/odata.type")]);
}

#[test]
fn unknown_field_hints_for_near_misses() {
    let t = TempDir::new().unwrap();
    let cases: &[(&str, &str)] = &[
        ("groupID", "did you mean `groupId`? It differs only in case"),
        ("groupid", "did you mean `groupId`? It differs only in case"),
        (
            "group_id",
            "did you mean `groupId`? It differs only in case and separators",
        ),
        (
            "GROUP-ID",
            "did you mean `groupId`? It differs only in case and separators",
        ),
        ("gropId", "did you mean `groupId`?"),
        ("displayName", "known properties here: `groupId`, `id`"),
    ];
    for (i, (key, hint)) in cases.iter().enumerate() {
        let file = format!("{i}.json");
        write(t.path(), &file, format!("{{\n  \"{key}\": \"g\"\n}}\n"));
        let diags = diags_in(t.path(), &[&file], 1);
        let unknown: Vec<&Diag> = diags.iter().filter(|d| d.rule == "unknown-field").collect();
        assert_eq!(unknown.len(), 1, "{key}: {diags:?}");
        assert_eq!(
            unknown[0].at(),
            ("unknown-field", 2, 3, &*format!("/{key}"))
        );
        assert!(
            unknown[0]
                .message
                .starts_with(&format!("unknown field `{key}` in the")),
            "{key}: {}",
            unknown[0].message
        );
        assert!(unknown[0].message.contains(hint), "{key}: {:?}", unknown[0]);
    }
}

#[test]
fn a_misspelled_required_field_is_one_unknown_field_and_one_missing_required() {
    let t = TempDir::new().unwrap();
    for (i, key) in ["groupID", "group_id"].iter().enumerate() {
        let file = format!("{i}.json");
        write(
            t.path(),
            &file,
            format!("{{\"@odata.type\": \"{ODATA_TYPE}\", \"{key}\": \"{GROUP}\"}}"),
        );
        let diags = diags_in(t.path(), &[&file], 1);
        assert_eq!(
            rules_of(&diags),
            vec!["missing-required", "unknown-field"],
            "{key}"
        );
        assert!(diags[0]
            .message
            .contains(&format!("`{key}` looks like a misspelling of `groupId`")));
        assert!(diags[1].message.contains("did you mean `groupId`?"));
        // Both directions require groupId: still exactly two findings.
        for d in ["request", "response"] {
            let diags = diags_in(t.path(), &[&file, "--direction", d], 1);
            let n = diags
                .iter()
                .filter(|x| x.pointer == "/groupId" || x.pointer == format!("/{key}"))
                .count();
            assert_eq!(n, 2, "{key} {d}: {diags:?}");
        }
    }
}

#[test]
fn a_near_miss_next_to_the_real_field_is_only_unknown() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "both.json",
        "{\n  \"groupId\": \"a\",\n  \"groupID\": \"b\"\n}\n",
    );
    let diags = diags_in(t.path(), &["both.json"], 1);
    assert_eq!(ats(&diags), vec![("unknown-field", 3, 3, "/groupID")]);
}

#[test]
fn two_misspellings_of_one_field_are_two_unknowns_and_one_missing() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "two.json",
        "{\n  \"groupID\": \"a\",\n  \"group_id\": \"b\"\n}\n",
    );
    let diags = diags_in(t.path(), &["two.json"], 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("missing-required", 1, 1, "/groupId"),
            ("unknown-field", 2, 3, "/groupID"),
            ("unknown-field", 3, 3, "/group_id"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// type-mismatch
// ---------------------------------------------------------------------------------------------

#[test]
fn type_mismatch_for_wrong_value_types_points_at_the_key() {
    let t = TempDir::new().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "42",
            "`groupId` is a number, expected a string",
            "quote the value: `\"groupId\": \"42\"`",
        ),
        (
            "1.5",
            "`groupId` is a number, expected a string",
            "quote the value",
        ),
        (
            "true",
            "`groupId` is a boolean, expected a string",
            "quote the value",
        ),
        (
            "null",
            "`groupId` is null, expected a string",
            "`groupId` cannot be null",
        ),
        (
            "[]",
            "`groupId` is an array, expected a string",
            "`groupId` must be a string",
        ),
        (
            "{\"a\": 1}",
            "`groupId` is an object, expected a string",
            "`groupId` must be a string",
        ),
    ];
    for (i, (value, message, hint)) in cases.iter().enumerate() {
        let file = format!("{i}.json");
        write(t.path(), &file, format!("{{\n\t\"groupId\": {value}\n}}"));
        let diags = diags_in(t.path(), &[&file], 1);
        assert_eq!(
            ats(&diags),
            vec![("type-mismatch", 2, 2, "/groupId")],
            "{value}"
        );
        assert!(diags[0].message.starts_with(message), "{:?}", diags[0]);
        assert!(diags[0].message.contains(hint), "{:?}", diags[0]);
    }
    write(t.path(), "id.json", "{\"groupId\": \"g\", \"id\": 7}");
    assert_eq!(
        ats(&diags_in(t.path(), &["id.json"], 1)),
        vec![("type-mismatch", 1, 18, "/id")]
    );
}

#[test]
fn a_body_that_is_not_an_object_is_exactly_one_type_mismatch() {
    let t = TempDir::new().unwrap();
    for (i, body) in [
        "[{\"groupID\": 1, \"groupID\": 2}]",
        "[]",
        "\"x\"",
        "42",
        "null",
        "true",
        "  [1, 2]",
    ]
    .iter()
    .enumerate()
    {
        let file = format!("{i}.json");
        write(t.path(), &file, body);
        let column = body.len() as u64 - body.trim_start().len() as u64 + 1;
        for dir in [
            &[][..],
            &["--direction", "request"][..],
            &["--direction", "response"][..],
        ] {
            let mut args = vec![file.as_str()];
            args.extend_from_slice(dir);
            let diags = diags_in(t.path(), &args, 1);
            assert_eq!(
                ats(&diags),
                vec![("type-mismatch", 1, column, "")],
                "{body} {dir:?}"
            );
            assert!(diags[0].message.starts_with("the body is "), "{diags:?}");
        }
    }
}

#[test]
fn a_body_that_is_not_an_object_is_one_finding_with_several_resources() {
    let t = TempDir::new().unwrap();
    let cat = widget_catalog(t.path(), "cat");
    write(t.path(), "arr.json", "[{\"groupId\": \"g\"}]");
    let diags = diags_in(
        t.path(),
        &["arr.json", "--schemas", cat.to_str().unwrap()],
        1,
    );
    assert_eq!(ats(&diags), vec![("type-mismatch", 1, 1, "")], "{diags:?}");
}

// ---------------------------------------------------------------------------------------------
// read-only-field
// ---------------------------------------------------------------------------------------------

#[test]
fn read_only_field_only_in_requests_and_only_a_warning() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "body.json",
        format!("{{\n  \"groupId\": \"{GROUP}\",\n  \"id\": \"1\"\n}}"),
    );
    let diags = diags_in(t.path(), &["body.json", "--direction", "request"], 0);
    assert_eq!(ats(&diags), vec![("read-only-field", 3, 3, "/id")]);
    assert_eq!(diags[0].severity, "warning");
    assert!(diags[0]
        .message
        .contains("`id` is read-only and should not be sent in the ProvisionPolicyAssignmentItem request body"));
    assert_eq!(diags_in(t.path(), &["body.json"], 0), vec![]);
    assert_eq!(
        diags_in(t.path(), &["body.json", "--direction", "response"], 0),
        vec![]
    );
    let run = json_in(t.path(), &["body.json", "--direction", "request"], 0);
    assert_eq!(summary(&run.report()), (1, 1, 0, 1));
}

#[test]
fn a_repeated_read_only_key_is_one_read_only_finding() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "dup.json",
        "{\"id\": \"1\", \"id\": \"2\", \"groupId\": \"g\"}",
    );
    let diags = diags_in(t.path(), &["dup.json", "--direction", "request"], 1);
    // One duplicate-key (at the repeated `id`, 1:13) and one read-only-field for `/id`.
    assert_eq!(
        rules_of(&diags)
            .iter()
            .filter(|r| **r == "read-only-field")
            .count(),
        1,
        "{diags:?}"
    );
    assert!(diags
        .iter()
        .any(|d| d.at() == ("duplicate-key", 1, 13, "/id")));
    assert_eq!(diags.len(), 2, "{diags:?}");
}

// ---------------------------------------------------------------------------------------------
// duplicate-key
// ---------------------------------------------------------------------------------------------

#[test]
fn duplicate_key_points_at_each_repeated_occurrence() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "dup.json",
        "{\n  \"groupId\": \"a\",\n  \"@odata.etag\": \"1\",\n  \"groupId\": \"b\",\n  \"@odata.etag\": \"2\",\n  \"groupId\": \"c\"\n}\n",
    );
    let diags = diags_in(t.path(), &["dup.json"], 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("duplicate-key", 4, 3, "/groupId"),
            ("duplicate-key", 5, 3, "/@odata.etag"),
            ("duplicate-key", 6, 3, "/groupId"),
        ]
    );
    assert!(diags[0].message.contains("(first on line 2)"), "{diags:?}");
    assert!(diags[1].message.contains("(first on line 3)"), "{diags:?}");
    // The last value wins for the other rules: a wrong type only in the first is not reported.
    write(
        t.path(),
        "first-wrong.json",
        "{\"groupId\": 1, \"groupId\": \"g\"}",
    );
    assert_eq!(
        ats(&diags_in(t.path(), &["first-wrong.json"], 1)),
        vec![("duplicate-key", 1, 16, "/groupId")]
    );
    write(
        t.path(),
        "last-wrong.json",
        "{\"groupId\": \"g\", \"groupId\": 1}",
    );
    assert_eq!(
        ats(&diags_in(t.path(), &["last-wrong.json"], 1)),
        vec![
            ("type-mismatch", 1, 18, "/groupId"),
            ("duplicate-key", 1, 18, "/groupId")
        ]
    );
}

#[test]
fn duplicate_keys_are_found_in_nested_objects_and_arrays() {
    let t = TempDir::new().unwrap();
    write(
        t.path(),
        "nested.json",
        "{\"groupId\": \"g\", \"@x\": [{\"k\": 1, \"k\": 2}], \"@y\": {\"a/b\": 1, \"a/b\": 2}}",
    );
    let diags = diags_in(t.path(), &["nested.json"], 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("duplicate-key", 1, 34, "/@x/0/k"),
            ("duplicate-key", 1, 61, "/@y/a~1b"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// A user catalog: unknown-resource, routing, overrides, invalid-value
// ---------------------------------------------------------------------------------------------

fn with_catalog<'a>(cat: &'a Path, files: &[&'a str]) -> Vec<&'a str> {
    let mut args = files.to_vec();
    args.extend(["--schemas", cat.to_str().unwrap()]);
    args
}

#[test]
fn unknown_resource_fires_only_with_several_resources_and_nothing_routing() {
    let t = TempDir::new().unwrap();
    let cat = widget_catalog(t.path(), "cat");
    write(
        t.path(),
        "gadget.json",
        "{\"@odata.type\": \"#contoso.graph.Gadget\", \"whatever\": 1}",
    );
    write(t.path(), "untyped.json", "{\"groupId\": 42}");
    write(t.path(), "typed-number.json", "{\"@odata.type\": 1}");

    // The built-in catalog alone has one resource: everything is checked as it.
    let diags = diags_in(t.path(), &["gadget.json"], 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("missing-required", 1, 1, "/groupId"),
            ("wrong-odata-type", 1, 2, "/@odata.type"),
            ("unknown-field", 1, 42, "/whatever"),
        ]
    );
    assert_eq!(
        ats(&diags_in(t.path(), &["untyped.json"], 1)),
        vec![("type-mismatch", 1, 2, "/groupId")]
    );

    // Two resources: a body with an unknown type, or with none, is one warning and no checks.
    let diags = diags_in(t.path(), &with_catalog(&cat, &["gadget.json"]), 0);
    assert_eq!(ats(&diags), vec![("unknown-resource", 1, 1, "")]);
    assert_eq!(diags[0].severity, "warning");
    assert_eq!(diags[0].resource, None);
    assert!(
        diags[0].message.contains("`#contoso.graph.Gadget`"),
        "{diags:?}"
    );
    assert!(
        diags[0]
            .message
            .contains("known: ProvisionPolicyAssignmentItem, Widget"),
        "{diags:?}"
    );
    let diags = diags_in(t.path(), &with_catalog(&cat, &["untyped.json"]), 0);
    assert_eq!(ats(&diags), vec![("unknown-resource", 1, 1, "")]);
    let diags = diags_in(t.path(), &with_catalog(&cat, &["typed-number.json"]), 0);
    assert_eq!(ats(&diags), vec![("unknown-resource", 1, 1, "")]);

    // --resource routes it (by exact name or a unique case-insensitive match).
    for name in [
        "ProvisionPolicyAssignmentItem",
        "provisionpolicyassignmentitem",
    ] {
        let mut args = with_catalog(&cat, &["untyped.json"]);
        args.extend(["--resource", name]);
        let diags = diags_in(t.path(), &args, 1);
        assert_eq!(ats(&diags), vec![("type-mismatch", 1, 2, "/groupId")]);
        assert_eq!(
            diags[0].resource.as_deref(),
            Some("ProvisionPolicyAssignmentItem")
        );
    }
    // Duplicate keys are still reported for a body no resource matches.
    write(t.path(), "dup.json", "{\"a\": 1, \"a\": 2}");
    let diags = diags_in(t.path(), &with_catalog(&cat, &["dup.json"]), 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("unknown-resource", 1, 1, ""),
            ("duplicate-key", 1, 10, "/a")
        ]
    );
}

#[test]
fn bodies_route_by_odata_type_exactly_and_by_near_miss() {
    let t = TempDir::new().unwrap();
    let cat = widget_catalog(t.path(), "cat");
    write(
        t.path(),
        "exact.json",
        "{\"@odata.type\": \"#contoso.graph.Widget\", \"name\": \"abcdef\"}",
    );
    write(
        t.path(),
        "case.json",
        "{\"@odata.type\": \"#contoso.graph.widget\", \"name\": \"abcdef\"}",
    );
    write(
        t.path(),
        "nohash.json",
        "{\"@odata.type\": \"contoso.graph.Widget\", \"name\": \"abcdef\"}",
    );
    write(
        t.path(),
        "namespace.json",
        "{\"@odata.type\": \"#fabrikam.Widget\", \"name\": \"abcdef\"}",
    );
    write(
        t.path(),
        "builtin.json",
        format!("{{\"@odata.type\": \"{ODATA_TYPE}\", \"groupId\": \"g\"}}"),
    );
    write(
        t.path(),
        "builtin-case.json",
        "{\"@odata.type\": \"#microsoft.graph.provisionpolicyassignmentitem\", \"groupId\": \"g\"}",
    );
    write(
        t.path(),
        "widget-missing.json",
        "{\"@odata.type\": \"#contoso.graph.Widget\", \"groupId\": \"g\"}",
    );
    assert_eq!(
        diags_in(t.path(), &with_catalog(&cat, &["exact.json"]), 0),
        vec![]
    );
    assert_eq!(
        diags_in(t.path(), &with_catalog(&cat, &["builtin.json"]), 0),
        vec![]
    );
    for (file, resource) in [
        ("case.json", "Widget"),
        ("nohash.json", "Widget"),
        ("namespace.json", "Widget"),
        ("builtin-case.json", "ProvisionPolicyAssignmentItem"),
    ] {
        let diags = diags_in(t.path(), &with_catalog(&cat, &[file]), 1);
        assert_eq!(
            ats(&diags),
            vec![("wrong-odata-type", 1, 2, "/@odata.type")],
            "{file}"
        );
        assert_eq!(diags[0].resource.as_deref(), Some(resource), "{file}");
    }
    // Routed to Widget: Widget's rules apply (groupId is unknown there, name is required).
    let diags = diags_in(t.path(), &with_catalog(&cat, &["widget-missing.json"]), 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("missing-required", 1, 1, "/name"),
            ("unknown-field", 1, 42, "/groupId")
        ]
    );
    assert!(diags
        .iter()
        .all(|d| d.resource.as_deref() == Some("Widget")));
}

#[test]
fn invalid_value_fires_for_schema_constraints_beyond_the_type() {
    let t = TempDir::new().unwrap();
    let cat = widget_catalog(t.path(), "cat");
    write(
        t.path(),
        "bad.json",
        "{\n  \"@odata.type\": \"#contoso.graph.Widget\",\n  \"name\": \"abc\",\n  \"color\": \"blue\",\n  \"size\": 0,\n  \"code\": \"ab\"\n}\n",
    );
    write(
        t.path(),
        "good.json",
        "{\n  \"@odata.type\": \"#contoso.graph.Widget\",\n  \"name\": \"abcde\",\n  \"color\": \"red\",\n  \"size\": 1,\n  \"code\": \"ABC\"\n}\n",
    );
    let diags = diags_in(t.path(), &with_catalog(&cat, &["bad.json"]), 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("invalid-value", 3, 3, "/name"),
            ("invalid-value", 4, 3, "/color"),
            ("invalid-value", 5, 3, "/size"),
            ("invalid-value", 6, 3, "/code"),
        ]
    );
    assert!(diags.iter().all(|d| d.severity == "error"));
    assert!(diags[0].message.contains('5'), "{diags:?}");
    assert!(
        diags[1].message.contains("`blue` is not a member"),
        "{diags:?}"
    );
    assert!(diags[1].message.contains("`red`, `green`"), "{diags:?}");
    assert!(diags[3].message.contains("^[A-Z]{3}$"), "{diags:?}");
    assert_eq!(
        diags_in(t.path(), &with_catalog(&cat, &["good.json"]), 0),
        vec![]
    );
}

fn override_catalog(dir: &Path) -> std::path::PathBuf {
    let schema = serde_json::json!({
        "$schema": DRAFT,
        "type": "object",
        "properties": {
            "@odata.type": {"const": ODATA_TYPE},
            "id": {"type": "string", "readOnly": true},
            "groupId": {"type": "string", "format": "uuid"},
            "displayName": {"type": "string", "minLength": 5},
            "settings": {"$ref": "#/$defs/settings"}
        },
        "$defs": {
            "settings": {
                "type": "object",
                "properties": {"mode": {"enum": ["a", "b"]}, "level": {"type": "integer"}},
                "required": ["mode"],
                "additionalProperties": false
            }
        },
        "additionalProperties": false
    });
    write(
        dir,
        "override/ProvisionPolicyAssignmentItem.schema.json",
        serde_json::to_string_pretty(&schema).unwrap(),
    );
    dir.join("override")
}

#[test]
fn a_user_schema_of_the_same_name_replaces_the_built_in_one() {
    let t = TempDir::new().unwrap();
    let cat = override_catalog(t.path());
    let display = root().join("corpus/invalid/unknown-field-displayName.json");
    let display = display.to_str().unwrap();
    // Built in: displayName is unknown. Overridden: it is defined, and groupId must be a uuid.
    assert_eq!(
        rules_of(&diags_in(t.path(), &[display], 1)),
        vec!["unknown-field"]
    );
    assert_eq!(
        diags_in(t.path(), &with_catalog(&cat, &[display]), 0),
        vec![]
    );
    write(
        t.path(),
        "short.json",
        "{\"groupId\": \"x\", \"displayName\": \"abc\"}",
    );
    let diags = diags_in(t.path(), &with_catalog(&cat, &["short.json"]), 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("invalid-value", 1, 2, "/groupId"),
            ("invalid-value", 1, 18, "/displayName")
        ]
    );
    // Still one resource: no unknown-resource; the built-in operations still apply.
    write(t.path(), "empty.json", "{}");
    assert_eq!(
        ats(&diags_in(t.path(), &with_catalog(&cat, &["empty.json"]), 1)),
        vec![("missing-required", 1, 1, "/groupId")]
    );
    // Annotations are never unknown even though this schema has no `@` pattern.
    write(
        t.path(),
        "ann.json",
        format!("{{\"groupId\": \"{GROUP}\", \"@odata.etag\": \"1\", \"groupId@odata.type\": \"#String\"}}"),
    );
    assert_eq!(
        diags_in(t.path(), &with_catalog(&cat, &["ann.json"]), 0),
        vec![]
    );
}

#[test]
fn a_later_schemas_folder_replaces_an_earlier_one() {
    let t = TempDir::new().unwrap();
    let first = override_catalog(t.path());
    let strict = serde_json::json!({
        "$schema": DRAFT,
        "type": "object",
        "properties": {"groupId": {"type": "string", "maxLength": 1}},
        "additionalProperties": false
    });
    write(
        t.path(),
        "second/ProvisionPolicyAssignmentItem.schema.json",
        strict.to_string(),
    );
    write(t.path(), "b.json", "{\"groupId\": \"xy\"}");
    let first = first.to_str().unwrap();
    let diags = diags_in(
        t.path(),
        &["b.json", "--schemas", first, "--schemas", "second"],
        1,
    );
    assert_eq!(ats(&diags), vec![("invalid-value", 1, 2, "/groupId")]);
    assert!(diags[0].message.contains("longer than 1"), "{diags:?}");
    let diags = diags_in(
        t.path(),
        &["b.json", "--schemas", "second", "--schemas", first],
        1,
    );
    assert_eq!(ats(&diags), vec![("invalid-value", 1, 2, "/groupId")]);
    assert!(diags[0].message.contains("uuid"), "{diags:?}");
}

#[test]
fn nested_objects_get_pointers_positions_and_hints() {
    let t = TempDir::new().unwrap();
    let cat = override_catalog(t.path());
    write(
        t.path(),
        "nested.json",
        format!("{{\n  \"groupId\": \"{GROUP}\",\n  \"settings\": {{\n    \"Mode\": \"a\",\n    \"level\": \"x\"\n  }}\n}}\n"),
    );
    write(
        t.path(),
        "enum.json",
        format!("{{\"groupId\": \"{GROUP}\", \"settings\": {{\"mode\": \"c\"}}}}"),
    );
    let diags = diags_in(t.path(), &with_catalog(&cat, &["nested.json"]), 1);
    assert_eq!(
        ats(&diags),
        vec![
            ("missing-required", 3, 15, "/settings/mode"),
            ("unknown-field", 4, 5, "/settings/Mode"),
            ("type-mismatch", 5, 5, "/settings/level"),
        ]
    );
    assert!(diags[0]
        .message
        .contains("`Mode` looks like a misspelling of `mode`"));
    assert!(diags[1].message.contains("did you mean `mode`?"));
    let diags = diags_in(t.path(), &with_catalog(&cat, &["enum.json"]), 1);
    assert_eq!(
        ats(&diags),
        vec![("invalid-value", 1, 66, "/settings/mode")]
    );
}
