//! The rule registry as the contract it is: every rule's examples do what they say (in
//! process, through the same check as a run), and the README's rule table is the registry's.

use clap::Parser;
use paylint::catalog::Catalog;
use paylint::check::payload::{check_parsed, Checker, Plans};
use paylint::cli::Args;
use paylint::config::Config;
use paylint::engine::check_text;
use paylint::input::{self, Format};
use paylint::route::Overrides;
use paylint::rule::Rule;
use paylint::rules::info::{Example, Examples, Fixes};
use paylint::rules::{self, RuleInfo};
use std::path::Path;

/// The rule ids of the findings of `example`, linted with its options, with the catalog
/// `schemas` added (in a `--schemas` folder of their own) and against `metadata`, if any.
fn lint(
    example: &Example,
    schemas: &[(&str, &str)],
    metadata: Option<&str>,
) -> Vec<(Rule, String)> {
    let dir = tempfile::TempDir::new().unwrap();
    for (name, text) in schemas {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let catalog = if schemas.is_empty() {
        Catalog::load(&[])
    } else {
        Catalog::load(&[dir.path().to_path_buf()])
    }
    .unwrap_or_else(|e| panic!("the example catalog loads: {e}"));
    let mut argv = vec!["paylint", example.file];
    argv.extend(example.args);
    let args = Args::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    let mut options = args.options(Config::default());
    options.service = metadata.map(|m| {
        let loaded = paylint::odata::cache::compile(
            Path::new("metadata.xml"),
            m,
            &paylint::odata::build::Options::default(),
        )
        .unwrap_or_else(|e| panic!("the example metadata compiles: {e}"));
        std::sync::Arc::new(paylint::route_model::Service {
            model: loaded.model,
            roots: paylint::odata::resolve::Roots::default(),
        })
    });
    let reports = check_text(
        &catalog,
        &options,
        Path::new(example.file),
        example.text.as_bytes(),
    );
    reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .map(|d| (d.rule, d.full_message()))
        .collect()
}

fn examples(info: &RuleInfo) -> Option<&Examples> {
    info.examples.as_ref()
}

#[test]
fn every_bad_example_fires_its_rule_and_every_good_one_is_clean() {
    for &rule in Rule::ALL {
        let Some(ex) = examples(rules::info(rule)) else {
            assert_eq!(
                rule,
                Rule::InternalError,
                "{rule} has no examples; only internal-error (a bug in paylint) may lack them"
            );
            continue;
        };
        let bad = lint(&ex.bad, ex.schemas, ex.metadata);
        assert!(
            bad.iter().any(|(r, _)| *r == rule),
            "{rule}: the bad example ({}) gives {bad:?}",
            ex.bad.file
        );
        let good = lint(&ex.good, ex.schemas, ex.metadata);
        assert!(
            good.is_empty(),
            "{rule}: the good example ({}) is not clean: {good:?}",
            ex.good.file
        );
    }
}

#[test]
fn what_an_example_shows_is_in_it_and_fits_a_table_cell() {
    for &rule in Rule::ALL {
        let Some(ex) = examples(rules::info(rule)) else {
            continue;
        };
        for e in [&ex.bad, &ex.good] {
            assert!(
                e.text.contains(e.shown()),
                "{rule}: {:?} shows what it lacks",
                e.file
            );
            assert!(
                !e.shown().contains(['\n', '|', '`']),
                "{rule}: {:?} shows text a table cell cannot hold; give it `showing`",
                e.file
            );
        }
    }
}

#[test]
fn rules_that_say_they_fix_do_and_the_others_do_not() {
    // Through the per-payload check, whose findings still carry their fixes.
    for &rule in Rule::ALL {
        let info = rules::info(rule);
        let Some(ex) = examples(info) else { continue };
        if !ex.schemas.is_empty() || ex.metadata.is_some() {
            continue; // invalid-value, omitted-property: their catalog or model is the other test's
        }
        let catalog = Catalog::load(&[]).unwrap();
        let config = Config::default();
        let checker = Checker {
            catalog: &catalog,
            overrides: Overrides::default(),
            config: &config,
            plans: Plans::default(),
            service: None,
            model_resource: None,
        };
        let (source, problem) = input::decode(ex.bad.file.into(), ex.bad.text.as_bytes().to_vec());
        assert!(problem.is_none(), "{rule}");
        let format = Format::for_named(&source.path, &source.text);
        let checked = check_parsed(&checker, &source, input::read(format, &source));
        let own: Vec<_> = checked.findings.iter().filter(|d| d.rule == rule).collect();
        if own.is_empty() {
            // Found by the engine, not by the payload check (unreadable-file).
            assert_eq!(info.fix, Fixes::None, "{rule}");
            continue;
        }
        assert_eq!(
            own.iter().any(|d| d.fix.is_some()),
            info.fix != Fixes::None,
            "{rule}: INFO says {:?}, the bad example's findings say otherwise",
            info.fix
        );
    }
}

/// The README's rule table, as the registry makes it.
fn table() -> String {
    let mut out =
        String::from("| id | severity | fix | reports | bad | good |\n|---|---|---|---|---|---|\n");
    for &rule in Rule::ALL {
        let info = rules::info(rule);
        let fix = match info.fix {
            Fixes::None => "no",
            Fixes::DiffOnly => "diff",
            Fixes::SafeOrDiff => "`--fix`, diff",
        };
        let (bad, good) = match examples(info) {
            Some(ex) => (cell(&ex.bad, ex.schemas), cell(&ex.good, ex.schemas)),
            None => ("—".to_string(), "—".to_string()),
        };
        out.push_str(&format!(
            "| `{}` | {} | {fix} | {} | {bad} | {good} |\n",
            rule.id(),
            info.severity,
            info.reports
        ));
    }
    out
}

fn cell(example: &Example, schemas: &[(&str, &str)]) -> String {
    let mut out = format!("`{}`", example.shown());
    if example.file != "body.json" {
        out.push_str(&format!(" in `{}`", example.file));
    }
    if !example.args.is_empty() {
        out.push_str(&format!(" with `{}`", example.args.join(" ")));
    }
    if !schemas.is_empty() {
        let names: Vec<String> = schemas
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        out.push_str(&format!(" (catalog: {})", names.join(", ")));
    }
    out
}

#[test]
fn the_readme_rule_table_is_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find("| id | severity | fix |")
        .expect("the README has the rule table (`| id | severity | fix | ...`)");
    let end = start
        + readme[start..]
            .find("\n\n")
            .expect("a blank line ends the table");
    let written = &readme[start..=end];
    let wanted = table();
    if written == wanted {
        return;
    }
    if std::env::var_os("PAYLINT_BLESS").is_some() {
        let updated = format!("{}{wanted}{}", &readme[..start], &readme[end + 1..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "the README's rule table is not the registry's (src/rules/<id>.rs).\n\
         Rewrite it with `PAYLINT_BLESS=1 cargo test --test rule_registry`, or paste:\n\n{wanted}"
    );
}
