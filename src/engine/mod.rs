//! The engine: one run, from the paths on the command line to a finished report per file,
//! handed to the caller in a stable order. It connects the stages — discover, read, check,
//! place — and keeps the counts; each stage lives in its own module.
//!
//! - [`options`]: what a run checks and how; [`error`]: why it could not;
//! - [`pipeline`]: walking, checking in parallel and reporting in order;
//! - [`file`](mod@file): one file, from its path to its reports (streams, `--fix` write-back, placing);
//! - [`read`]: a file's bytes, within the size limit;
//! - [`rewrite`]: `--fix` on a stream, line by line, committed atomically.

pub mod error;
pub mod file;
pub mod options;
pub mod pipeline;
pub mod read;
pub mod rewrite;

pub use error::{Among, RunError};
pub use options::{FixMode, Options, Shard, ShardError};

use crate::baseline::Baseline;
use crate::catalog::Catalog;
use crate::check::payload::{Checker, Plans};
use crate::discover;
use crate::input::Format;
use crate::report::{FileReport, Summary};
use crate::route::Overrides;
use file::{check_bytes, Ctx, Origin};
use std::path::Path;

/// What to suggest for an unknown `--resource`: the resources of that unqualified name when
/// there are several, else the whole catalog when it is small, else the ten closest names.
fn candidates(catalog: &Catalog, model: Option<&crate::odata::Model>, name: &str) -> Vec<String> {
    let same = catalog.resources_named(name);
    if same.len() > 1 {
        return same.into_iter().map(str::to_string).collect();
    }
    let mut names: Vec<&str> = catalog.names();
    // With `--metadata`, its types are resources too.
    names.extend(model.into_iter().flat_map(|m| m.types.names()));
    if names.len() > 10 {
        let lower = name.to_ascii_lowercase();
        names.sort_by_key(|n| {
            let short = n.rsplit('.').next().unwrap_or(n).to_ascii_lowercase();
            strsim::levenshtein(&lower, &short)
        });
        names.truncate(10);
    }
    names.into_iter().map(str::to_string).collect()
}

/// A run whose arguments have been checked: every path exists and `--resource` names a
/// resource. Nothing has been read or reported yet.
pub struct Plan<'a> {
    ctx: Ctx<'a>,
}

impl<'a> Plan<'a> {
    pub fn new(options: &'a Options, catalog: &'a Catalog) -> Result<Plan<'a>, RunError> {
        let missing = discover::missing(&options.paths);
        if !missing.is_empty() {
            return Err(RunError::NoSuchPath(
                missing.into_iter().map(Path::to_path_buf).collect(),
            ));
        }
        let in_model = |name: &str| {
            options
                .service
                .as_deref()
                .is_some_and(|s| crate::route_model::resource(&s.model, name).is_some())
        };
        let resource = match &options.resource {
            Some(name) => match catalog.resource(name) {
                Some(r) => Some(r),
                // A type of the model, which `context` finds.
                None if in_model(name) => None,
                None => {
                    let model = options.service.as_deref().map(|s| &s.model);
                    return Err(RunError::UnknownResource {
                        name: name.clone(),
                        known: candidates(catalog, model, name),
                        among: match model {
                            Some(_) => Among::CatalogAndMetadata,
                            None => Among::Catalog,
                        },
                    });
                }
            },
            None => None,
        };
        let overrides = Overrides {
            resource,
            direction: options.direction,
        };
        Ok(Plan {
            ctx: context(catalog, overrides, options),
        })
    }

    /// Checks every file, calling `on_file` with each file's report in a stable order (a long
    /// NDJSON stream gives several reports, the last one closing the file). Returns the counts;
    /// fails only if `on_file` does.
    pub fn run(
        &self,
        baseline: Option<&mut Baseline>,
        on_file: &mut dyn FnMut(FileReport) -> std::io::Result<()>,
    ) -> Result<Summary, RunError> {
        pipeline::run(&self.ctx, baseline, on_file)
    }
}

/// Checks `text` as the file `path` would be checked (format by extension, else by content),
/// without touching the file system: for benchmarks, fuzzing and embedding. Options that name
/// paths are ignored; an unknown `resource` is ignored too.
pub fn check_text(
    catalog: &Catalog,
    options: &Options,
    path: &Path,
    text: &[u8],
) -> Vec<FileReport> {
    let overrides = Overrides {
        resource: options
            .resource
            .as_deref()
            .and_then(|n| catalog.resource(n)),
        direction: options.direction,
    };
    let ctx = context(catalog, overrides, options);
    let mut out = Vec::new();
    let format = Format::for_walked(path);
    let bytes = text.to_vec();
    let emit = &mut |r| out.push(r);
    check_bytes(
        path.to_path_buf(),
        bytes,
        format,
        &ctx,
        Origin::Memory,
        emit,
    );
    out
}

/// What every file of a run is checked with.
fn context<'a>(catalog: &'a Catalog, overrides: Overrides<'a>, options: &'a Options) -> Ctx<'a> {
    let plans = Plans {
        all: options.conformant,
        safe: options.fix != FixMode::Off,
    };
    let service = options.service.as_deref();
    let model_resource = match (service, &options.resource, overrides.resource) {
        (Some(s), Some(name), None) => crate::route_model::resource(&s.model, name),
        _ => None,
    };
    let checker = Checker {
        catalog,
        overrides,
        config: &options.config,
        plans,
        service,
        model_resource,
    };
    Ctx { checker, options }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;
    use crate::rules::subject::testing::catalog;

    fn found(reports: &[FileReport]) -> Vec<(Rule, usize, usize, usize)> {
        reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .map(|d| (d.rule, d.line, d.column, d.payload))
            .collect()
    }

    #[test]
    fn text_is_checked_as_its_name_says_and_placed_at_lines_and_columns() {
        let options = Options::default();
        let text = b"{\n  \"groupID\": \"g\"\n}\n";
        let reports = check_text(catalog(), &options, Path::new("b.json"), text);
        assert_eq!(reports.len(), 1);
        assert_eq!(
            found(&reports),
            [
                (Rule::MissingRequired, 1, 1, 0),
                (Rule::UnknownField, 2, 3, 0)
            ]
        );
        let r = &reports[0];
        assert_eq!(r.payloads, 1);
        assert!(r.source.is_some() && r.lines.is_some());
        assert_eq!(
            r.conformant.as_ref().map(|c| c.text.as_str()),
            Some("{\n  \"groupId\": \"g\"\n}\n"),
            "the diff renames the near miss"
        );
    }

    #[test]
    fn a_stream_is_reported_a_line_at_a_time_and_closed_by_the_last_report() {
        let options = Options::default();
        let text = b"{\"groupId\": \"g\"}\n\n{\"groupID\": \"g\"}\n{\"groupId\": \"g\"}\n";
        let reports = check_text(catalog(), &options, Path::new("s.ndjson"), text);
        let shape: Vec<(usize, bool, usize, usize)> = reports
            .iter()
            .map(|r| (r.payloads, r.continuation, r.line_base, r.diagnostics.len()))
            .collect();
        // The clean first line is counted into the report of the line with findings; the
        // closing report counts what came after.
        assert_eq!(shape, [(2, true, 2, 2), (1, false, 0, 0)]);
        assert_eq!(
            found(&reports),
            [
                (Rule::MissingRequired, 3, 1, 1),
                (Rule::UnknownField, 3, 2, 1)
            ]
        );
    }

    #[test]
    fn with_fix_diff_the_conformant_text_has_only_the_safe_fixes() {
        let options = Options {
            fix: FixMode::Diff,
            ..Options::default()
        };
        let text = br#"{"groupID": "g", "extra": 1}"#;
        let reports = check_text(catalog(), &options, Path::new("b.json"), text);
        assert_eq!(
            reports[0].conformant.as_ref().map(|c| c.text.as_str()),
            Some(r#"{"groupId": "g", "extra": 1}"#),
            "the rename is safe, removing `extra` is not"
        );
    }

    /// `--fix --diff` shows what `--fix` writes, for every capture of the corpus: a whole file's
    /// fixed text, or each stream line's at its line.
    #[test]
    fn fix_writes_what_fix_diff_shows_across_the_corpus() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let t = tempfile::TempDir::new().unwrap();
        let mut compared = 0;
        for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.path().strip_prefix(&corpus).unwrap();
            let captured = std::fs::read(entry.path()).unwrap();
            let diff = Options {
                fix: FixMode::Diff,
                ..Options::default()
            };
            let reports = check_text(catalog(), &diff, name, &captured);
            let text = String::from_utf8_lossy(&captured).into_owned();
            let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
            let mut shown = text.clone();
            for r in reports.iter().filter(|r| r.conformant.is_some()) {
                let fixed = &r.conformant.as_ref().unwrap().text;
                if r.continuation {
                    let line = &mut lines[r.line_base];
                    let end = &line[line.trim_end_matches(['\r', '\n']).len()..];
                    *line = format!("{fixed}{end}");
                    shown = lines.concat();
                } else {
                    shown = fixed.clone();
                }
            }
            let copy = t.path().join(name);
            std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
            std::fs::write(&copy, &captured).unwrap();
            let apply = Options {
                paths: vec![copy.clone()],
                fix: FixMode::Apply,
                ..Options::default()
            };
            Plan::new(&apply, catalog())
                .unwrap()
                .run(None, &mut |_| Ok(()))
                .unwrap();
            let written = String::from_utf8_lossy(&std::fs::read(&copy).unwrap()).into_owned();
            assert_eq!(written, shown, "{}", name.display());
            compared += 1;
        }
        assert!(compared > 20, "{compared}");
    }

    #[test]
    fn a_plan_refuses_missing_paths_and_unknown_resources() {
        let options = Options {
            paths: vec!["no/such/file.json".into()],
            ..Options::default()
        };
        let e = Plan::new(&options, catalog()).err().unwrap();
        assert_eq!(
            e.to_string(),
            "no such file or folder: no/such/file.json (check the path)"
        );
        let options = Options {
            resource: Some("Nope".into()),
            ..Options::default()
        };
        let e = Plan::new(&options, catalog()).err().unwrap();
        assert_eq!(
            e.to_string(),
            "unknown resource `Nope` for --resource; the catalog has: \
             ProvisionPolicyAssignmentItem (add one with --schemas DIR)"
        );
    }

    /// The reports of a run over `paths` with `options`, as (file, rules).
    fn run(options: &Options) -> (Summary, Vec<(String, Vec<Rule>)>) {
        let plan = Plan::new(options, catalog()).unwrap();
        let mut reports = Vec::new();
        let summary = plan
            .run(None, &mut |r| {
                let rules = r.diagnostics.iter().map(|d| d.rule).collect();
                reports.push((r.display_path(), rules));
                Ok(())
            })
            .unwrap();
        (summary, reports)
    }

    #[test]
    fn a_run_reports_in_walk_order_whatever_the_threads_and_writes_safe_fixes() {
        let t = tempfile::TempDir::new().unwrap();
        for (name, body) in [
            ("b/2.json", r#"{"groupID": "g"}"#),
            ("b/1.json", r#"{"groupId": "g"}"#),
            ("a.json", r#"{"groupId": 1}"#),
            (
                "big.json",
                "{\"groupId\": \"a-much-longer-value-than-the-limit\"}",
            ),
        ] {
            let path = t.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let dir = t.path().to_path_buf();
        let file = |name: &str| dir.join(name).display().to_string();
        let options = |threads| Options {
            paths: vec![dir.clone()],
            threads,
            max_file_size: 40,
            ..Options::default()
        };
        let (summary, one) = run(&options(1));
        let (_, many) = run(&options(3));
        assert_eq!(one, many);
        assert_eq!(
            one,
            [
                (file("a.json"), vec![Rule::TypeMismatch]),
                (file("b/1.json"), vec![]),
                (
                    file("b/2.json"),
                    vec![Rule::MissingRequired, Rule::UnknownField]
                ),
                (file("big.json"), vec![Rule::UnreadableFile]),
            ]
        );
        assert_eq!((summary.files, summary.errors), (4, 4));
        let fixing = Options {
            fix: FixMode::Apply,
            ..options(1)
        };
        let (summary, after) = run(&fixing);
        assert_eq!((summary.fixes, summary.files_fixed), (1, 1));
        assert_eq!(
            after[2].1,
            Vec::<Rule>::new(),
            "the rename fixed both findings"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("b/2.json")).unwrap(),
            r#"{"groupId": "g"}"#
        );
    }
}
