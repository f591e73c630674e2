//! OData collection bodies (`{"@odata.context": …, "value": [ … ]}`, what a list returns): each
//! item is routed and checked as a body of its own, its findings placed at `/value/N/…` in the
//! file; bodies that only look like collections are checked as they are.

mod common;

use common::*;
use tempfile::TempDir;

fn item(extra: &str) -> String {
    format!("{{\"@odata.type\": \"{ODATA_TYPE}\", \"id\": \"a\"{extra}}}")
}

fn collection(items: &[String]) -> String {
    format!(
        "{{\n  \"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#x\",\n  \"value\": [\n    {}\n  ],\n  \"@odata.nextLink\": \"https://graph.microsoft.com/v1.0/x?$skiptoken=1\"\n}}\n",
        items.join(",\n    ")
    )
}

#[test]
fn valid_collections_are_clean() {
    let t = TempDir::new().unwrap();
    let group = format!(", \"groupId\": \"{GROUP}\"");
    write(
        t.path(),
        "two.json",
        collection(&[
            item(&group),
            item(&format!("{group}, \"@odata.etag\": \"W/1\"")),
        ]),
    );
    write(t.path(), "empty.json", "{\"value\": []}\n");
    write(
        t.path(),
        "count.response.json",
        format!("{{\"@odata.count\": 1, \"value\": [{}]}}", item(&group)),
    );
    assert_eq!(diags_in(t.path(), &["."], 0), vec![]);
}

#[test]
fn each_item_is_checked_at_its_place_in_the_file() {
    let t = TempDir::new().unwrap();
    let group = format!(", \"groupId\": \"{GROUP}\"");
    write(
        t.path(),
        "list.json",
        collection(&[
            item(&group),
            item(""),
            format!(
                "{{\"@odata.type\": \"#microsoft.graph.provisionPolicyAssignmentItem\"{group}}}"
            ),
            "\"not an object\"".to_string(),
            item(&format!("{group}, \"groupID\": \"x\"")),
        ]),
    );
    let d = diags_in(t.path(), &["list.json"], 1);
    assert_eq!(
        ats(&d),
        vec![
            ("missing-required", 5, 5, "/value/1/groupId"),
            ("wrong-odata-type", 6, 6, "/value/2/@odata.type"),
            ("type-mismatch", 7, 5, "/value/3"),
            ("unknown-field", 8, 133, "/value/4/groupID"),
        ],
        "{d:#?}"
    );
    assert!(
        d[0].message
            .contains("`groupId` in `/value/1` of the ProvisionPolicyAssignmentItem body"),
        "{}",
        d[0].message
    );
    assert!(
        d[1].message.contains("differs only in case"),
        "{}",
        d[1].message
    );
    assert!(
        d[2].message
            .contains("`/value/3` of the ProvisionPolicyAssignmentItem body"),
        "{}",
        d[2].message
    );
    // groupId is present in item 4: no rename is proposed, only the near miss.
    assert!(
        d[3].message.contains("did you mean `groupId`?"),
        "{}",
        d[3].message
    );
}

#[test]
fn fixes_and_the_conformant_diff_reach_into_items() {
    let t = TempDir::new().unwrap();
    let text = collection(&[
        item(&format!(", \"groupId\": \"{GROUP}\"")),
        format!("{{\"@odata.type\": \"{ODATA_TYPE}\", \"groupID\": \"{GROUP}\"}}"),
        format!("{{\"@odata.type\": \"#microsoft.graph.provisionPolicyAssignmentItem\", \"groupId\": \"{GROUP}\"}}"),
    ]);
    let path = write(t.path(), "list.json", &text);
    // The human report's diff shows the conformant collection.
    let r = run_in(t.path(), &["list.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "+    {{\"@odata.type\": \"{ODATA_TYPE}\", \"groupId\": \"{GROUP}\"}},"
        )),
        "{}",
        r.stdout
    );
    // --fix renames the key in item 1 and corrects the type's case in item 2.
    let r = run_in(t.path(), &["list.json", "--fix"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        text.replace("groupID", "groupId").replace(
            "provisionPolicyAssignmentItem",
            "ProvisionPolicyAssignmentItem"
        )
    );
}

#[test]
fn bodies_that_only_look_like_collections_are_checked_as_they_are() {
    let t = TempDir::new().unwrap();
    let value = format!(
        "{{\"value\": [{}]}}\n",
        item(&format!(", \"groupId\": \"{GROUP}\""))
    );
    // A request is never a collection.
    write(t.path(), "sent.request.json", &value);
    let d = diags_in(t.path(), &["sent.request.json"], 1);
    assert_eq!(
        d.iter()
            .map(|d| (d.rule.as_str(), d.pointer.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("missing-required", "/groupId"),
            ("unknown-field", "/value")
        ]
    );
    // A member beside `value` that is not an annotation.
    write(
        t.path(),
        "extra.json",
        format!("{{\"groupId\": \"{GROUP}\", \"value\": []}}\n"),
    );
    let d = diags_in(t.path(), &["extra.json"], 1);
    assert_eq!(ats(&d), vec![("unknown-field", 1, 53, "/value")]);
    // A resource with a `value` property of its own.
    let schema = serde_json::json!({
        "$schema": DRAFT,
        "type": "object",
        "properties": {
            "@odata.type": {"const": "#contoso.graph.Setting"},
            "value": {"type": "array", "items": {"type": "string"}}
        },
        "patternProperties": {"@": {}},
        "additionalProperties": false
    });
    write(
        t.path(),
        "cat/Setting.schema.json",
        serde_json::to_string(&schema).unwrap(),
    );
    write(t.path(), "setting.json", "{\"value\": [\"a\", \"b\"]}\n");
    let args = ["setting.json", "--schemas", "cat", "--resource", "Setting"];
    assert_eq!(diags_in(t.path(), &args, 0), vec![]);
    write(t.path(), "setting-bad.json", "{\"value\": [\"a\", 2]}\n");
    let args = [
        "setting-bad.json",
        "--schemas",
        "cat",
        "--resource",
        "Setting",
    ];
    assert_eq!(
        ats(&diags_in(t.path(), &args, 1)),
        vec![("type-mismatch", 1, 17, "/value/1")]
    );
}

#[test]
fn items_are_routed_by_their_own_odata_type() {
    let t = TempDir::new().unwrap();
    let cat = widget_catalog(t.path(), "cat");
    let cat = cat.to_str().unwrap();
    write(
        t.path(),
        "mixed.json",
        collection(&[
            "{\"@odata.type\": \"#contoso.graph.Widget\", \"name\": \"ab\"}".to_string(),
            item(""),
        ]),
    );
    let d = diags_in(t.path(), &["mixed.json", "--schemas", cat], 1);
    let got: Vec<_> = d
        .iter()
        .map(|d| (d.rule.as_str(), d.pointer.as_str(), d.resource.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("invalid-value", "/value/0/name", Some("Widget")),
            (
                "missing-required",
                "/value/1/groupId",
                Some("ProvisionPolicyAssignmentItem")
            ),
        ]
    );
    // Items that route nowhere: one finding for the collection, at the first of them.
    write(
        t.path(),
        "unknown.json",
        collection(&[
            "{\"@odata.type\": \"#contoso.graph.Gadget\"}".to_string(),
            "{\"@odata.type\": \"#contoso.graph.Gizmo\"}".to_string(),
        ]),
    );
    let d = diags_in(t.path(), &["unknown.json", "--schemas", cat], 0);
    assert_eq!(ats(&d), vec![("unknown-resource", 4, 5, "/value/0")]);
}

#[test]
fn a_list_response_routes_through_the_imported_list_operation() {
    let t = TempDir::new().unwrap();
    let out = t.path().join("graph");
    let csdl = root().join("tests/data/csdl/fixture.xml");
    let r = catalog_import(t.path(), &csdl, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = out.to_str().unwrap();
    write(
        t.path(),
        "list.http",
        format!(
            "GET https://graph.microsoft.com/v1.0/provisioningPolicies/p/assignments\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{}",
            collection(&[
                "{\"id\": \"a\", \"groupId\": \"g\"}".to_string(),
                "{\"groupId\": \"g\", \"gruopId\": \"h\"}".to_string(),
            ])
        ),
    );
    let d = diags_in(t.path(), &["list.http", "--schemas", out], 1);
    assert_eq!(
        ats(&d),
        vec![
            ("missing-required", 10, 5, "/value/1/id"),
            ("unknown-field", 10, 22, "/value/1/gruopId"),
        ],
        "{d:#?}"
    );
    assert!(d
        .iter()
        .all(|d| d.resource.as_deref() == Some("microsoft.graph.ProvisionPolicyAssignmentItem")));
    // Derived items of a base-typed list are each checked as the type they name.
    write(
        t.path(),
        "objects.http",
        format!(
            "GET /directoryObjects\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{}",
            collection(&[
                "{\"@odata.type\": \"#microsoft.graph.group\", \"id\": \"g\", \"mailEnabled\": true}"
                    .to_string(),
                "{\"@odata.type\": \"#microsoft.graph.group\", \"id\": \"h\", \"foo\": 1}"
                    .to_string(),
            ])
        ),
    );
    let d = diags_in(t.path(), &["objects.http", "--schemas", out], 1);
    assert_eq!(ats(&d), vec![("unknown-field", 10, 58, "/value/1/foo")]);
    assert_eq!(d[0].resource.as_deref(), Some("microsoft.graph.group"));
}
