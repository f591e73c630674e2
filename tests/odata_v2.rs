//! An OData V2 service end to end (tests/data/csdl/sap-v2.xml, SAP Gateway style: `sap:`
//! annotations, associations, function imports) with captures in V2's verbose JSON: the `d`
//! envelope, `results`, `__metadata`, `__deferred`, `/Date()/`. No `--service-root`: the root
//! (`/sap/opu/odata/sap/ZSALES_SRV`) is learned from the URLs.

mod common;

use common::{diags_in, write};
use std::path::Path;
use tempfile::TempDir;

const ROOT: &str = "https://host/sap/opu/odata/sap/ZSALES_SRV";

fn captures(http: &str) -> TempDir {
    let t = TempDir::new().unwrap();
    let xml = std::fs::read(common::root().join("tests/data/csdl/sap-v2.xml")).unwrap();
    write(t.path(), "sales.xml", xml);
    write(t.path(), "captures.http", http.replace("{ROOT}", ROOT));
    t
}

fn lint(dir: &Path, code: i32) -> Vec<common::Diag> {
    diags_in(
        dir,
        &["captures.http", "--metadata", "sales.xml", "--no-cache"],
        code,
    )
}

const ORDER: &str = r#"{"__metadata": {"id": "{ROOT}/SalesOrderSet('1')", "uri": "{ROOT}/SalesOrderSet('1')", "type": "ZSALES_SRV.SalesOrder"}, "SalesOrderID": "1", "CustomerID": "C1", "NetAmount": "100.000", "Currency": "EUR", "CreatedAt": "/Date(1717163100000)/", "ChangedAt": null, "DeliveryTime": "PT13H20M00S", "Note": "rush", "Channel": "WEB", "Attachment": null, "Address": {"__metadata": {"type": "ZSALES_SRV.Address"}, "Street": "Main St 1", "City": "Walldorf", "PostalCode": "69190"}, "ToItems": {"__deferred": {"uri": "{ROOT}/SalesOrderSet('1')/ToItems"}}, "ToCustomer": {"__deferred": {"uri": "{ROOT}/SalesOrderSet('1')/ToCustomer"}}}"#;

#[test]
fn valid_v2_exchanges_are_silent() {
    let expanded = ORDER.replace(
        r#"{"__deferred": {"uri": "{ROOT}/SalesOrderSet('1')/ToItems"}}"#,
        r#"{"results": [{"__metadata": {"type": "ZSALES_SRV.SalesOrderItem"}, "SalesOrderID": "1", "ItemPosition": "10", "DeliveryDate": "2024-06-01T00:00:00"}]}"#,
    );
    let http = format!(
        r#"GET {{ROOT}}/SalesOrderSet('1')

HTTP/1.1 200 OK
Content-Type: application/json

{{"d": {ORDER}}}

###

GET {{ROOT}}/SalesOrderSet?$expand=ToItems&$inlinecount=allpages

HTTP/1.1 200 OK
Content-Type: application/json

{{"d": {{"results": [{expanded}], "__count": "1"}}}}

###

POST {{ROOT}}/SalesOrderSet
Content-Type: application/json

{{"CustomerID": "C1", "Channel": "WEB", "Currency": "EUR", "NetAmount": "12.5", "Address": {{"Street": "Main St 1", "City": "Walldorf"}}, "ChangedAt": "/Date(1717163100000)/"}}

HTTP/1.1 201 Created
Content-Type: application/json

{{"d": {ORDER}}}

###

GET {{ROOT}}/CustomerSet('C1')/Name

HTTP/1.1 200 OK
Content-Type: application/json

{{"d": {{"Name": "ACME"}}}}

###

GET {{ROOT}}/CustomerSet

HTTP/1.1 200 OK
Content-Type: application/json

{{"d": [{{"__metadata": {{"type": "ZSALES_SRV.Customer"}}, "CustomerID": "C1", "Name": "ACME", "Rating": 5}}]}}
"#
    );
    let t = captures(&http);
    let d = lint(t.path(), 0);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn v2_mistakes_are_found_with_the_same_rules() {
    let wrong = ORDER
        .replace(r#""/Date(1717163100000)/""#, r#""yesterday""#)
        .replace(
            r#""type": "ZSALES_SRV.Address""#,
            r#""type": "ZSALES_SRV.Customer""#,
        )
        .replace(r#""Currency": "EUR""#, r#""Curency": "EUR""#);
    let http = format!(
        r#"GET {{ROOT}}/SalesOrderSet('1')

HTTP/1.1 200 OK
Content-Type: application/json

{{"d": {wrong}}}

###

POST {{ROOT}}/SalesOrderSet
Content-Type: application/json

{{"SalesOrderID": "9", "CustomerID": "C1", "Channel": "WEB", "Address": {{}}}}

###

GET {{ROOT}}/CustomerSet('C1')

HTTP/1.1 200 OK
Content-Type: application/json

{{"d": {{"Name": "ACME", "Rating": 300}}}}
"#
    );
    let t = captures(&http);
    let d = lint(t.path(), 1);
    let found: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d.rule.as_str(), d.pointer.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown-field", "/d/Curency"),
            ("invalid-value", "/d/CreatedAt"),
            ("wrong-odata-type", "/d/Address/__metadata/type"),
            ("read-only-field", "/SalesOrderID"),
            ("missing-required", "/d/CustomerID"),
            ("invalid-value", "/d/Rating"),
        ],
        "{d:#?}"
    );
    let curency = d.iter().find(|d| d.pointer == "/d/Curency").unwrap();
    assert!(curency.message.contains("Currency"), "{}", curency.message);
    // The type is named as V2 names it: `__metadata.type`, no `#`.
    let wrong = d.iter().find(|d| d.rule == "wrong-odata-type").unwrap();
    assert!(
        wrong.message.starts_with(
            "`__metadata.type` is `ZSALES_SRV.Customer`, which is not `ZSALES_SRV.Address`"
        ),
        "{}",
        wrong.message
    );
    assert!(!wrong.message.contains('#'), "{}", wrong.message);
}

#[test]
fn a_v2_error_body_is_checked_by_its_shape() {
    let ok = "GET {ROOT}/SalesOrderSet('404')\n\nHTTP/1.1 404 Not Found\nContent-Type: application/json\n\n{\"error\": {\"code\": \"SY/530\", \"message\": {\"lang\": \"en\", \"value\": \"Resource not found\"}}}\n";
    let t = captures(ok);
    assert!(lint(t.path(), 0).is_empty());
    let bad = "GET {ROOT}/SalesOrderSet('404')\n\nHTTP/1.1 404 Not Found\nContent-Type: application/json\n\n{\"error\": {\"message\": 5}}\n";
    let t = captures(bad);
    let d = lint(t.path(), 1);
    let rules: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d.rule.as_str(), d.pointer.as_str()))
        .collect();
    assert!(
        rules.contains(&("missing-required", "/error/code")),
        "{d:#?}"
    );
    assert!(
        rules.contains(&("type-mismatch", "/error/message")),
        "{d:#?}"
    );
}
