//! The seam between the server and the rest of paylint: the only file of `src/server/` that
//! names paylint's own modules. Everything else in the server works on what this file hands
//! out — findings with byte spans of the document, fixes as text edits, the messages of a
//! document, and the catalog as a [`Model`] — so that when the linter's insides move, this file
//! is the one to change.
//!
//! What it calls: `engine::check_text` (the check of one file's text, as `paylint FILE` does it),
//! `fix::plan` and `fix::select` (a finding's fix as byte edits, as `--fix` makes them),
//! `input::decode` and `input::read` (the messages of a file and their body spans),
//! `json::parse_range` (a body's tree with the spans of keys and values), `route` (what a body
//! is checked as), `Config::discover` and `Catalog::load` (the workspace's `paylint.toml` and
//! catalog).

use super::vocabulary::{MessageView, Way};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FixAction, Safety};
use crate::direction::Direction;
use crate::engine::{check_text, Options};
use crate::fix::Selection;
use crate::input::{self, Body, Format, Payload};
use crate::json::{self};
use crate::route_model::Service;
use crate::rule::{Rule, Severity};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod locate;
mod model;

/// A finding, placed in the document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Byte span in the document (as the editor has it: a byte order mark counts).
    pub span: Range<usize>,
    /// The rule id: `unknown-field`.
    pub rule: &'static str,
    pub error: bool,
    pub message: String,
    pub hint: Option<String>,
    pub fix: Option<FindingFix>,
}

/// A finding's fix as edits of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingFix {
    /// `--fix` would write it.
    pub safe: bool,
    pub title: String,
    pub edits: Vec<TextChange>,
}

/// Replace `span` (bytes of the document) with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    pub span: Range<usize>,
    pub text: String,
}

/// What one check of a document found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// Every safe fix of the document at once (what `paylint --fix` would write), planned
    /// together so that fixes in one object compose.
    pub fix_all: Vec<TextChange>,
}

/// The configuration and catalog documents are checked with: one per workspace folder.
pub struct Engine {
    catalog: Catalog,
    options: Options,
    /// `paylint.toml`, if one was found.
    pub config_file: Option<PathBuf>,
    /// Catalog folders from the configuration.
    pub schema_dirs: Vec<PathBuf>,
    /// The OData metadata the configuration names.
    pub metadata: Option<PathBuf>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("config_file", &self.config_file)
            .field("schema_dirs", &self.schema_dirs)
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// The built-in catalog with the default configuration.
    pub fn defaults() -> Engine {
        Engine::with(
            Config::default(),
            Catalog::load(&[]).expect("the built-in catalog loads (the test suite checks it)"),
        )
    }

    /// `paylint.toml` in `root` or the nearest folder above, and the catalog it names, as the
    /// command line run in `root` would use them. The error is one line for the user.
    /// The configuration's `metadata`, when it names one, is loaded (from the cache the command
    /// line keeps) and messages are resolved against it as `paylint --metadata` does.
    pub fn load(root: &Path) -> Result<Engine, String> {
        Engine::load_caching(root, &crate::odata::cache::CacheDir::from_env())
    }

    /// [`Engine::load`], keeping compiled metadata in `cache`.
    fn load_caching(root: &Path, cache: &crate::odata::cache::CacheDir) -> Result<Engine, String> {
        let config = Config::discover(None, root).map_err(|e| e.to_string())?;
        let catalog = Catalog::load(&config.schemas).map_err(|e| e.to_string())?;
        let service = match &config.metadata {
            Some(path) => {
                let (service, _warnings) = Service::load(
                    path,
                    &config.service_roots,
                    &crate::odata::build::Options::default(),
                    cache,
                    // Hovers and completions show them.
                    crate::odata::cache::Descriptions::Wanted,
                )
                .map_err(|e| format!("metadata {}: {e}", path.display()))?;
                Some(Arc::new(service))
            }
            None => None,
        };
        let mut engine = Engine::with(config, catalog);
        engine.options.service = service;
        Ok(engine)
    }

    fn with(config: Config, catalog: Catalog) -> Engine {
        let config_file = config.file.clone();
        let schema_dirs = config.schemas.clone();
        let metadata = config.metadata.clone();
        Engine {
            catalog,
            options: Options {
                // No diff and no --fix: fixes are planned here, per finding.
                conformant: false,
                config,
                ..Options::default()
            },
            config_file,
            schema_dirs,
            metadata,
        }
    }

    /// The OData service messages are resolved against, when the configuration names metadata.
    fn service(&self) -> Option<&Service> {
        self.options.service.as_deref()
    }

    /// The largest text checked; a larger one gets one finding instead.
    pub fn max_size(&self) -> usize {
        self.options.max_file_size as usize
    }

    /// Checks `text` as the file `path` (its extension, else its content, says the format),
    /// from memory. A file the configuration excludes, or does not include when it lists what
    /// to include, has no findings (an editor opens every JSON file, not only payloads).
    pub fn check(&self, path: &Path, text: &str) -> Checked {
        test_hooks::before_check(path);
        let config = &self.options.config;
        if config.excluded(path) || !config.included(path) {
            return Checked::default();
        }
        if text.len() > self.max_size() {
            return Checked {
                findings: vec![Finding {
                    span: 0..0,
                    rule: Rule::UnreadableFile.id(),
                    error: true,
                    message: format!(
                        "the document is {} bytes, over the {}-byte limit; not checked",
                        text.len(),
                        self.max_size()
                    ),
                    hint: Some("split it, or check it with paylint --max-file-size".into()),
                    fix: None,
                }],
                fix_all: Vec::new(),
            };
        }
        let bom = bom_len(text);
        let reports = check_text(&self.catalog, &self.options, path, text.as_bytes());
        let mut with_fix: Vec<(usize, Diagnostic)> = Vec::new();
        let mut findings = Vec::new();
        // An NDJSON stream is checked a line at a time: spans are in the line, `line_base`
        // lines into the file (counted at `\n`, as the stream reader does).
        let mut ndjson_lines: Option<Vec<usize>> = None;
        for report in reports {
            let base = if report.continuation {
                let starts = ndjson_lines.get_or_insert_with(|| newline_starts(text));
                starts.get(report.line_base).map_or(text.len(), |&s| {
                    s + if report.line_base == 0 { bom } else { 0 }
                })
            } else {
                bom
            };
            for d in report.diagnostics {
                let span = clamp(text, base + d.span.start, base + d.span.end);
                findings.push(Finding {
                    span,
                    rule: d.rule.id(),
                    error: d.severity == Severity::Error,
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                    fix: None,
                });
                if d.fix.is_some() && !report.continuation {
                    with_fix.push((findings.len() - 1, d));
                }
            }
        }
        let mut fix_all = Vec::new();
        if !with_fix.is_empty() {
            self.plan_fixes(path, text, bom, &mut findings, with_fix, &mut fix_all);
        }
        Checked { findings, fix_all }
    }

    /// Turns the fixes of findings into edits: each alone, and the safe ones of each message
    /// together.
    fn plan_fixes(
        &self,
        path: &Path,
        text: &str,
        bom: usize,
        findings: &mut [Finding],
        with_fix: Vec<(usize, Diagnostic)>,
        fix_all: &mut Vec<TextChange>,
    ) {
        let (source, _) = input::decode(path.to_path_buf(), text.as_bytes().to_vec());
        let format = format_of(path, &source.text);
        let parsed = input::read(format, &source);
        let body = &source.text;
        let mut roots: Vec<(usize, Option<json::Document>)> = Vec::new();
        let mut root_of = |index: usize| -> Option<usize> {
            if let Some(i) = roots.iter().position(|(p, _)| *p == index) {
                return roots[i].1.as_ref().map(|_| i);
            }
            let doc = parsed
                .payloads
                .iter()
                .find(|p| p.index == index)
                .and_then(|p| match &p.body {
                    Some(Body::InFile(span)) => json::parse_range(body, span.start, span.end).ok(),
                    _ => None,
                });
            roots.push((index, doc));
            roots
                .last()
                .and_then(|(_, d)| d.as_ref())
                .map(|_| roots.len() - 1)
        };
        let mut safe_by_payload: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut located: Vec<(usize, usize, Diagnostic)> = Vec::new();
        for (finding, d) in with_fix {
            if let Some(i) = root_of(d.payload) {
                located.push((finding, i, d));
            }
        }
        for (k, (finding, i, d)) in located.iter().enumerate() {
            let fix = d.fix.as_ref().expect("kept for its fix");
            let root = &roots[*i].1.as_ref().expect("parsed").root;
            let edits = shift(crate::fix::plan(body, root, &[&fix.action]), bom);
            if edits.is_empty() {
                continue;
            }
            findings[*finding].fix = Some(FindingFix {
                safe: fix.safety == Safety::Safe,
                title: title(body, &fix.action),
                edits,
            });
            if fix.safety == Safety::Safe {
                match safe_by_payload.iter_mut().find(|(p, _)| p == i) {
                    Some((_, ks)) => ks.push(k),
                    None => safe_by_payload.push((*i, vec![k])),
                }
            }
        }
        for (i, ks) in safe_by_payload {
            let root = &roots[i].1.as_ref().expect("parsed").root;
            let fixes = ks.iter().filter_map(|&k| located[k].2.fix.as_ref());
            let actions = crate::fix::select(fixes, Selection::Safe);
            fix_all.extend(shift(crate::fix::plan(body, root, &actions), bom));
        }
        fix_all.sort_by_key(|e| (e.span.start, e.span.end));
        let mut end = 0;
        fix_all.retain(|e| {
            let keep = e.span.start >= end;
            if keep {
                end = e.span.end;
            }
            keep
        });
    }

    /// The messages of a document, with the spans of their first lines and bodies.
    pub fn messages(&self, path: &Path, text: &str) -> Vec<MessageView> {
        let bom = bom_len(text);
        let (source, undecodable) = input::decode(path.to_path_buf(), text.as_bytes().to_vec());
        if undecodable.is_some() {
            return Vec::new();
        }
        let format = format_of(path, &source.text);
        let view = |p: &Payload, base: usize| MessageView {
            index: p.index,
            start: p.start.start + base..p.start.end + base,
            body: match &p.body {
                Some(Body::InFile(span)) => Some(span.start + base..span.end + base),
                _ => None,
            },
            method: p.method.clone(),
            url: p.url.clone(),
            way: p.direction.map(way),
            status: p.status,
            truncated: p.truncated,
        };
        if format == Format::Ndjson {
            let mut out = Vec::new();
            let mut at = 0;
            for (n, line) in source.text.split_inclusive('\n').enumerate() {
                let parsed = input::ndjson::read_line(line.trim_end_matches(['\r', '\n']), n);
                out.extend(parsed.payloads.iter().map(|p| view(p, bom + at)));
                at += line.len();
            }
            return out;
        }
        input::read(format, &source)
            .payloads
            .iter()
            .map(|p| view(p, bom))
            .collect()
    }
}

/// Does `path`'s extension name a format paylint reads (else the content decides)?
pub fn known_extension(path: &Path) -> bool {
    Format::for_walked(path).is_some()
}

/// The format `check_text` reads `path` as.
fn format_of(path: &Path, text: &str) -> Format {
    Format::for_walked(path).unwrap_or_else(|| Format::for_named(path, text))
}

fn way(d: Direction) -> Way {
    match d {
        Direction::Request => Way::Request,
        Direction::Response => Way::Response,
    }
}

fn direction(w: Way) -> Direction {
    match w {
        Way::Request => Direction::Request,
        Way::Response => Direction::Response,
    }
}

/// paylint's spans do not count a leading byte order mark; the editor's text has it.
fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        3
    } else {
        0
    }
}

fn clamp(text: &str, start: usize, end: usize) -> Range<usize> {
    let fl = |i: usize| super::document::floor_char_boundary(text, i.min(text.len()));
    let (start, end) = (fl(start), fl(end));
    start..end.max(start)
}

/// Line starts at `\n` only (how the NDJSON reader counts lines).
fn newline_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

fn shift(edits: Vec<crate::fix::Edit>, by: usize) -> Vec<TextChange> {
    edits
        .into_iter()
        .map(|e| TextChange {
            span: e.span.start + by..e.span.end + by,
            text: e.text,
        })
        .collect()
}

/// What a fix does, in the words of a code action's title.
fn title(text: &str, action: &FixAction) -> String {
    let quoted_at = |start: usize| {
        let (end, _) = super::cursor::string_end(text.as_bytes(), start);
        serde_json::from_str::<String>(&text[start..end]).unwrap_or_default()
    };
    match action {
        FixAction::RenameKey { key_span, new_key } => {
            format!("Rename `{}` to `{new_key}`", quoted_at(key_span.start))
        }
        FixAction::ReplaceValue { span, new_json } => {
            format!(
                "Replace `{}` with `{new_json}`",
                &text[span.start..span.end]
            )
        }
        FixAction::RemoveMember { key_start, .. } => {
            format!("Remove `{}`", quoted_at(*key_start))
        }
        FixAction::InsertMember {
            key, value_json, ..
        } => format!("Add `\"{key}\": {value_json}`"),
    }
}

/// Faults a test can inject into a debug build, to prove that the server survives them.
mod test_hooks {
    /// `PAYLINT_TEST_PANIC_ON=NAME`: checking a document named NAME panics.
    #[cfg(debug_assertions)]
    pub fn before_check(path: &std::path::Path) {
        if let Some(name) = std::env::var_os("PAYLINT_TEST_PANIC_ON") {
            if path.file_name() == Some(name.as_os_str()) {
                panic!("test hook: PAYLINT_TEST_PANIC_ON={}", path.display());
            }
        }
    }

    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub fn before_check(_: &std::path::Path) {}
}

#[cfg(test)]
mod tests {
    use super::super::cursor::{scan, Mode};
    use super::*;
    use crate::server::vocabulary::{BodyQuery, Model};

    const HTTP: &str = "PATCH https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupID\": \"g\"}\n";

    #[test]
    fn findings_are_placed_and_the_rename_is_a_safe_edit() {
        let engine = Engine::defaults();
        let checked = engine.check(Path::new("/w/a.http"), HTTP);
        let rules: Vec<&str> = checked.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, vec!["missing-required", "unknown-field"]);
        let unknown = &checked.findings[1];
        assert_eq!(&HTTP[unknown.span.clone()], "\"groupID\"");
        let fix = unknown.fix.as_ref().unwrap();
        assert!(fix.safe);
        assert_eq!(fix.title, "Rename `groupID` to `groupId`");
        assert_eq!(fix.edits[0].text, "\"groupId\"");
        assert_eq!(checked.fix_all, fix.edits);
        // Applying it leaves nothing to report.
        let mut fixed = HTTP.to_string();
        fixed.replace_range(fix.edits[0].span.clone(), &fix.edits[0].text);
        assert!(engine
            .check(Path::new("/w/a.http"), &fixed)
            .findings
            .is_empty());
    }

    #[test]
    fn only_what_the_configuration_includes_is_checked() {
        let config = Config::parse(
            "include = [\"captures/**\"]\nexclude = [\"captures/old/**\"]\n",
            Path::new("/w/paylint.toml"),
        )
        .unwrap();
        let engine = Engine::with(config, Catalog::load(&[]).unwrap());
        let body = r#"{"groupID": "g"}"#;
        assert!(!engine
            .check(Path::new("/w/captures/a.json"), body)
            .findings
            .is_empty());
        assert!(engine
            .check(Path::new("/w/package.json"), body)
            .findings
            .is_empty());
        assert!(engine
            .check(Path::new("/w/captures/old/a.json"), body)
            .findings
            .is_empty());
    }

    #[test]
    fn a_byte_order_mark_and_ndjson_lines_shift_spans() {
        let engine = Engine::defaults();
        let text = format!("\u{feff}{}", r#"{"groupID": "g"}"#);
        let checked = engine.check(Path::new("b.json"), &text);
        let unknown = checked.findings.iter().find(|f| f.rule == "unknown-field");
        assert_eq!(&text[unknown.unwrap().span.clone()], "\"groupID\"");
        let text = "{\"groupId\": \"g\"}\n\n{\"groupId\": \"g\", \"x\": 1}\n";
        let checked = engine.check(Path::new("s.ndjson"), text);
        assert_eq!(checked.findings.len(), 1);
        assert_eq!(&text[checked.findings[0].span.clone()], "\"x\"");
    }

    const WIDGETS: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="example" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="widget"><Key><PropertyRef Name="id"/></Key>
<Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="name" Type="Edm.String"/>
<Property Name="size" Type="example.size"/>
<NavigationProperty Name="parts" Type="Collection(example.widget)"/></EntityType>
<ComplexType Name="size"><Property Name="width" Type="Edm.Int32" Nullable="false"/></ComplexType>
<Action Name="paint" IsBound="true"><Parameter Name="bindingParameter" Type="example.widget"/>
<Parameter Name="color" Type="Edm.String" Nullable="false"/></Action>
<EntityContainer Name="service"><EntitySet Name="widgets" EntityType="example.widget"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    /// An engine whose configuration names the widgets' metadata.
    fn widgets(dir: &Path) -> Engine {
        std::fs::write(dir.join("metadata.xml"), WIDGETS).unwrap();
        std::fs::write(dir.join("paylint.toml"), "metadata = \"metadata.xml\"\n").unwrap();
        Engine::load_caching(dir, &crate::odata::cache::CacheDir::At(dir.join("cache"))).unwrap()
    }

    #[test]
    fn with_metadata_messages_are_checked_and_described_by_the_model() {
        let dir = tempfile::TempDir::new().unwrap();
        let engine = widgets(dir.path());
        let text = "PATCH /widgets/w1\nContent-Type: application/json\n\n{\"nme\": \"gear\", \"size\": {\"width\": 2}}\n";
        let checked = engine.check(&dir.path().join("a.http"), text);
        let rules: Vec<&str> = checked.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["unknown-field"]);
        assert_eq!(&text[checked.findings[0].span.clone()], "\"nme\"");
        // Hover: the operation, the properties at the top and in a complex value.
        let op = engine.operation("PATCH", "/widgets/w1").unwrap();
        assert_eq!(op.name, "update");
        assert!(op.resource.contains("example.widget"), "{}", op.resource);
        let ty = engine
            .body_type(&BodyQuery {
                method: Some("PATCH"),
                url: Some("/widgets/w1"),
                way: Some(Way::Request),
                ..BodyQuery::default()
            })
            .unwrap();
        assert_eq!(ty.name(), "example.widget");
        let id = ty.property("", "id").unwrap();
        assert!(id.read_only, "a key is not updated");
        assert_eq!(ty.property("", "name").unwrap().type_label, "Edm.String");
        assert_eq!(
            ty.property("", "parts").unwrap().type_label,
            "Collection(example.widget) (navigation)"
        );
        let width = ty.property("/size", "width").unwrap();
        assert_eq!(width.type_label, "Edm.Int32");
        assert!(!width.nullable);
        // A response's key is required; a collection's items are reached through `value`.
        let list = engine
            .body_type(&BodyQuery {
                method: Some("GET"),
                url: Some("/widgets"),
                way: Some(Way::Response),
                status: Some(200),
                ..BodyQuery::default()
            })
            .unwrap();
        assert!(list.property("/value/0", "id").unwrap().required);
        assert!(list.property("/value/0/parts/3", "name").is_some());
        assert!(list.properties("").is_empty());
        // An action's parameters.
        let paint = engine.operation("POST", "/widgets/w1/paint").unwrap();
        assert_eq!(paint.request_required, ["color"], "{paint:?}");
        assert_eq!(paint.resource, "one `example.widget`");
        let params = engine
            .body_type(&BodyQuery {
                method: Some("POST"),
                url: Some("/widgets/w1/paint"),
                way: Some(Way::Request),
                ..BodyQuery::default()
            })
            .unwrap();
        let names: Vec<String> = params.properties("").into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["color"]);
        // The model's types are `@odata.type` values; the catalog's stay.
        let types: Vec<String> = engine
            .odata_types()
            .into_iter()
            .map(|t| t.odata_type)
            .collect();
        assert!(types.contains(&"#example.widget".to_string()), "{types:?}");
        assert!(types.contains(&"#microsoft.graph.ProvisionPolicyAssignmentItem".to_string()));
        // A URL the model does not resolve is no operation.
        assert!(engine.operation("GET", "/gadgets").is_none());
    }

    #[test]
    fn messages_and_the_catalog_answer_hover_questions() {
        let engine = Engine::defaults();
        let messages = engine.messages(Path::new("a.http"), HTTP);
        assert_eq!(messages.len(), 1);
        let m = &messages[0];
        assert!(HTTP[m.start.clone()].starts_with("PATCH "));
        let body = m.body.clone().unwrap();
        let op = engine
            .operation(m.method.as_deref().unwrap(), m.url.as_deref().unwrap())
            .unwrap();
        assert_eq!(op.request_required, vec!["groupId"]);
        let ty = engine
            .body_type(&BodyQuery {
                method: m.method.as_deref(),
                url: m.url.as_deref(),
                way: m.way,
                ..BodyQuery::default()
            })
            .unwrap();
        let group = ty.property("", "groupId").unwrap();
        assert_eq!(group.type_label, "string");
        assert!(group.required && !group.read_only && !group.nullable);
        assert!(ty.property("", "id").unwrap().read_only);
        let types = engine.odata_types();
        assert_eq!(
            types[0].odata_type,
            "#microsoft.graph.ProvisionPolicyAssignmentItem"
        );
        // The tree and the token scan agree wherever the body is valid.
        for offset in body.clone() {
            for mode in [Mode::Hover, Mode::Complete] {
                let tree = engine.locate(HTTP, body.clone(), offset, mode).map(|l| l.0);
                let scanned = scan(HTTP, body.clone(), offset, mode);
                if let (Some(t), Some(s)) = (&tree, &scanned) {
                    assert_eq!(t.container, s.container, "{offset} {mode:?}");
                    assert_eq!(
                        std::mem::discriminant(&t.at),
                        std::mem::discriminant(&s.at),
                        "{offset} {mode:?}: {t:?} {s:?}"
                    );
                }
            }
        }
    }
}
