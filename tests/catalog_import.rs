//! `paylint catalog import` end to end: the fixture CSDL (tests/data/csdl/fixture.xml) is imported
//! with the real binary, then payloads are linted with the imported catalog. The mapping of each
//! CSDL construct to a schema is unit-tested in src/catalog/import.rs; these tests check what a
//! user sees: routing, findings and their hints, overlays, laziness, and the corpus parity with
//! the hand-written catalog.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn fixture() -> PathBuf {
    root().join("tests/data/csdl/fixture.xml")
}

/// Imports the fixture into `dir/graph`.
fn import(dir: &Path) -> PathBuf {
    let out = dir.join("graph");
    let r = catalog_import(dir, &fixture(), &out, &[]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    out
}

fn lint(dir: &Path, catalog: &Path, args: &[&str], code: i32) -> Vec<Diag> {
    let mut all = vec!["--schemas", catalog.to_str().unwrap()];
    all.extend(args);
    diags_in(dir, &all, code)
}

const POLICY: &str = "#microsoft.graph.provisioningPolicy";

#[test]
fn import_writes_a_catalog_that_list_shows() {
    let t = TempDir::new().unwrap();
    let out = t.path().join("graph");
    let r = catalog_import(t.path(), &fixture(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("entity types"), "{}", r.stdout);
    assert!(out.join("paylint-catalog.json").is_file());
    assert!(out
        .join("microsoft.graph.ProvisionPolicyAssignmentItem.schema.json")
        .is_file());

    let r = run_in(
        t.path(),
        &["catalog", "list", "--schemas", out.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r
        .stdout
        .contains("microsoft.graph.ProvisionPolicyAssignmentItem  #microsoft.graph.ProvisionPolicyAssignmentItem"));
    assert!(
        r.stdout.contains(
            "PATCH  /provisioningPolicies/{provisioningPoliciesId}/assignments/{assignmentsId}"
        ),
        "{}",
        r.stdout
    );
    // The imported resource of the same @odata.type replaces the built-in one.
    assert!(
        !r.stdout.contains("\nProvisionPolicyAssignmentItem "),
        "{}",
        r.stdout
    );
    let r = run_in(
        t.path(),
        &[
            "catalog",
            "list",
            "--schemas",
            out.to_str().unwrap(),
            "--filter",
            "mailfolder",
        ],
    );
    assert!(
        r.stdout.starts_with("microsoft.graph.mailFolder "),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("GET    /me/mailFolders/{mailFoldersId}/childFolders/{childFoldersId}"));
    assert_eq!(r.stdout.lines().filter(|l| !l.starts_with(' ')).count(), 1);

    // Importing again into the same folder works; into a folder of other things it is refused.
    let again = catalog_import(t.path(), &fixture(), &out, &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    write(t.path(), "notes/readme.txt", "mine");
    let refused = catalog_import(t.path(), &fixture(), Path::new("notes"), &[]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("notes"), "{}", refused.stderr);
    assert_eq!(
        std::fs::read_to_string(t.path().join("notes/readme.txt")).unwrap(),
        "mine"
    );
    // A file that is not CSDL is an error naming it.
    write(t.path(), "bad.xml", "<edmx:Edmx><unclosed");
    let bad = run_in(
        t.path(),
        &["catalog", "import", "bad.xml", "--out", "bad-out"],
    );
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("bad.xml"), "{}", bad.stderr);
}

/// The corpus gives the same findings with the imported catalog (plus an overlay that says what
/// the doc page says: groupId is sent in the PATCH body and returned) as with the hand-written one,
/// but for bare bodies lacking groupId (see below).
#[test]
fn the_corpus_gives_the_same_findings_with_the_imported_catalog() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    let overlay = t.path().join("overlay");
    // The README's overlay, as it is shown there (tests/readme.rs compares them).
    let name = "microsoft.graph.ProvisionPolicyAssignmentItem.overlay.json";
    write(
        &overlay,
        name,
        std::fs::read(root().join("tests/data/overlay").join(name)).unwrap(),
    );
    let corpus = root().join("corpus");
    let corpus = corpus.to_str().unwrap();
    let key = |d: &Diag| {
        (
            d.file.clone(),
            d.line,
            d.column,
            d.rule.clone(),
            d.pointer.clone(),
            d.severity.clone(),
        )
    };
    let with = |extra: &[&str]| -> BTreeSet<_> {
        let mut args = vec![corpus, "--resource", "ProvisionPolicyAssignmentItem"];
        args.extend(extra);
        json_in(t.path(), &args, 1)
            .diags()
            .iter()
            .map(key)
            .collect()
    };
    let hand_written = with(&[]);
    let imported = with(&[
        "--schemas",
        graph.to_str().unwrap(),
        "--schemas",
        overlay.to_str().unwrap(),
    ]);
    assert!(hand_written.len() > 20, "{hand_written:?}");
    // One difference, by design: a bare body (no request line or status to route it) must
    // carry what every body of the resource carries. The hand-written catalog knows only the
    // PATCH, so that is groupId; the imported one also knows the create (POST) and the GET,
    // whose bodies need not carry it, so that is nothing.
    let bare_missing_group_id = |d: &&(String, u64, u64, String, String, String)| {
        d.0.ends_with(".json") && d.3 == "missing-required" && d.4.ends_with("/groupId")
    };
    let only_hand_written: Vec<_> = hand_written.difference(&imported).collect();
    assert!(
        only_hand_written.iter().all(bare_missing_group_id),
        "{only_hand_written:#?}"
    );
    assert!(
        only_hand_written
            .iter()
            .any(|d| d.0.ends_with("missing-groupid.json")),
        "{only_hand_written:#?}"
    );
    assert_eq!(only_hand_written.len(), 4, "{only_hand_written:#?}");
    // Giving the bare body a direction does not bring groupId back (the imported create, POST,
    // requires nothing); its request line does.
    let graph_args = [
        "--schemas",
        graph.to_str().unwrap(),
        "--schemas",
        overlay.to_str().unwrap(),
    ];
    let bare = format!("{corpus}/invalid/missing-groupid.json");
    let mut args = vec![bare.as_str(), "--resource", "ProvisionPolicyAssignmentItem"];
    args.extend(["--direction", "request"]);
    args.extend(graph_args);
    assert!(json_in(t.path(), &args, 0).diags().is_empty());
    write(
        t.path(),
        "patch.http",
        "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n\
         {\"@odata.type\": \"#microsoft.graph.ProvisionPolicyAssignmentItem\"}\n",
    );
    let mut args = vec!["patch.http"];
    args.extend(graph_args);
    let d = json_in(t.path(), &args, 1).diags();
    assert_eq!(
        (d.len(), d[0].rule.as_str(), d[0].pointer.as_str()),
        (1, "missing-required", "/groupId")
    );
    assert_eq!(
        imported.difference(&hand_written).collect::<Vec<_>>(),
        Vec::<&(String, u64, u64, String, String, String)>::new()
    );
    // The findings name the imported resource.
    let d = json_in(
        t.path(),
        &[
            &format!("{corpus}/invalid/unknown-field-group_id.json"),
            "--resource",
            "ProvisionPolicyAssignmentItem",
            "--schemas",
            graph.to_str().unwrap(),
        ],
        1,
    )
    .diags();
    assert_eq!(
        d[0].resource.as_deref(),
        Some("microsoft.graph.ProvisionPolicyAssignmentItem")
    );

    // Without the overlay the PATCH request does not require groupId (CSDL cannot say so).
    write(
        t.path(),
        "patch.http",
        "PATCH /provisioningPolicies/p/assignments/a\nContent-Type: application/json\n\n{}\n",
    );
    assert!(lint(t.path(), &graph, &["patch.http"], 0).is_empty());
    let d = lint(
        t.path(),
        &graph,
        &["patch.http", "--schemas", overlay.to_str().unwrap()],
        1,
    );
    assert_eq!(ats(&d), vec![("missing-required", 4, 1, "/groupId")]);
}

#[test]
fn a_derived_complex_value_is_checked_as_the_type_its_odata_type_names() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    let body = |target: &str| {
        format!(
            "{{\n  \"@odata.type\": \"{POLICY}\",\n  \"displayName\": \"p\",\n  \"target\": {target}\n}}\n"
        )
    };
    let cases: Vec<(&str, String, Vec<At>)> = vec![
        (
            "ok-group.json",
            body(
                r##"{"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "01234567-89ab-cdef-0123-456789abcdef"}"##,
            ),
            vec![],
        ),
        (
            "ok-alias.json",
            body(r##"{"@odata.type": "#graph.allDevicesAssignmentTarget"}"##),
            vec![],
        ),
        (
            "ok-derived-twice.json",
            body(
                r##"{"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": "01234567-89ab-cdef-0123-456789abcdef"}"##,
            ),
            vec![],
        ),
        ("ok-null.json", body("null"), vec![]),
        (
            "missing-type.json",
            body(r#"{"groupId": "01234567-89ab-cdef-0123-456789abcdef"}"#),
            vec![("missing-required", 4, 13, "/target/@odata.type")],
        ),
        (
            "not-derived.json",
            body(r##"{"@odata.type": "#microsoft.graph.keyValuePair", "name": "x"}"##),
            vec![("wrong-odata-type", 4, 14, "/target/@odata.type")],
        ),
        (
            "abstract.json",
            body(r##"{"@odata.type": "#microsoft.graph.assignmentTarget"}"##),
            vec![("wrong-odata-type", 4, 14, "/target/@odata.type")],
        ),
        (
            "unknown-in-derived.json",
            body(
                r##"{"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupID": "01234567-89ab-cdef-0123-456789abcdef"}"##,
            ),
            // Complex values are not required to be whole: no missing-required for groupId.
            vec![("unknown-field", 4, 71, "/target/groupID")],
        ),
        (
            "bad-guid.json",
            body(
                r##"{"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "not-a-guid"}"##,
            ),
            vec![("invalid-value", 4, 71, "/target/groupId")],
        ),
    ];
    for (name, text, _) in &cases {
        write(t.path(), name, text);
    }
    for (name, _, want) in &cases {
        let code = if want.is_empty() { 0 } else { 1 };
        let d = lint(t.path(), &graph, &[name], code);
        assert_eq!(ats(&d), *want, "{name}: {d:#?}");
        for d in &d {
            assert_eq!(
                d.resource.as_deref(),
                Some("microsoft.graph.provisioningPolicy"),
                "{name}"
            );
        }
        match *name {
            "not-derived.json" => {
                assert!(
                    d[0].message
                        .contains("#microsoft.graph.groupAssignmentTarget")
                        && d[0]
                            .message
                            .contains("#microsoft.graph.allDevicesAssignmentTarget")
                        && !d[0].message.contains("#graph."),
                    "{}",
                    d[0].message
                );
            }
            "unknown-in-derived.json" => {
                assert!(
                    d[0].message.contains("did you mean `groupId`?"),
                    "{}",
                    d[0].message
                );
            }
            "bad-guid.json" => {
                assert!(
                    d[0].message.contains("not a valid Edm.Guid")
                        && d[0]
                            .message
                            .contains("01234567-89ab-cdef-0123-456789abcdef"),
                    "{}",
                    d[0].message
                );
            }
            "missing-type.json" => {
                assert!(d[0].message.contains("@odata.type"), "{}", d[0].message);
            }
            _ => {}
        }
    }
}

#[test]
fn primitive_values_are_checked_in_their_odata_forms() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    // The required non-nullable properties, then `extra` (a later key replaces an earlier one).
    let sample = |extra: &str| {
        let mut body: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r##"{"@odata.type": "#microsoft.graph.primitiveSample", "anInt32": 1, "aDouble": 1.5, "aPolygon": {}, "states": []}"##,
        )
        .unwrap();
        let extra: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&format!("{{{extra}}}")).unwrap();
        body.extend(extra);
        serde_json::to_string(&body).unwrap()
    };
    write(
        t.path(),
        "valid.json",
        sample(concat!(
            r#""aBoolean": true, "aByte": 255, "aSByte": -128, "anInt16": 32767, "anInt64": "9007199254740993""#,
            r#", "aSingle": "NaN", "aDecimal": "12.50", "aGuid": "01234567-89ab-cdef-0123-456789abcdef""#,
            r#", "aDate": "2024-02-29", "aDateTimeOffset": "2024-05-31T13:45:00.123+02:00", "aTimeOfDay": "13:45""#,
            r#", "aDuration": "P1DT2H", "aBinary": "aGVsbG8", "aStream": 7, "anUntyped": [1], "aPoint": {"type": "Point"}"#,
            r#", "guids": ["01234567-89ab-cdef-0123-456789abcdef"], "aDouble": "-INF""#,
        )),
    );
    assert_eq!(lint(t.path(), &graph, &["valid.json"], 0), vec![]);
    let cases = [
        (
            r#""anInt32": 3000000000"#,
            "invalid-value",
            "out of range for Edm.Int32",
        ),
        (
            r#""aByte": 256"#,
            "invalid-value",
            "out of range for Edm.Byte",
        ),
        (
            r#""anInt64": "12a""#,
            "invalid-value",
            "not a valid Edm.Int64",
        ),
        (
            r#""aDouble": "inf""#,
            "invalid-value",
            "not a valid Edm.Double",
        ),
        (
            r#""aDate": "2023-02-29""#,
            "invalid-value",
            "not a valid Edm.Date",
        ),
        (
            r#""aDateTimeOffset": "2024-05-31 13:45""#,
            "invalid-value",
            "not a valid Edm.DateTimeOffset",
        ),
        (
            r#""aTimeOfDay": "25:00""#,
            "invalid-value",
            "not a valid Edm.TimeOfDay",
        ),
        (
            r#""aDuration": "1 day""#,
            "invalid-value",
            "not a valid Edm.Duration",
        ),
        (
            r#""aBinary": "a+b/""#,
            "invalid-value",
            "not a valid Edm.Binary",
        ),
        (
            r#""guids": ["nope"]"#,
            "invalid-value",
            "not a valid Edm.Guid",
        ),
        (r#""aBoolean": "true""#, "type-mismatch", "aBoolean"),
        (r#""anInt32": null"#, "type-mismatch", "anInt32"),
        (r#""aDouble": null"#, "type-mismatch", "aDouble"),
        (
            r#""states": ["active", "bogus"]"#,
            "invalid-value",
            "not a member of `microsoft.graph.policyState`",
        ),
        (r#""states": null"#, "type-mismatch", "states"),
        (
            r#""anInt64x": 1"#,
            "unknown-field",
            "did you mean `anInt64`?",
        ),
    ];
    for (i, (prop, rule, needle)) in cases.iter().enumerate() {
        let name = format!("bad-{i}.json");
        write(t.path(), &name, sample(prop));
        let d = lint(t.path(), &graph, &[&name], 1);
        assert_eq!(d.len(), 1, "{prop}: {d:#?}");
        assert_eq!(d[0].rule, *rule, "{prop}: {d:#?}");
        assert!(d[0].message.contains(needle), "{prop}: {}", d[0].message);
    }
}

#[test]
fn enums_flags_and_open_types() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    let policy =
        |extra: &str| format!("{{\"@odata.type\": \"{POLICY}\", \"displayName\": \"p\"{extra}}}\n");
    write(
        t.path(),
        "ok.json",
        policy(
            r#", "state": "active", "activeDays": "monday,tuesday", "settings": {"version": 3, "anything": true}"#,
        ),
    );
    assert_eq!(lint(t.path(), &graph, &["ok.json"], 0), vec![]);
    write(t.path(), "typo.json", policy(r#", "state": "actve""#));
    let d = lint(t.path(), &graph, &["typo.json"], 1);
    assert_eq!(ats(&d), vec![("invalid-value", 1, 76, "/state")]);
    assert!(
        d[0].message.contains("did you mean `active`?"),
        "{}",
        d[0].message
    );
    write(
        t.path(),
        "flags.json",
        policy(r#", "activeDays": "monday,funday""#),
    );
    let d = lint(t.path(), &graph, &["flags.json"], 1);
    assert_eq!(ats(&d), vec![("invalid-value", 1, 76, "/activeDays")]);
    assert!(
        d[0].message.contains("microsoft.graph.weekDays"),
        "{}",
        d[0].message
    );
    // An open entity (user) takes any extra property; a closed one (group) does not.
    write(
        t.path(),
        "user.json",
        r##"{"@odata.type": "#microsoft.graph.user", "id": "u", "extensionAttribute1": "x"}"##,
    );
    assert_eq!(lint(t.path(), &graph, &["user.json"], 0), vec![]);
    write(
        t.path(),
        "group.json",
        r##"{"@odata.type": "#microsoft.graph.group", "id": "g", "displayName": "g", "mailEnabled": false, "extensionAttribute1": "x"}"##,
    );
    let d = lint(t.path(), &graph, &["group.json"], 1);
    assert_eq!(
        ats(&d),
        vec![("unknown-field", 1, 96, "/extensionAttribute1")]
    );
    // Navigation properties may appear (expanded); `@odata.bind` is an annotation.
    write(
        t.path(),
        "nav.json",
        policy(
            r#", "assignments": [{"id": "a"}], "owner@odata.bind": "https://graph.microsoft.com/v1.0/users/u""#,
        ),
    );
    assert_eq!(lint(t.path(), &graph, &["nav.json"], 0), vec![]);
}

#[test]
fn operations_route_derived_bodies_and_decide_what_is_required() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    let http = |name: &str, text: &str| {
        write(t.path(), name, text);
    };
    // A body naming a type derived from the operation's is checked as that type.
    http(
        "derived.http",
        "PATCH /v1.0/directoryObjects/d1\nContent-Type: application/json\n\n{\"@odata.type\": \"#microsoft.graph.group\", \"mailEnabled\": true, \"foo\": 1}\n",
    );
    let d = lint(t.path(), &graph, &["derived.http"], 1);
    assert_eq!(ats(&d), vec![("unknown-field", 4, 64, "/foo")]);
    assert_eq!(d[0].resource.as_deref(), Some("microsoft.graph.group"));
    assert!(d[0].message.contains("mailEnabled"), "{}", d[0].message);
    // A type that is not derived from it is a wrong @odata.type.
    http(
        "unrelated.http",
        &format!("PATCH /directoryObjects/d1\nContent-Type: application/json\n\n{{\"@odata.type\": \"{POLICY}\"}}\n"),
    );
    let d = lint(t.path(), &graph, &["unrelated.http"], 1);
    assert_eq!(ats(&d), vec![("wrong-odata-type", 4, 2, "/@odata.type")]);
    assert_eq!(
        d[0].resource.as_deref(),
        Some("microsoft.graph.directoryObject")
    );

    // Read-only in requests: the key, Computed, Permissions=Read; not Computed=false.
    http(
        "create.http",
        &format!("POST /provisioningPolicies\nContent-Type: application/json\n\n{{\"@odata.type\": \"{POLICY}\", \"id\": \"x\", \"displayName\": \"p\", \"createdDateTime\": \"2024-01-01T00:00:00Z\", \"version\": 2, \"coverage\": 5}}\n"),
    );
    // Read-only fields are warnings: the run passes.
    let d = lint(t.path(), &graph, &["create.http"], 0);
    let ro: Vec<&str> = d
        .iter()
        .filter(|d| d.rule == "read-only-field")
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(ro, vec!["/id", "/createdDateTime", "/version"], "{d:#?}");
    assert_eq!(d.len(), 3, "{d:#?}");

    // A response requires the key only: non-nullable properties need not be sent (Graph
    // returns a default subset), and $select narrows even the key away.
    let get = |select: &str, body: &str| {
        format!("GET /provisioningPolicies/p1{select}\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}\n")
    };
    http("get.http", &get("", r#"{"id": "p1"}"#));
    assert_eq!(lint(t.path(), &graph, &["get.http"], 0), vec![]);
    http("no-key.http", &get("", r#"{"displayName": "p"}"#));
    let d = lint(t.path(), &graph, &["no-key.http"], 1);
    assert_eq!(ats(&d), vec![("missing-required", 6, 1, "/id")]);
    http(
        "select.http",
        &get("?$select=displayName", r#"{"displayName": "p"}"#),
    );
    assert_eq!(lint(t.path(), &graph, &["select.http"], 0), vec![]);
    // Imported with --strict-responses, a response also requires the non-nullable properties.
    let strict = t.path().join("strict");
    let r = catalog_import(t.path(), &fixture(), &strict, &["--strict-responses"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let missing: BTreeSet<String> = lint(t.path(), &strict, &["get.http"], 1)
        .into_iter()
        .map(|d| d.pointer)
        .collect();
    let want = [
        "/activeDays",
        "/aliases",
        "/createdDateTime",
        "/displayName",
    ];
    assert_eq!(missing, want.into_iter().map(String::from).collect());
    assert_eq!(lint(t.path(), &strict, &["select.http"], 0), vec![]);
    // PATCH bodies require nothing; PUT bodies the non-nullable writable properties.
    http(
        "patch.http",
        "PATCH /provisioningPolicies/p1\nContent-Type: application/json\n\n{}\n",
    );
    assert_eq!(lint(t.path(), &graph, &["patch.http"], 0), vec![]);
    http(
        "put.http",
        "PUT /provisioningPolicies/p1\nContent-Type: application/json\n\n{}\n",
    );
    let missing: BTreeSet<String> = lint(t.path(), &graph, &["put.http"], 1)
        .into_iter()
        .map(|d| d.pointer)
        .collect();
    assert_eq!(
        missing,
        ["/activeDays", "/aliases", "/displayName"]
            .into_iter()
            .map(String::from)
            .collect()
    );
    // Containment: a contained path routes to the contained type; deeper than the fixture
    // allows (a type already on the path) does not.
    http("contained.http", "GET /me/mailFolders/f/childFolders/c\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"c\", \"displayName\": \"Inbox\", \"nope\": 1}\n");
    let d = lint(t.path(), &graph, &["contained.http"], 1);
    assert_eq!(ats(&d), vec![("unknown-field", 6, 37, "/nope")]);
    assert_eq!(d[0].resource.as_deref(), Some("microsoft.graph.mailFolder"));
    http("too-deep.http", "GET /me/mailFolders/f/childFolders/c/childFolders/d\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"c\"}\n");
    let d = lint(t.path(), &graph, &["too-deep.http"], 0);
    assert_eq!(d[0].rule, "unknown-operation");
    // The hint names the nearest few operations, not the catalog's every one.
    let hint = d[0]
        .message
        .split_once("nearest of the catalog's ")
        .unwrap()
        .1;
    assert!(
        hint.contains(
            " operations: GET /me/mailFolders/{mailFoldersId}/childFolders/{childFoldersId}; "
        ),
        "{hint}"
    );
    assert_eq!(hint.matches("; ").count(), 2, "{hint}");
}

#[test]
fn resources_are_named_by_qualified_or_unique_bare_name() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    write(
        t.path(),
        "u.json",
        r#"{"id": "u", "displayName": "d", "anything": 1}"#,
    );
    for name in ["microsoft.graph.user", "user", "User"] {
        assert_eq!(
            lint(t.path(), &graph, &["u.json", "--resource", name], 0),
            vec![],
            "{name}"
        );
    }
    let d = lint(t.path(), &graph, &["u.json", "--resource", "group"], 1);
    assert_eq!(d[0].resource.as_deref(), Some("microsoft.graph.group"));
    let r = run_in(
        t.path(),
        &[
            "u.json",
            "--schemas",
            graph.to_str().unwrap(),
            "--resource",
            "usr",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("microsoft.graph.user"), "{}", r.stderr);
}

#[test]
fn schemas_are_read_when_first_used_and_a_broken_one_names_its_file() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    // A broken schema of a resource nobody uses does not matter...
    std::fs::write(graph.join("microsoft.graph.group.schema.json"), "{ broken").unwrap();
    write(
        t.path(),
        "u.json",
        r##"{"@odata.type": "#microsoft.graph.user", "id": "u"}"##,
    );
    assert_eq!(lint(t.path(), &graph, &["u.json"], 0), vec![]);
    // ...until a payload needs it: then the run says which file is bad, and exits 2.
    write(
        t.path(),
        "g.json",
        r##"{"@odata.type": "#microsoft.graph.group", "id": "g"}"##,
    );
    let r = run_in(
        t.path(),
        &["g.json", "u.json", "--schemas", graph.to_str().unwrap()],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        (r.stdout.clone() + &r.stderr).contains("microsoft.graph.group.schema.json"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    // An index that is not one is refused at start-up, naming it.
    std::fs::write(graph.join("paylint-catalog.json"), "{}").unwrap();
    let r = run_in(t.path(), &["u.json", "--schemas", graph.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("paylint-catalog.json"), "{}", r.stderr);
}

#[test]
fn an_overlay_for_an_unknown_resource_is_refused() {
    let t = TempDir::new().unwrap();
    let graph = import(t.path());
    write(
        &graph,
        "microsoft.graph.nothing.overlay.json",
        r#"{"resource": "microsoft.graph.nothing", "operations": []}"#,
    );
    write(t.path(), "u.json", "{}");
    let r = run_in(t.path(), &["u.json", "--schemas", graph.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("microsoft.graph.nothing.overlay.json"),
        "{}",
        r.stderr
    );
}

/// Microsoft Graph's real v1.0 metadata: imported whole, then a Cloud PC provisioning policy
/// assignment is linted against it.
#[test]
fn microsoft_graph_v1_metadata_imports_and_lints() {
    let csdl = root().join("tests/data/csdl/graph-v1.0.csdl");
    let t = TempDir::new().unwrap();
    let out = t.path().join("graph");
    let r = catalog_import(t.path(), &csdl, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("1182 entity types, 1779 complex types"),
        "{}",
        r.stdout
    );
    write(
        t.path(),
        "assign.http",
        "PATCH https://graph.microsoft.com/v1.0/deviceManagement/virtualEndpoint/provisioningPolicies/p/assignments/a\n\
         Content-Type: application/json\n\n\
         {\"target\": {\"groupId\": \"g\"}}\n",
    );
    let d = lint(t.path(), &out, &["assign.http"], 1);
    assert_eq!(
        ats(&d),
        vec![("missing-required", 4, 12, "/target/@odata.type")]
    );
    assert_eq!(
        d[0].resource.as_deref(),
        Some("microsoft.graph.cloudPcProvisioningPolicyAssignment")
    );
    write(
        t.path(),
        "ok.http",
        "PATCH /deviceManagement/virtualEndpoint/provisioningPolicies/p/assignments/a\n\
         Content-Type: application/json\n\n\
         {\"target\": {\"@odata.type\": \"#microsoft.graph.cloudPcManagementGroupAssignmentTarget\", \"groupId\": \"g\"}}\n",
    );
    assert_eq!(lint(t.path(), &out, &["ok.http"], 0), vec![]);
}

/// An OData V2 service as SAP Gateway describes it (tests/data/csdl/sap-v2.xml): associations,
/// navigation by `Relationship`/`ToRole`, `FunctionImport`s, `Edm.DateTime` and `Edm.Time`,
/// `sap:label`, `sap:creatable`/`sap:updatable` on properties and entity sets.
#[test]
fn odata_v2_sap_metadata_imports_and_lints() {
    let t = TempDir::new().unwrap();
    let out = t.path().join("sap");
    let v2 = root().join("tests/data/csdl/sap-v2.xml");
    let r = catalog_import(t.path(), &v2, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("3 entity types, 1 complex types, 0 enum types"),
        "{}",
        r.stdout
    );
    assert_eq!(r.stderr, "");
    // Sets that are not creatable (or updatable) have no POST (nor PATCH and PUT).
    let r = run_in(
        t.path(),
        &["catalog", "list", "--schemas", out.to_str().unwrap()],
    );
    let ops = |resource: &str| -> Vec<String> {
        r.stdout
            .split("\nZSALES_SRV.")
            .find(|b| b.starts_with(&format!("{resource} ")))
            .unwrap_or_else(|| panic!("{resource}:\n{}", r.stdout))
            .lines()
            .skip(1)
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(
        ops("SalesOrder"),
        [
            "GET /SalesOrderSet",
            "POST /SalesOrderSet",
            "DELETE /SalesOrderSet/{SalesOrderSetId}",
            "GET /SalesOrderSet/{SalesOrderSetId}",
            "PATCH /SalesOrderSet/{SalesOrderSetId}",
            "PUT /SalesOrderSet/{SalesOrderSetId}",
        ]
    );
    assert!(!ops("Customer").iter().any(|o| o.starts_with("POST")));
    assert!(ops("SalesOrderItem")
        .iter()
        .all(|o| !o.starts_with("POST") && !o.starts_with("PATCH") && !o.starts_with("PUT")));
    // sap:label is the description.
    let order = std::fs::read_to_string(out.join("ZSALES_SRV.SalesOrder.schema.json")).unwrap();
    assert!(order.contains("\"description\": \"Created At\""), "{order}");

    let body = |extra: &str| {
        format!(
            r#"{{"SalesOrderID": "1", "CustomerID": "C1", "NetAmount": "12.50", "Channel": "web", "CreatedAt": "/Date(1717163100000)/", "ChangedAt": "2024-05-31T13:45:00", "DeliveryTime": "PT13H45M", "Attachment": "aGVsbG8=", "Address": {{"City": "Walldorf"}}, "ToItems": [{{"ItemPosition": "10"}}], "ToCustomer": {{"CustomerID": "C1"}}{extra}}}"#
        )
    };
    let order = ["--resource", "ZSALES_SRV.SalesOrder"];
    write(t.path(), "ok.json", body(""));
    let mut args = vec!["ok.json"];
    args.extend(order);
    assert_eq!(lint(t.path(), &out, &args, 0), vec![]);
    let cases = [
        (
            r#", "CreatedAt": "2024-05-31""#,
            "invalid-value",
            "not a valid Edm.DateTime",
        ),
        (
            r#", "DeliveryTime": "13:45""#,
            "invalid-value",
            "not a valid Edm.Time",
        ),
        (
            r#", "Attachment": "a-b_""#,
            "invalid-value",
            "not a valid Edm.Binary",
        ),
        (r#", "NetAmount": "12,50""#, "invalid-value", "Edm.Decimal"),
        (
            r#", "CustomerId": "C1""#,
            "unknown-field",
            "did you mean `CustomerID`?",
        ),
        (
            r#", "Address": {"Town": "Walldorf"}"#,
            "unknown-field",
            "Town",
        ),
    ];
    for (i, (extra, rule, needle)) in cases.iter().enumerate() {
        let name = format!("bad-{i}.json");
        // The later key is the one checked (and the earlier one a duplicate-key finding).
        write(t.path(), &name, body(extra));
        let mut args = vec![name.as_str()];
        args.extend(order);
        let d: Vec<Diag> = lint(t.path(), &out, &args, 1)
            .into_iter()
            .filter(|d| d.rule != "duplicate-key")
            .collect();
        assert_eq!(d.len(), 1, "{extra}: {d:#?}");
        assert_eq!(d[0].rule, *rule, "{extra}: {d:#?}");
        assert!(d[0].message.contains(needle), "{extra}: {}", d[0].message);
    }
    // Read-only in requests: the key and what is neither creatable nor updatable; a property
    // settable on update only (Note) or on create only (Channel) is not flagged.
    write(
        t.path(),
        "create.http",
        format!(
            "POST /SalesOrderSet\nContent-Type: application/json\n\n{}\n",
            body(r#", "Note": "n""#)
        ),
    );
    let ro: Vec<String> = lint(t.path(), &out, &["create.http"], 0)
        .into_iter()
        .filter(|d| d.rule == "read-only-field")
        .map(|d| d.pointer)
        .collect();
    assert_eq!(ro, ["/SalesOrderID", "/CreatedAt"]);
    // Items are not creatable through their set.
    write(
        t.path(),
        "item.http",
        "POST /SalesOrderItemSet\nContent-Type: application/json\n\n{\"ItemPosition\": \"10\"}\n",
    );
    let d = lint(t.path(), &out, &["item.http"], 0);
    assert_eq!(d[0].rule, "unknown-operation", "{d:#?}");

    // SAP writes its metadata on one line: the same document on one line imports the same,
    // and a mistake in it is placed by column.
    let one_line = std::fs::read_to_string(&v2)
        .unwrap()
        .lines()
        .map(str::trim)
        .collect::<String>();
    write(t.path(), "one-line.xml", &one_line);
    let r = catalog_import(
        t.path(),
        &t.path().join("one-line.xml"),
        &t.path().join("one"),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("3 entity types, 1 complex types"));
    let broken = one_line.replace("ToRole=\"ToRole_Customer\"", "ToRole=\"ToRole_Custmer\"");
    write(t.path(), "broken.xml", &broken);
    let r = catalog_import(
        t.path(),
        &t.path().join("broken.xml"),
        &t.path().join("broken"),
        &[],
    );
    assert_eq!(r.code, 2);
    let column = broken
        .find("<NavigationProperty Name=\"ToCustomer\"")
        .unwrap()
        + 1;
    assert!(
        r.stderr.contains(&format!("broken.xml:1:{column}: error:"))
            && r.stderr.contains("has no end with role `ToRole_Custmer`"),
        "{}",
        r.stderr
    );
    assert!(!t.path().join("broken").exists());
}

/// A CSDL document of one schema, `namespace`, holding `body`.
fn edmx(namespace: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="{namespace}" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    )
}

/// Every file and folder under `dir`, with each file's contents.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let shown = p.strip_prefix(dir).unwrap().display().to_string();
            if p.is_dir() {
                out.push((format!("{shown}/"), Vec::new()));
                todo.push(p);
            } else {
                out.push((shown, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Traversal, absolute, hidden and huge names: refused by the compiler with their place, and no
/// file appears anywhere (the output folder's parent and grandparent are listed before and
/// after), nor at an absolute path a namespace names.
#[test]
fn hostile_names_write_nothing_outside_the_output_folder() {
    let t = TempDir::new().unwrap();
    let work = t.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let out = work.join("catalog");
    let absolute = t.path().join("abs");
    let huge = "n".repeat(100_000);
    let entity = |name: &str| {
        format!(
            r#"      <EntityType Name="{name}"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>"#
        )
    };
    let docs = [
        edmx("../../evil", &entity("x")),
        edmx("..", &entity("x")),
        edmx(".", &entity("victim")),
        edmx(absolute.to_str().unwrap(), &entity("Foo")),
        edmx("ns", &entity("/victim/Foo")),
        edmx("ns", &entity("..")),
        edmx("ns", &entity("../x")),
        edmx("ns", &entity(&huge)),
        edmx(&huge, &entity("x")),
        edmx("ns", &format!("{}\n{}", entity("ok"), entity("C:\\evil"))),
    ];
    let before = snapshot(t.path());
    for (i, doc) in docs.iter().enumerate() {
        let name = format!("hostile-{i}.xml");
        let path = write(t.path(), &name, doc);
        let before = snapshot(t.path());
        let r = catalog_import(&work, &path, &out, &[]);
        assert_eq!(r.code, 2, "{name}: {}", r.stdout);
        assert!(
            r.stderr.contains("is not a name") || r.stderr.contains("is not a namespace"),
            "{name}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(&format!("{name}:")), "{}", r.stderr);
        assert!(r.stderr.len() < 2_000, "{name}: {} bytes", r.stderr.len());
        assert_eq!(snapshot(t.path()), before, "{name}");
        assert!(!out.exists());
    }
    assert!(!t.path().join("abs.Foo.schema.json").exists());
    assert_eq!(
        snapshot(t.path())
            .into_iter()
            .filter(|(f, _)| !f.starts_with("hostile-"))
            .collect::<Vec<_>>(),
        before
    );
    // A good import adds the output folder and nothing else.
    let good = write(t.path(), "good.xml", edmx("ns", &entity("thing")));
    let before = snapshot(t.path());
    let r = catalog_import(&work, &good, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let added: Vec<String> = snapshot(t.path())
        .into_iter()
        .filter(|e| !before.contains(e))
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        added,
        [
            "work/catalog/",
            "work/catalog/ns.thing.schema.json",
            "work/catalog/paylint-catalog.json"
        ]
    );
}

/// The new catalog is built beside the old one and swapped in: a failed import (bad metadata, a
/// file that cannot be written midway) leaves the old catalog as it was and no temporary folder;
/// a good one carries the files that are not the earlier import's over.
#[test]
fn a_failed_import_leaves_the_old_catalog_as_it_was() {
    let t = TempDir::new().unwrap();
    let out = t.path().join("graph");
    // An earlier import of the fixture without one type, and the user's files beside it.
    let fixture_text = std::fs::read_to_string(fixture()).unwrap();
    let smaller = fixture_text.replace(
        r#"<ComplexType Name="exclusionGroupAssignmentTarget" BaseType="graph.groupAssignmentTarget" />"#,
        "",
    );
    let smaller = write(t.path(), "smaller.xml", smaller);
    let r = catalog_import(t.path(), &smaller, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(
        &out,
        "microsoft.graph.user.overlay.json",
        r#"{"resource": "microsoft.graph.user", "operations": []}"#,
    );
    write(&out, "notes/readme.txt", "mine");
    let before = snapshot(t.path());

    // Bad metadata (cut before its container, between elements): nothing changes.
    let cut = &fixture_text[..fixture_text.find("<EntityContainer").unwrap()];
    write(t.path(), "cut.xml", cut);
    let r = catalog_import(t.path(), &t.path().join("cut.xml"), &out, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cut short"), "{}", r.stderr);
    let after: Vec<_> = snapshot(t.path())
        .into_iter()
        .filter(|(f, _)| f != "cut.xml")
        .collect();
    assert_eq!(after, before);

    // A file of the user's where the import would write: refused midway, after the files
    // before it were written (into the temporary folder, which goes).
    let mine = "microsoft.graph.exclusionGroupAssignmentTarget.schema.json";
    write(&out, mine, "{\"mine\": true}");
    let before = snapshot(t.path());
    let r = catalog_import(t.path(), &fixture(), &out, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("was not written by an earlier import"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(t.path()), before);

    // A good import: the new schema files, the user's files carried over, nothing else left.
    std::fs::remove_file(out.join(mine)).unwrap();
    let r = catalog_import(t.path(), &fixture(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join(mine).is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("notes/readme.txt")).unwrap(),
        "mine"
    );
    assert!(out.join("microsoft.graph.user.overlay.json").is_file());
    let top: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(top.is_empty(), "left behind: {top:?}");
    // The folder is a catalog that lints.
    write(
        t.path(),
        "u.json",
        r##"{"@odata.type": "#microsoft.graph.user", "id": "u"}"##,
    );
    assert_eq!(lint(t.path(), &out, &["u.json"], 0), vec![]);
}

/// What Windows PowerShell 5 `>` writes (UTF-16 with a byte order mark) and UTF-8 with a byte
/// order mark import; other encodings are one clear error.
#[test]
fn utf16_and_bom_metadata_import_and_other_encodings_are_clear_errors() {
    let t = TempDir::new().unwrap();
    let text = std::fs::read_to_string(fixture()).unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    for (name, bytes) in [("le.xml", le), ("be.xml", be), ("bom.xml", bom)] {
        let path = write(t.path(), name, bytes);
        let r = catalog_import(
            t.path(),
            &path,
            &t.path().join(name.replace(".xml", "")),
            &[],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert!(
            r.stdout.contains("10 entity types, 11 complex types"),
            "{name}: {}",
            r.stdout
        );
    }
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let latin = text
        .replace("A provisioning policy", "Une r\u{e8}gle")
        .replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"");
    let latin: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    for (name, bytes, needle) in [
        ("no-bom.xml", no_bom, "UTF-16 without a byte order mark"),
        ("latin.xml", latin, "not UTF-8"),
    ] {
        let path = write(t.path(), name, bytes);
        let out = t.path().join("out");
        let r = catalog_import(t.path(), &path, &out, &[]);
        assert_eq!(r.code, 2, "{name}");
        assert!(
            r.stderr.contains(needle) && r.stderr.contains(name),
            "{name}: {}",
            r.stderr
        );
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(!out.exists());
    }
}

/// Unresolved names are errors with their place and the nearest name; with `--allow-unresolved`
/// they are warnings on stderr (never silence), and their values accept anything.
#[test]
fn allow_unresolved_turns_unresolved_names_into_printed_warnings() {
    let t = TempDir::new().unwrap();
    let doc = write(
        t.path(),
        "typo.xml",
        edmx(
            "ns",
            r#"      <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="size" Type="Edm.Strnig"/></EntityType>
      <EntityContainer Name="svc"><EntitySet Name="things" EntityType="ns.thing"/></EntityContainer>"#,
        ),
    );
    let out = t.path().join("out");
    let r = catalog_import(t.path(), &doc, &out, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("typo.xml:6:9: error: property `size` of `ns.thing` has type `Edm.Strnig`, which is not an OData V4 primitive type (did you mean `Edm.String`?)")
            && r.stderr.contains("--allow-unresolved"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    let r = catalog_import(t.path(), &doc, &out, &["--allow-unresolved"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("typo.xml:6:9: warning: property `size`")
            && r.stderr.contains("did you mean `Edm.String`?"),
        "{}",
        r.stderr
    );
    write(
        t.path(),
        "t.json",
        r##"{"@odata.type": "#ns.thing", "id": "1", "size": [5]}"##,
    );
    assert_eq!(lint(t.path(), &out, &["t.json"], 0), vec![]);
}

/// The SARIF 2.1.0 schema of tests/data, as tests/render_formats.rs compiles it (draft-04 as it
/// declares, and draft-07 for its `uri-reference` format).
fn assert_valid_sarif(log: &serde_json::Value) {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    for draft in [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7] {
        let v = jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = v.iter_errors(log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "not valid SARIF: {errors:?}");
    }
}

/// Names outside ASCII, in namespaces, types, properties, enum members, entity sets and derived
/// types: imported under their own names, linted with the same findings and hints as any other,
/// and reported in valid JSON, SARIF and JUnit.
#[test]
fn non_ascii_names_import_and_lint_end_to_end() {
    let t = TempDir::new().unwrap();
    let body = r#"      <EnumType Name="Farbe"><Member Name="Grün"/><Member Name="Blau"/></EnumType>
      <EnumType Name="Tage" IsFlags="true"><Member Name="Montag"/><Member Name="Dienstag"/></EnumType>
      <ComplexType Name="Anschrift" Abstract="true"><Property Name="Ort" Type="Edm.String"/></ComplexType>
      <ComplexType Name="Straßenanschrift" BaseType="Verkehr.Österreich.Anschrift"><Property Name="Hausnummer" Type="Edm.Int32"/></ComplexType>
      <ComplexType Name="Postfach" BaseType="Verkehr.Österreich.Anschrift"><Property Name="Nummer" Type="Edm.String"/></ComplexType>
      <EntityType Name="Straße">
        <Key><PropertyRef Name="Größe"/></Key>
        <Property Name="Größe" Type="Edm.Int32" Nullable="false"/>
        <Property Name="Farbe" Type="Verkehr.Österreich.Farbe"/>
        <Property Name="Tage" Type="Verkehr.Österreich.Tage"/>
        <Property Name="Anschrift" Type="Verkehr.Österreich.Anschrift"/>
        <Property Name="Ελληνικά" Type="Edm.String"/>
      </EntityType>
      <EntityContainer Name="Dienst"><EntitySet Name="Straßen" EntityType="Verkehr.Österreich.Straße"/></EntityContainer>"#;
    let doc = write(t.path(), "straße.xml", edmx("Verkehr.Österreich", body));
    let out = t.path().join("katalog");
    let r = catalog_import(t.path(), &doc, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("Verkehr.Österreich.Straße.schema.json").is_file());
    let ty = "#Verkehr.Österreich.Straße";
    let cases = [
        (
            "ok.json",
            format!(
                r##"{{"@odata.type": "{ty}", "Größe": 1, "Farbe": "Grün", "Tage": "Montag,Dienstag", "Ελληνικά": "α", "Anschrift": {{"@odata.type": "#Verkehr.Österreich.Straßenanschrift", "Ort": "Wien", "Hausnummer": 3}}}}"##
            ),
            vec![],
        ),
        (
            "unknown.json",
            format!(r#"{{"@odata.type": "{ty}", "Gröe": 1}}"#),
            vec![("unknown-field", "did you mean `Größe`?")],
        ),
        (
            "member.json",
            format!(r#"{{"@odata.type": "{ty}", "Farbe": "Gruen"}}"#),
            vec![("invalid-value", "did you mean `Grün`?")],
        ),
        (
            "flags.json",
            format!(r#"{{"@odata.type": "{ty}", "Tage": "Montag,Mittwoch"}}"#),
            vec![("invalid-value", "Verkehr.Österreich.Tage")],
        ),
        (
            "derived.json",
            format!(
                r##"{{"@odata.type": "{ty}", "Anschrift": {{"@odata.type": "#Verkehr.Österreich.Postfach", "Hausnummer": 3}}}}"##
            ),
            vec![("unknown-field", "Nummer")],
        ),
        (
            "not-derived.json",
            format!(
                r##"{{"@odata.type": "{ty}", "Anschrift": {{"@odata.type": "#Verkehr.Österreich.Straße"}}}}"##
            ),
            vec![("wrong-odata-type", "#Verkehr.Österreich.Straßenanschrift")],
        ),
        (
            "wrong-type.json",
            r##"{"@odata.type": "#Verkehr.Österreich.Strasse", "Größe": 1}"##.to_string(),
            vec![("wrong-odata-type", ty)],
        ),
    ];
    for (name, text, want) in &cases {
        write(t.path(), name, text);
        let code = if want.is_empty() { 0 } else { 1 };
        let d = lint(t.path(), &out, &[name, "--resource", "Straße"], code);
        let got: Vec<&str> = d.iter().map(|d| d.rule.as_str()).collect();
        let rules: Vec<&str> = want.iter().map(|(r, _)| *r).collect();
        assert_eq!(got, rules, "{name}: {d:#?}");
        for (d, (_, needle)) in d.iter().zip(want) {
            assert!(d.message.contains(needle), "{name}: {}", d.message);
            assert_eq!(d.resource.as_deref(), Some("Verkehr.Österreich.Straße"));
        }
    }
    // Routed by its entity set, written as is or percent-encoded.
    write(
        t.path(),
        "get.http",
        "GET /Stra%C3%9Fen/1\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"Größe\": 1, \"Länge\": 2}\n\n###\nPATCH /Straßen/1\nContent-Type: application/json\n\n{\"Größe\": 2}\n",
    );
    let d = lint(t.path(), &out, &["get.http"], 1);
    assert_eq!(
        d.iter()
            .map(|d| (d.rule.as_str(), d.pointer.as_str()))
            .collect::<Vec<_>>(),
        [("unknown-field", "/Länge"), ("read-only-field", "/Größe")]
    );

    // The reports are valid, and carry the names as they are.
    let files: Vec<&str> = cases.iter().map(|(n, ..)| *n).chain(["get.http"]).collect();
    let mut args = vec!["--schemas", out.to_str().unwrap(), "--resource", "Straße"];
    args.extend(&files);
    let with = |format: &str| {
        let mut a = args.clone();
        a.extend(["--format", format]);
        let r = run_in(t.path(), &a);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        r.stdout
    };
    let json: serde_json::Value = serde_json::from_str(&with("json")).unwrap();
    assert!(json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"].as_str().unwrap().contains("Größe")));
    let sarif: serde_json::Value = serde_json::from_str(&with("sarif")).unwrap();
    assert_valid_sarif(&sarif);
    assert!(sarif.to_string().contains("Verkehr.Österreich.Straße"));
    let junit = with("junit");
    let xml = roxmltree::Document::parse(&junit).unwrap_or_else(|e| panic!("{e}:\n{junit}"));
    let failures: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| n.attribute("message").unwrap())
        .collect();
    assert!(
        failures.iter().any(|m| m.contains("did you mean `Grün`?")),
        "{failures:?}"
    );
}

/// The bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    snapshot(dir).iter().map(|(_, b)| b.len() as u64).sum()
}

/// Import costs time and bytes in proportion to the document, never to derived types times the
/// properties that use them, nor to a chain's depth times its length: an 8,000-deep
/// inheritance chain and a base with 2,000 derived types used by 2,000 types' properties (in
/// paylint 0.1: 178 s, 6.9 GB of memory and 4.0 GB written; 75 s and 4.4 GB written) import
/// in a fraction of a second each in a release build, writing ten bytes or so per byte read, and a
/// body of the deepest type or of a user of the base lints as fast. A resource whose schema
/// would be the square of a chain (a property typed as its root) is refused, as fast.
#[test]
fn import_cost_is_linear_in_deep_chains_and_wide_fan_out() {
    let t = TempDir::new().unwrap();
    let entity = r#"      <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
"#;
    let mut chain = String::from(entity);
    chain.push_str("      <ComplexType Name=\"t0\"><Property Name=\"p0\" Type=\"Edm.String\"/></ComplexType>\n");
    for i in 1..8_000 {
        chain.push_str(&format!(
            "      <ComplexType Name=\"t{i}\" BaseType=\"ns.t{}\"><Property Name=\"p{i}\" Type=\"Edm.String\"/></ComplexType>\n",
            i - 1
        ));
    }
    let mut fan = String::from(entity);
    fan.push_str("      <ComplexType Name=\"base\"><Property Name=\"name\" Type=\"Edm.String\"/></ComplexType>\n");
    for i in 0..2_000 {
        fan.push_str(&format!(
            "      <ComplexType Name=\"d{i}\" BaseType=\"ns.base\"><Property Name=\"q{i}\" Type=\"Edm.Int32\"/></ComplexType>\n"
        ));
    }
    for i in 0..2_000 {
        fan.push_str(&format!(
            "      <EntityType Name=\"u{i}\"><Key><PropertyRef Name=\"id\"/></Key><Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"/><Property Name=\"p\" Type=\"ns.base\"/></EntityType>\n"
        ));
    }
    // Debug builds are ~20x slower than release; quadratic cost would take minutes (and
    // gigabytes) here.
    let bound = std::time::Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 3 });
    let cases = [
        (
            "chain",
            edmx("ns", &chain),
            r##"{"@odata.type": "#ns.t7999", "p0": "a", "p7999": "b", "p8000": "c"}"##,
            "ns.t7999",
            "/p8000",
        ),
        (
            "fan",
            edmx("ns", &fan),
            r##"{"id": "1", "p": {"@odata.type": "#ns.d1999", "q1999": 1, "q0": 2}}"##,
            "ns.u7",
            "/p/q0",
        ),
    ];
    // A property typed as the root of the chain: every derived type's shape, with every
    // inherited property, would be in its schema (the square of the depth); it is refused as
    // too large, in bounded time, naming the file.
    let used = chain.replace(
        "      <ComplexType Name=\"t0\">",
        "      <ComplexType Name=\"user\"><Property Name=\"v\" Type=\"ns.t0\"/></ComplexType>\n      <ComplexType Name=\"t0\">",
    );
    let path = write(t.path(), "used.xml", edmx("ns", &used));
    let out = t.path().join("used");
    let r = catalog_import(t.path(), &path, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(
        t.path(),
        "used.json",
        r##"{"v": {"@odata.type": "#ns.t7999"}}"##,
    );
    let started = std::time::Instant::now();
    let r = run_in(
        t.path(),
        &[
            "used.json",
            "--schemas",
            out.to_str().unwrap(),
            "--resource",
            "ns.user",
        ],
    );
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("ns.user.schema.json") && r.stdout.contains("too large to check"),
        "{}",
        r.stdout
    );
    assert!(started.elapsed() < bound, "{:?}", started.elapsed());
    for (name, doc, body, resource, unknown) in cases {
        let path = write(t.path(), &format!("{name}.xml"), &doc);
        let out = t.path().join(name);
        let started = std::time::Instant::now();
        let r = catalog_import(t.path(), &path, &out, &[]);
        let import = started.elapsed();
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let written = bytes_under(&out);
        assert!(
            written < 20 * doc.len() as u64,
            "{name}: {written} bytes written for a {}-byte document",
            doc.len()
        );
        write(t.path(), &format!("{name}.json"), body);
        let started = std::time::Instant::now();
        let d = lint(
            t.path(),
            &out,
            &[&format!("{name}.json"), "--resource", resource],
            1,
        );
        let lint_time = started.elapsed();
        assert_eq!(ats(&d).iter().map(|a| a.3).collect::<Vec<_>>(), [unknown]);
        assert!(
            import < bound && lint_time < bound,
            "{name}: import {import:?}, lint {lint_time:?}"
        );
    }
}
