//! The machine-readable report formats, each checked against what its consumer reads:
//! `--format sarif` against the OASIS SARIF 2.1.0 JSON Schema (tests/data), `--format junit` with
//! a strict XML 1.0 parser and the JUnit structure CI services read, and `--format github` with a
//! port of the Actions runner's workflow-command parser. The JSON report is the reference for
//! what each should say.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// SARIF

/// The schema as shipped in tests/data (see tests/data/README.md), compiled twice: with the
/// draft it declares (draft-04), and with draft-07, whose vocabulary knows the `uri-reference`
/// format the schema uses for `artifactLocation.uri` (draft-04 ignores that format). The schema
/// uses no keyword whose meaning differs between the two, so both must accept paylint's logs.
/// It has no external references: nothing is fetched.
fn sarif_validators() -> [jsonschema::Validator; 2] {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json"))
        .expect("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-04/schema#");
    [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7].map(|draft| {
        jsonschema::options()
            .with_draft(draft)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

fn assert_valid_sarif(log: &Value) {
    for validator in sarif_validators() {
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "not valid SARIF 2.1.0:\n{}",
            errors.join("\n")
        );
    }
}

fn sarif_in(dir: &Path, args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "sarif"]);
    let r = run_in(dir, &all);
    assert_eq!(r.code, code, "paylint {all:?}\n{}\n{}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", r.stdout, r.stderr))
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

fn fingerprint(result: &Value) -> &str {
    result["partialFingerprints"]["paylint/v1"]
        .as_str()
        .expect("a paylint/v1 fingerprint")
}

#[test]
fn sarif_of_the_corpus_is_valid_sarif_2_1_0() {
    let log = sarif_in(&root(), &["corpus"], 1);
    assert_valid_sarif(&log);
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let rules: BTreeSet<&str> = results(&log)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        rules.len() >= 10,
        "the corpus has findings of many rules: {rules:?}"
    );
}

/// GitHub code scanning rejects a run with more than 25,000 results: the log keeps 25,000, the
/// errors first, says what it left out (in the log and on standard error), and stays valid.
#[test]
fn sarif_keeps_within_githubs_results_limit_with_the_most_severe() {
    let dir = TempDir::new().unwrap();
    // 16,000 warnings (type-mismatch, demoted), then 11,000 errors (unknown-field).
    let mut text = String::new();
    for _ in 0..16_000 {
        text.push_str("{\"groupId\": 1}\n");
    }
    for _ in 0..11_000 {
        text.push_str(&format!("{{\"groupId\": \"{GROUP}\", \"x\": 1}}\n"));
    }
    write(dir.path(), "many.ndjson", text);
    let args = [
        "many.ndjson",
        "--rule",
        "type-mismatch=warning",
        "--format",
        "sarif",
    ];
    let r = run_in(dir.path(), &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let log: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_valid_sarif(&log);
    let kept = results(&log);
    assert_eq!(kept.len(), 25_000);
    assert!(kept
        .iter()
        .all(|r| r["locations"].as_array().unwrap().len() == 1));
    let errors = kept.iter().filter(|r| r["level"] == "error").count();
    assert_eq!(errors, 11_000, "every error is kept");
    // The warnings kept are the first ones, in report order.
    let lines: Vec<u64> = kept
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(lines.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(lines[13_999], 14_000);
    assert_eq!(lines[14_000], 16_001);
    let notification = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "warning");
    assert_eq!(
        notification["properties"]["resultsLeftOut"],
        serde_json::json!({"errors": 0, "warnings": 2000})
    );
    let note =
        "paylint: SARIF: 27000 results, more than the 25000 GitHub code scanning accepts in a \
                run: kept the 25000 most severe (11000 of 11000 errors, 14000 of 16000 warnings), \
                left out 0 errors and 2000 warnings; --format json or --format jsonl reports every \
                finding\n";
    assert_eq!(r.stderr, note);
    assert_eq!(
        notification["message"]["text"],
        note["paylint: ".len()..note.len() - 1]
    );
    // Under the limit nothing is said.
    let r = run_in(
        dir.path(),
        &[
            "many.ndjson",
            "--format",
            "sarif",
            "--rule",
            "type-mismatch=off",
        ],
    );
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
}

#[test]
fn sarif_names_the_home_page_and_every_rules_help() {
    let log = sarif_in(&root(), &["corpus/invalid"], 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    let home = driver["informationUri"].as_str().unwrap();
    assert!(home.starts_with("https://"), "{home}");
    for rule in driver["rules"].as_array().unwrap() {
        let help = rule["helpUri"].as_str().unwrap();
        assert!(help.starts_with(home), "{help}");
    }
}

/// The check has teeth: the schema rejects what a code-scanning service would.
#[test]
fn the_schema_check_rejects_broken_sarif() {
    let validators = sarif_validators();
    let log = sarif_in(&root(), &["corpus/invalid"], 1);
    assert!(validators.iter().all(|v| v.is_valid(&log)));
    type Breaker = (&'static str, fn(&mut Value));
    let broken: [Breaker; 5] = [
        ("an unknown level", |l| {
            l["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("a URI with a space", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"] = "a b.json".into()
        }),
        ("line 0", |l| {
            l["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into()
        }),
        ("no message", |l| {
            l["runs"][0]["results"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("an unknown property", |l| {
            l["runs"][0]["results"][0]["pointer"] = "/x".into()
        }),
    ];
    for (what, break_it) in broken {
        let mut bad = log.clone();
        break_it(&mut bad);
        assert!(
            validators.iter().any(|v| !v.is_valid(&bad)),
            "{what} passed the schema"
        );
    }
}

#[test]
fn sarif_without_findings_and_from_stdin_is_valid_too() {
    let clean = sarif_in(&root(), &["corpus/valid"], 0);
    assert_valid_sarif(&clean);
    assert!(results(&clean).is_empty());
    assert_eq!(
        clean["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );

    let mut child = command_in(&root(), &["-", "--format", "sarif"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"groupID\": 1}")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&log);
    assert!(!results(&log).is_empty());
    for r in results(&log) {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "stdin");
        assert!(artifact.get("uriBaseId").is_none(), "{artifact}");
    }
}

#[test]
fn sarif_describes_every_rule_and_matches_the_json_report() {
    let log = sarif_in(&root(), &["corpus"], 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "paylint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), paylint::rule::Rule::ALL.len());
    for (rule, descriptor) in paylint::rule::Rule::ALL.iter().zip(rules) {
        let info = paylint::rules::info(*rule);
        assert_eq!(descriptor["id"], rule.id());
        assert_eq!(descriptor["shortDescription"]["text"], info.summary);
        assert_eq!(descriptor["fullDescription"]["text"], info.explanation);
        assert_eq!(
            descriptor["defaultConfiguration"]["level"],
            info.severity.as_str()
        );
    }
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    let base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT% is given");
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );

    let json = json(&["corpus"], 1);
    let diags = json.diags();
    let results = results(&log);
    assert_eq!(results.len(), diags.len());
    for (r, d) in results.iter().zip(&diags) {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(r["ruleId"], d.rule.as_str());
        assert_eq!(r["level"], d.severity.as_str());
        assert_eq!(r["message"]["text"], d.message.as_str());
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], d.file.as_str());
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(location["region"]["startLine"], d.line);
        assert_eq!(location["region"]["startColumn"], d.column);
        let p = &r["properties"];
        assert_eq!(p["pointer"], d.pointer.as_str());
        assert_eq!(p["payload"], d.payload);
        assert_eq!(p["resource"].as_str(), d.resource.as_deref());
        assert_eq!(p["direction"].as_str(), d.direction.as_deref());
        let print = fingerprint(r);
        assert!(
            print.len() == 16 && print.chars().all(|c| c.is_ascii_hexdigit()),
            "{print}"
        );
    }
    // Every result has its own fingerprint.
    let prints: BTreeSet<&str> = results.iter().map(fingerprint).collect();
    assert_eq!(prints.len(), results.len());
}

#[test]
fn sarif_fingerprints_do_not_change_when_lines_move() {
    let dir = TempDir::new().unwrap();
    let body = format!(
        "{{\"groupID\": \"{GROUP}\",\n \"extra\": 1,\n \"groupId\": \"{GROUP}\",\n \"groupId\": \"{GROUP}\"}}\n"
    );
    write(dir.path(), "body.json", &body);
    let before = sarif_in(dir.path(), &["body.json"], 1);
    // Reformat: the same findings, on other lines and columns.
    write(dir.path(), "body.json", format!("\n\n\n   {body}"));
    let after = sarif_in(dir.path(), &["body.json"], 1);
    assert_valid_sarif(&after);
    let key = |log: &Value| -> Vec<(String, String, u64)> {
        results(log)
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    fingerprint(r).to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let (b, a) = (key(&before), key(&after));
    assert!(b.len() >= 3, "{b:?}");
    assert_eq!(b.len(), a.len());
    for ((rule_b, print_b, line_b), (rule_a, print_a, line_a)) in b.iter().zip(&a) {
        assert_eq!(rule_b, rule_a);
        assert_eq!(
            print_b, print_a,
            "{rule_b} moved from line {line_b} to {line_a}"
        );
        assert_eq!(line_a, &(line_b + 3));
    }
    let distinct: BTreeSet<&String> = a.iter().map(|(_, p, _)| p).collect();
    assert_eq!(distinct.len(), a.len(), "{a:?}");
    // The same fingerprints as a baseline records.
    let r = run_in(
        dir.path(),
        &["body.json", "--write-baseline", "baseline.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let baseline: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let recorded: BTreeSet<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, distinct.iter().map(|s| s.as_str()).collect());
}

#[test]
fn sarif_uris_are_percent_encoded_references_relative_to_the_working_directory() {
    let dir = TempDir::new().unwrap();
    let cwd = std::fs::canonicalize(dir.path()).unwrap();
    write(&cwd, "sub dir/a b#1%é.json", "{\"groupID\": 1}");
    let absolute = cwd.join("sub dir/a b#1%é.json");
    for arg in [
        "sub dir/a b#1%é.json",
        "./sub dir/a b#1%é.json",
        absolute.to_str().unwrap(),
        "sub dir",
    ] {
        let log = sarif_in(&cwd, &[arg], 1);
        assert_valid_sarif(&log);
        for r in results(&log) {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(
                artifact["uri"], "sub%20dir/a%20b%231%25%C3%A9.json",
                "{arg}"
            );
            assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        }
    }
    // Outside the working directory: an absolute file URI.
    let elsewhere = TempDir::new().unwrap();
    let log = sarif_in(elsewhere.path(), &[absolute.to_str().unwrap()], 1);
    assert_valid_sarif(&log);
    let artifact = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = artifact["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/sub%20dir/a%20b%231%25%C3%A9.json"),
        "{uri}"
    );
    assert!(artifact.get("uriBaseId").is_none());
}

// ---------------------------------------------------------------------------------------------
// JUnit XML

fn junit_in(dir: &Path, args: &[&str], code: i32) -> String {
    let mut all = args.to_vec();
    all.extend(["--format", "junit"]);
    let r = run_in(dir, &all);
    assert_eq!(r.code, code, "paylint {all:?}\n{}\n{}", r.stdout, r.stderr);
    r.stdout
}

fn attr<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no `{name}`", node.tag_name().name()))
}

fn count(node: roxmltree::Node<'_, '_>, name: &str) -> usize {
    attr(node, name).parse().unwrap()
}

fn elements<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

/// One test case as a CI service reads it: its name, its one `<failure>` or `<error>` (element
/// name, `type`, `message`), and its `<system-out>`.
#[derive(Debug, Clone, PartialEq)]
struct Case {
    name: String,
    outcome: Option<(String, String, String)>,
    out: Option<String>,
}

/// A suite: `tests`, `failures` and `errors` as written, and its cases.
#[derive(Debug)]
struct Suite {
    tests: usize,
    failures: usize,
    errors: usize,
    cases: Vec<Case>,
}

/// Checks the JUnit structure (the elements and attributes CI services read, nothing else) and
/// returns the suites by name. Every test case holds at most one `<failure>` or `<error>`, so the
/// two ways consumers count failures (`<failure>` elements, as Jenkins' totals do, and failing
/// test cases, as the attributes do) agree, and a viewer that shows only a test case's first
/// failure (Jenkins, Azure DevOps) shows every finding.
fn junit_suites(xml: &str) -> BTreeMap<String, Suite> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let mut suites = BTreeMap::new();
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let name = attr(suite, "name").to_string();
        let mut cases = Vec::new();
        let (mut failure_elements, mut error_elements) = (0, 0);
        let mut names = BTreeSet::new();
        for case in suite.children().filter(|n| n.is_element()) {
            assert_eq!(case.tag_name().name(), "testcase");
            assert_eq!(attr(case, "classname"), name);
            let case_name = attr(case, "name").to_string();
            assert!(
                names.insert(case_name.clone()),
                "{name}: two cases named {case_name}"
            );
            for child in case.children().filter(|n| n.is_element()) {
                assert!(
                    ["failure", "error", "system-out"].contains(&child.tag_name().name()),
                    "{child:?}"
                );
            }
            let outcomes: Vec<(String, String, String)> = case
                .children()
                .filter(|n| n.is_element() && ["failure", "error"].contains(&n.tag_name().name()))
                .map(|f| {
                    (
                        f.tag_name().name().to_string(),
                        attr(f, "type").to_string(),
                        attr(f, "message").to_string(),
                    )
                })
                .collect();
            assert!(outcomes.len() <= 1, "{name} {case_name}: {outcomes:?}");
            failure_elements += elements(case, "failure").count();
            error_elements += elements(case, "error").count();
            let out: Vec<&str> = elements(case, "system-out")
                .map(|n| n.text().unwrap_or(""))
                .collect();
            assert!(out.len() <= 1);
            cases.push(Case {
                name: case_name,
                outcome: outcomes.into_iter().next(),
                out: out.first().map(|s| s.to_string()),
            });
        }
        let s = Suite {
            tests: count(suite, "tests"),
            failures: count(suite, "failures"),
            errors: count(suite, "errors"),
            cases,
        };
        assert_eq!(s.cases.len(), s.tests, "{name}");
        assert_eq!(failure_elements, s.failures, "{name}");
        assert_eq!(error_elements, s.errors, "{name}");
        assert!(
            suites.insert(name.clone(), s).is_none(),
            "one suite per file: {name}"
        );
    }
    suites
}

/// The payload a case is about: `payload P` or `payload P RULE ...`.
fn case_payload(case: &Case) -> u64 {
    case.name
        .strip_prefix("payload ")
        .and_then(|r| r.split(' ').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{case:?}"))
}

#[test]
fn junit_of_the_corpus_has_a_suite_per_file_and_a_case_per_finding() {
    let xml = junit_in(&root(), &["corpus"], 1);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let suites = junit_suites(&xml);
    let report = json(&["corpus"], 1);
    let (files, payloads, errors, warnings) = summary(&report.report());
    assert_eq!(suites.len() as u64, files);
    let mut by_file: HashMap<String, Vec<Diag>> = HashMap::new();
    for d in report.diags() {
        by_file.entry(d.file.clone()).or_default().push(d);
    }
    let (mut failures, mut warning_cases, mut seen_payloads) = (0u64, 0u64, 0u64);
    for (name, suite) in &suites {
        let diags = by_file.remove(name).unwrap_or_default();
        // Every payload has its cases, in order: one per finding, or one passing case.
        let numbers: Vec<u64> = suite.cases.iter().map(case_payload).collect();
        assert!(
            numbers.windows(2).all(|w| w[0] <= w[1]),
            "{name}: {numbers:?}"
        );
        let distinct: BTreeSet<u64> = numbers.iter().copied().collect();
        assert_eq!(distinct, (0..distinct.len() as u64).collect(), "{name}");
        seen_payloads += distinct.len() as u64;
        let finding_cases: Vec<&Case> = suite
            .cases
            .iter()
            .filter(|c| c.outcome.is_some() || c.out.is_some())
            .collect();
        assert_eq!(
            finding_cases.len(),
            diags.len(),
            "{name}: one case per finding"
        );
        for (case, d) in finding_cases.iter().zip(&diags) {
            assert_eq!(case_payload(case), d.payload, "{name}");
            let named = format!("payload {} {}", d.payload, d.rule);
            assert!(case.name.starts_with(&named), "{case:?} {d:?}");
            match d.severity.as_str() {
                "error" => {
                    assert_eq!(
                        case.outcome,
                        Some(("failure".to_string(), d.rule.clone(), d.message.clone())),
                        "{name}"
                    );
                    failures += 1;
                }
                _ => {
                    assert_eq!(case.outcome, None, "a warning does not fail its case");
                    assert_eq!(
                        case.out.as_deref(),
                        Some(
                            format!(
                                "{}:{}:{}: warning[{}] {}",
                                d.file, d.line, d.column, d.rule, d.message
                            )
                            .as_str()
                        )
                    );
                    warning_cases += 1;
                }
            }
        }
        let passing = suite
            .cases
            .iter()
            .filter(|c| c.outcome.is_none() && c.out.is_none());
        for case in passing {
            assert_eq!(
                case.name,
                format!("payload {}", case_payload(case)),
                "{name}"
            );
        }
    }
    assert!(
        by_file.is_empty(),
        "findings of files without a suite: {by_file:?}"
    );
    assert_eq!(seen_payloads, payloads);
    assert_eq!((failures, warning_cases), (errors, warnings));
    let total: usize = suites.values().map(|s| s.failures).sum();
    assert_eq!(
        total as u64, errors,
        "the suites' failures add up to the run's errors"
    );
    assert!(warnings > 0 && errors > 0);

    // A stream reported in parts is one suite with every payload.
    let suite = &suites["corpus/ndjson/captures.ndjson"];
    let ndjson = json(&["corpus/ndjson/captures.ndjson"], 1);
    let stream_payloads: BTreeSet<u64> = suite.cases.iter().map(case_payload).collect();
    assert_eq!(stream_payloads.len() as u64, summary(&ndjson.report()).1);
    assert!(suite.failures >= 2 && suite.failures < suite.tests);
}

/// Several findings of one rule at one place get names of their own: test-history views key
/// on the name.
#[test]
fn junit_names_every_case_apart_and_gives_a_payload_one_failure_per_case() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "twice.ndjson",
        format!(
            "{{\"groupId\": \"{GROUP}\", \"x\": 1, \"x\": 2, \"x\": 3}}\n{{\"groupId\": \"{GROUP}\"}}\n"
        ),
    );
    let suites = junit_suites(&junit_in(dir.path(), &["twice.ndjson"], 1));
    let suite = &suites["twice.ndjson"];
    let names: Vec<&str> = suite.cases.iter().map(|c| c.name.as_str()).collect();
    let diags = json_in(dir.path(), &["twice.ndjson"], 1).diags();
    assert!(
        diags.iter().filter(|d| d.payload == 0).count() >= 3,
        "{diags:?}"
    );
    assert_eq!(suite.tests, diags.len() + 1, "{names:?}");
    assert_eq!(
        suite.failures,
        diags.iter().filter(|d| d.severity == "error").count()
    );
    assert_eq!(names.last(), Some(&"payload 1"));
    assert!(names.contains(&"payload 0 duplicate-key /x"), "{names:?}");
    assert!(
        names.contains(&"payload 0 duplicate-key /x (2)"),
        "{names:?}"
    );
}

/// paylint failing on a file (`internal-error`, exit 2) is a JUnit `<error>`: the test could not
/// run, which is not a failed check.
#[cfg(debug_assertions)]
#[test]
fn junit_reports_an_internal_error_as_an_error_not_a_failure() {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "boom.json",
        format!("{{\"groupId\": \"{GROUP}\"}}"),
    );
    let r = run_env(
        dir.path(),
        &["boom.json", "--format", "junit"],
        &[("PAYLINT_TEST_PANIC_ON", "boom.json")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let suite = &junit_suites(&r.stdout)["boom.json"];
    assert_eq!((suite.tests, suite.failures, suite.errors), (1, 0, 1));
    let outcome = suite.cases[0].outcome.as_ref().unwrap();
    assert_eq!(
        (outcome.0.as_str(), outcome.1.as_str()),
        ("error", "internal-error")
    );
}

#[test]
fn junit_of_clean_files_has_only_passing_cases() {
    let suites = junit_suites(&junit_in(&root(), &["corpus/valid"], 0));
    assert_eq!(suites.len() as u64, corpus_len("valid"));
    for (name, suite) in suites {
        assert!(suite.tests >= 1, "{name}");
        assert_eq!((suite.failures, suite.errors), (0, 0));
        assert!(suite
            .cases
            .iter()
            .all(|c| c.outcome.is_none() && c.out.is_none()));
    }
}

fn corpus_len(which: &str) -> u64 {
    std::fs::read_dir(root().join("corpus").join(which))
        .unwrap()
        .count() as u64
}

/// A file named with markup characters, holding keys with markup, line breaks and a control
/// character, which the messages quote.
fn awkward_file(dir: &Path) -> &'static str {
    let name = "a,b:c%<&>'.json";
    write(
        dir,
        name,
        format!(
            "{{\"groupId\": \"{GROUP}\", \"a<b&c>\\\"d'e\": 1, \"x%y:z,w\\nv\\r\\tu\\u0001\": 2, \"p%0Aq\": 3}}\n"
        ),
    );
    name
}

#[test]
fn junit_escapes_markup_line_breaks_and_control_characters() {
    let dir = TempDir::new().unwrap();
    let name = awkward_file(dir.path());
    let xml = junit_in(dir.path(), &[name], 1);
    let suites = junit_suites(&xml);
    let cases = &suites[name].cases;
    let diags = json_in(dir.path(), &[name], 1).diags();
    assert_eq!(diags.len(), 3);
    let expected: Vec<Option<(String, String, String)>> = diags
        .iter()
        .map(|d| {
            // XML 1.0 cannot carry U+0001 at all: it is spelled out.
            let message = d.message.replace('\u{1}', "\\u{0001}");
            Some(("failure".to_string(), d.rule.clone(), message))
        })
        .collect();
    let got: Vec<_> = cases.iter().map(|c| c.outcome.clone()).collect();
    assert_eq!(got, expected);
    assert!(expected[1]
        .as_ref()
        .unwrap()
        .2
        .contains("w\nv\r\tu\\u{0001}"));
    assert!(
        cases[1].name.starts_with("payload 0 unknown-field /"),
        "{:?}",
        cases[1].name
    );
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands

/// A workflow command as the Actions runner reads it (`ActionCommand.TryParseV2`): the name up
/// to the first space, properties split on `,` then on the first `=`, the data after the second
/// `::`, each unescaped with plain replaces (`%25` last).
#[derive(Debug, PartialEq)]
struct WorkflowCommand {
    name: String,
    properties: BTreeMap<String, String>,
    data: String,
}

fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let message = line.trim_start();
    let rest = message.strip_prefix("::")?;
    let end = rest.find("::")?;
    let info = &rest[..end];
    let (name, props) = match info.find(' ') {
        Some(i) => (&info[..i], Some(&info[i + 1..])),
        None => (info, None),
    };
    if !["error", "warning", "notice"].contains(&name) {
        return None;
    }
    let mut properties = BTreeMap::new();
    if let Some(props) = props {
        for prop in props.trim().split(',').filter(|p| !p.is_empty()) {
            let mut pair = prop.splitn(2, '=').filter(|p| !p.is_empty());
            if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
                let v = v
                    .replace("%0D", "\r")
                    .replace("%0A", "\n")
                    .replace("%3A", ":")
                    .replace("%2C", ",")
                    .replace("%25", "%");
                properties.insert(k.to_lowercase(), v);
            }
        }
    }
    let data = rest[end + 2..]
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%");
    Some(WorkflowCommand {
        name: name.to_string(),
        properties,
        data,
    })
}

fn github_in(dir: &Path, args: &[&str], code: i32) -> Vec<WorkflowCommand> {
    let mut all = args.to_vec();
    all.extend(["--format", "github"]);
    let r = run_in(dir, &all);
    assert_eq!(r.code, code, "paylint {all:?}\n{}\n{}", r.stdout, r.stderr);
    r.stdout
        .lines()
        .map(|l| parse_command(l).unwrap_or_else(|| panic!("not a workflow command: {l:?}")))
        .collect()
}

fn expected_command(d: &Diag) -> WorkflowCommand {
    let properties = [
        ("file", d.file.clone()),
        ("line", d.line.to_string()),
        ("col", d.column.to_string()),
        ("title", format!("paylint {}", d.rule)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    WorkflowCommand {
        name: d.severity.clone(),
        properties,
        // Control characters are written visibly (the awkward file's key holds U+0001).
        data: d.message.replace('\u{1}', "\\u{0001}"),
    }
}

#[test]
fn github_annotations_match_the_json_report() {
    for path in ["corpus/http/invalid-several-problems.http", "corpus"] {
        let commands = github_in(&root(), &[path], 1);
        let diags = json(&[path], 1).diags();
        assert_eq!(commands.len(), diags.len(), "{path}");
        for (c, d) in commands.iter().zip(&diags) {
            assert_eq!(c, &expected_command(d));
        }
        assert!(commands.iter().any(|c| c.name == "warning"), "{path}");
        assert!(commands.iter().any(|c| c.name == "error"), "{path}");
    }
    // The exact text of the lines.
    let file = "corpus/invalid/unknown-field-groupID.json";
    let r = run(&[file, "--format", "github"]);
    let expected: String = json(&[file], 1)
        .diags()
        .iter()
        .map(|d| {
            format!(
                "::error file={file},line={},col={},title=paylint {}::{}\n",
                d.line, d.column, d.rule, d.message
            )
        })
        .collect();
    assert!(expected.lines().count() >= 2);
    assert_eq!(r.stdout, expected);
    // Nothing is printed for a clean run.
    assert!(github_in(&root(), &["corpus/valid"], 0).is_empty());
}

#[test]
fn github_escapes_properties_and_data_as_the_runner_unescapes_them() {
    let dir = TempDir::new().unwrap();
    let name = awkward_file(dir.path());
    let r = run_in(dir.path(), &[name, "--format", "github"]);
    assert_eq!(r.code, 1);
    // Three findings, three lines: line breaks in messages are escaped.
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    assert!(r
        .stdout
        .starts_with("::error file=a%2Cb%3Ac%25<&>'.json,line=1,"));
    assert!(
        r.stdout.contains("`x%25y:z,w%0Av%0D\tu\\u{0001}`"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("`p%250Aq`"), "{}", r.stdout);
    let commands = github_in(dir.path(), &[name], 1);
    let diags = json_in(dir.path(), &[name], 1).diags();
    assert_eq!(commands.len(), diags.len());
    for (c, d) in commands.iter().zip(&diags) {
        assert_eq!(c, &expected_command(d));
    }
}

#[test]
fn github_names_no_file_for_stdin() {
    let mut child = command_in(&root(), &["-", "--format", "github"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"groupID\": 1}")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.is_empty());
    for line in stdout.lines() {
        let c = parse_command(line).unwrap();
        assert_eq!(c.properties.keys().collect::<Vec<_>>(), ["title"], "{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions job summary

/// With `--format github` and `$GITHUB_STEP_SUMMARY` set, a Markdown summary is appended to
/// that file (what the step wrote before stays): counts by rule and severity that are the JSON
/// report's, and the files with the most findings. The annotations on stdout do not change.
#[test]
fn github_appends_a_job_summary_to_the_steps_summary_file() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("step-summary.md");
    std::fs::write(&file, "earlier step\n").unwrap();
    let env = [("GITHUB_STEP_SUMMARY", file.to_str().unwrap())];
    let r = run_env(&root(), &["corpus", "--format", "github"], &env);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let plain = run_in(&root(), &["corpus", "--format", "github"]);
    assert_eq!(r.stdout, plain.stdout, "the annotations are the same");
    let md = std::fs::read_to_string(&file).unwrap();
    let ours = md
        .strip_prefix("earlier step\n### paylint\n\n")
        .unwrap_or_else(|| panic!("appended after the earlier step's part:\n{md}"));
    let report = json(&["corpus"], 1);
    let (files, payloads, errors, warnings) = summary(&report.report());
    let failed: BTreeSet<String> = report.diags().iter().map(|d| d.file.clone()).collect();
    assert!(
        ours.starts_with(&format!(
            "{errors} errors, {warnings} warnings in {} of {files} files ({payloads} payloads).\n",
            failed.len()
        )),
        "{ours}"
    );
    let mut by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_file: BTreeMap<String, usize> = BTreeMap::new();
    for d in report.diags() {
        let e = by_rule.entry(d.rule.clone()).or_default();
        if d.severity == "error" {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
        *by_file.entry(d.file.clone()).or_default() += 1;
    }
    for (rule, (e, w)) in &by_rule {
        assert!(
            ours.contains(&format!("| `{rule}` | {e} | {w} |\n")),
            "{rule}:\n{ours}"
        );
    }
    let most = by_file.values().max().unwrap();
    let rows: Vec<&str> = ours
        .split("| file | errors | warnings |\n|---|---:|---:|\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), 10.min(by_file.len()));
    let first: usize = rows[0]
        .split('|')
        .skip(2)
        .take(2)
        .map(|n| n.trim().parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        first, *most,
        "the first file is one with the most findings: {}",
        rows[0]
    );

    // Appended again by a second step; without the variable nothing is written.
    run_env(&root(), &["corpus/valid", "--format", "github"], &env);
    let md = std::fs::read_to_string(&file).unwrap();
    let (files, payloads, _, _) = summary(&json(&["corpus/valid"], 0).report());
    let clean = format!("### paylint\n\nNo findings in {files} files ({payloads} payloads).\n");
    assert!(md.ends_with(&clean), "{md}");
    assert_eq!(md.matches("### paylint").count(), 2);
    let r = run_env(&root(), &["corpus/valid", "--format", "json"], &env);
    assert_eq!(r.code, 0);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        md,
        "only --format github writes it"
    );
}

/// A summary file that cannot be written is said on stderr; the run's outcome stands.
#[test]
fn github_says_when_the_job_summary_cannot_be_written() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("no/such/dir/summary.md");
    let env = [("GITHUB_STEP_SUMMARY", file.to_str().unwrap())];
    let r = run_env(&root(), &["corpus/valid", "--format", "github"], &env);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .starts_with("paylint: cannot append the job summary to "),
        "{}",
        r.stderr
    );
}
