//! Per-payload check cost, by format and for valid and invalid bodies, and the catalog build,
//! measured apart from file-system costs (`engine::check_text` works on bytes in memory).
//!
//!     cargo bench --bench check

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use paylint::catalog::Catalog;
use paylint::engine::{check_text, Options};
use std::hint::black_box;
use std::path::Path;

const VALID: &str = r##"{"@odata.type": "#microsoft.graph.ProvisionPolicyAssignmentItem", "id": "1648c92d", "groupId": "b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab"}"##;
const INVALID: &str = r##"{"@odata.type": "#microsoft.graph.provisionPolicyAssignmentItem", "groupID": "b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab", "displayName": "x"}"##;

fn inputs() -> Vec<(&'static str, &'static str, String)> {
    let http = |body: &str| {
        format!("PATCH https://graph.microsoft.com/v1.0/provisioningPolicies/p/assignments/a\nContent-Type: application/json\n\n{body}\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{VALID}\n")
    };
    let har = |body: &str| {
        let text = serde_json::to_string(body).unwrap();
        format!(
            r#"{{"log": {{"version": "1.2", "entries": [{{"request": {{"method": "PATCH", "url": "https://graph.microsoft.com/v1.0/provisioningPolicies/p/assignments/a", "headers": [{{"name": "Content-Type", "value": "application/json"}}], "postData": {{"mimeType": "application/json", "text": {text}}}}}, "response": {{"status": 200, "headers": [], "content": {{"mimeType": "application/json", "text": {valid}}}}}}}]}}}}"#,
            valid = serde_json::to_string(VALID).unwrap()
        )
    };
    let doc = include_str!("../corpus/docs/update-provisionpolicyassignmentitem.md");
    vec![
        ("json/valid", "b.json", VALID.to_string()),
        ("json/invalid", "b.json", INVALID.to_string()),
        ("http/valid", "t.http", http(VALID)),
        ("http/invalid", "t.http", http(INVALID)),
        ("markdown/valid", "d.md", doc.to_string()),
        (
            "markdown/invalid",
            "d.md",
            doc.replace(
                "\"groupId\": \"String\"\n}\n```\n\n\n###",
                "\"groupID\": \"String\"\n}\n```\n\n\n###",
            ),
        ),
        ("har/valid", "c.har", har(VALID)),
        ("har/invalid", "c.har", har(INVALID)),
        ("ndjson/valid", "s.ndjson", format!("{VALID}\n")),
        ("ndjson/invalid", "s.ndjson", format!("{INVALID}\n")),
    ]
}

fn per_payload(c: &mut Criterion) {
    let catalog = Catalog::load(&[]).unwrap();
    for (conformant, label) in [(false, "check"), (true, "check+diff")] {
        let options = Options {
            conformant,
            ..Options::default()
        };
        let mut group = c.benchmark_group(label);
        for (name, file, text) in inputs() {
            // Compile the validators outside the measurement.
            check_text(&catalog, &options, Path::new(file), text.as_bytes());
            group.bench_function(name, |b| {
                b.iter(|| {
                    black_box(check_text(
                        &catalog,
                        &options,
                        Path::new(file),
                        black_box(text.as_bytes()),
                    ))
                })
            });
        }
        group.finish();
    }
}

fn catalog_build(c: &mut Criterion) {
    c.bench_function("catalog/load", |b| {
        b.iter(|| black_box(Catalog::load(&[]).unwrap()))
    });
    c.bench_function("catalog/load+compile", |b| {
        b.iter_batched(
            || (),
            |_| {
                let catalog = Catalog::load(&[]).unwrap();
                let options = Options::default();
                black_box(check_text(
                    &catalog,
                    &options,
                    Path::new("b.json"),
                    VALID.as_bytes(),
                ));
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, per_payload, catalog_build);
criterion_main!(benches);
