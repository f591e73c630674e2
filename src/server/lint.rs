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

use super::cursor::{At, Location};
use super::vocabulary::{
    push_token, BodyQuery, BodyType, MessageView, Model, OperationInfo, PropertyInfo, TypeInfo, Way,
};
use crate::catalog::{Catalog, Exchange, Resource};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FixAction, Safety};
use crate::direction::Direction;
use crate::engine::{check_text, Options};
use crate::fix::Selection;
use crate::input::{self, Body, Format, Payload};
use crate::json::{self, Kind, Node};
use crate::odata::exchange::{Expect, Purpose};
use crate::odata::model::{Parameter, TypeId};
use crate::route_model::{Routed, Service};
use crate::rule::{Rule, Severity};
use crate::source::Span;
use serde_json::Value;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

    /// Where `offset` is in the body `body` of `text`, on the body's parsed tree; `None` when
    /// the body does not parse (then the caller scans its tokens instead). Also gives the
    /// body's `@odata.type`.
    pub fn locate(
        &self,
        text: &str,
        body: Range<usize>,
        offset: usize,
        mode: super::cursor::Mode,
    ) -> Option<(Location, Option<String>)> {
        let doc = json::parse_range(text, body.start, body.end).ok()?;
        let odata_type = string_at(&doc.root, "/@odata.type");
        Some((locate_in(text, &doc.root, offset, mode)?, odata_type))
    }
}

/// The Location of `offset` in the tree under `root` (the body's span covers it).
fn locate_in(
    text: &str,
    root: &Node,
    offset: usize,
    mode: super::cursor::Mode,
) -> Option<Location> {
    let mut node = root;
    let mut pointer = String::new();
    let inside = |span: &Span| span.start < offset && offset < span.end;
    let on_open = mode == super::cursor::Mode::Hover && node.span.start == offset;
    if !(inside(&node.span) || on_open) {
        return None;
    }
    loop {
        let span_of = |s: &Span| s.start..s.end;
        let next = match &node.kind {
            Kind::Object(members) => {
                let keys: Vec<String> = members.iter().map(|m| m.key.clone()).collect();
                let found = |at: At| Location {
                    container: pointer.clone(),
                    keys: keys.clone(),
                    at,
                };
                let mut child = None;
                for m in members {
                    if mode.touches(&span_of(&m.key_span), offset, true) {
                        return Some(found(At::Key {
                            name: m.key.clone(),
                            span: span_of(&m.key_span),
                            colon: true,
                        }));
                    }
                    let v = &m.value.span;
                    let container = matches!(m.value.kind, Kind::Object(_) | Kind::Array(_));
                    if container && inside(v) {
                        child = Some((&m.value, push_token(&pointer, &m.key)));
                        break;
                    }
                    if mode.touches(&span_of(v), offset, true) {
                        return Some(found(At::Value {
                            key: Some(m.key.clone()),
                            span: span_of(v),
                            string: match &m.value.kind {
                                Kind::String(s) => Some(s.clone()),
                                _ => None,
                            },
                        }));
                    }
                }
                match child {
                    Some(c) => Some(c),
                    None => {
                        // Between members: what precedes the cursor says what may come.
                        let at = match last_token_byte(text, node.span.start, offset, mode) {
                            Some(b'{' | b',') => At::KeySlot,
                            Some(b':') => At::ValueSlot {
                                key: members
                                    .iter()
                                    .rev()
                                    .find(|m| m.key_span.end <= offset)
                                    .map(|m| m.key.clone()),
                            },
                            _ => At::Other,
                        };
                        return Some(found(at));
                    }
                }
            }
            Kind::Array(items) => {
                let mut child = None;
                for (i, item) in items.iter().enumerate() {
                    let container = matches!(item.kind, Kind::Object(_) | Kind::Array(_));
                    if container && inside(&item.span) {
                        child = Some((item, push_token(&pointer, &i.to_string())));
                        break;
                    }
                    if mode.touches(&span_of(&item.span), offset, true) {
                        return Some(Location {
                            container: pointer,
                            keys: Vec::new(),
                            at: At::Value {
                                key: None,
                                span: span_of(&item.span),
                                string: match &item.kind {
                                    Kind::String(s) => Some(s.clone()),
                                    _ => None,
                                },
                            },
                        });
                    }
                }
                match child {
                    Some(c) => Some(c),
                    None => {
                        let at = match last_token_byte(text, node.span.start, offset, mode) {
                            Some(b'[' | b',') => At::ValueSlot { key: None },
                            _ => At::Other,
                        };
                        return Some(Location {
                            container: pointer,
                            keys: Vec::new(),
                            at,
                        });
                    }
                }
            }
            _ => None,
        };
        let (child, child_pointer) = next?;
        node = child;
        pointer = child_pointer;
    }
}

/// The last non-blank byte from `start` up to the cursor (for hover, the character under it
/// included, as the token scan counts it).
fn last_token_byte(
    text: &str,
    start: usize,
    offset: usize,
    mode: super::cursor::Mode,
) -> Option<u8> {
    let end = match mode {
        super::cursor::Mode::Hover => (offset + 1).min(text.len()),
        super::cursor::Mode::Complete => offset,
    };
    text.as_bytes()[start..end]
        .iter()
        .rev()
        .find(|b| !b.is_ascii_whitespace())
        .copied()
}

fn string_at(root: &Node, pointer: &str) -> Option<String> {
    match &root.pointer(pointer)?.kind {
        Kind::String(s) => Some(s.clone()),
        _ => None,
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

/// The catalog and, when the configuration names metadata, the service's model, as hover and
/// completion see them: a message the catalog knows is the catalog's; any other is the model's.
impl Model for Engine {
    fn body_type(&self, q: &BodyQuery<'_>) -> Option<Box<dyn BodyType + '_>> {
        let payload = Payload {
            method: q.method.map(str::to_string),
            url: q.url.map(str::to_string),
            direction: q.way.map(direction),
            status: q.status,
            ..Payload::default()
        };
        let operation = match crate::route::operation(&self.catalog, &payload) {
            Some(Ok(op)) => Some(op),
            _ => None,
        };
        if let (None, Some(service)) = (&operation, self.service()) {
            return model_body(service, q).map(|b| Box::new(b) as Box<dyn BodyType + '_>);
        }
        let root = Node {
            span: Span::default(),
            kind: Kind::Object(
                q.odata_type
                    .map(|t| json::Member {
                        key: "@odata.type".into(),
                        key_span: Span::default(),
                        value: Node {
                            span: Span::default(),
                            kind: Kind::String(t.to_string()),
                        },
                    })
                    .into_iter()
                    .collect(),
            ),
        };
        let overrides = crate::route::Overrides::default();
        let target =
            crate::route::route(&self.catalog, &payload, &root, overrides, operation).ok()?;
        let required = target.resource.required(&Exchange {
            select: None,
            ..target.exchange
        });
        Some(Box::new(CatalogBody {
            resource: target.resource,
            required,
        }))
    }

    fn odata_types(&self) -> Vec<TypeInfo> {
        let catalog = self.catalog.resources().iter().filter_map(|r| {
            Some(TypeInfo {
                odata_type: r.odata_type.clone()?,
                name: r.name.clone(),
                description: r
                    .schema()
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            })
        });
        let mut types: Vec<TypeInfo> = catalog.collect();
        if let Some(service) = self.service() {
            for t in &service.model.types {
                let odata_type = format!("#{}", t.name);
                if types.iter().all(|c| c.odata_type != odata_type) {
                    types.push(TypeInfo {
                        odata_type,
                        name: t.name.clone(),
                        description: t.description.as_deref().map(str::to_string),
                    });
                }
            }
        }
        types
    }

    fn operation(&self, method: &str, url: &str) -> Option<OperationInfo> {
        if let Some((r, o)) = self.catalog.operation(method, url) {
            return Some(OperationInfo {
                name: o.name.clone(),
                method: o.method.clone(),
                path: o.path.clone(),
                resource: r.name.clone(),
                request_required: o
                    .request
                    .as_ref()
                    .map_or(Vec::new(), |b| b.required.clone()),
                statuses: o.responses.keys().copied().collect(),
            });
        }
        let service = self.service()?;
        let Routed::Exchange {
            resolution,
            exchange,
            ..
        } = crate::route_model::message(service, method, url)
        else {
            return None;
        };
        let model = &service.model;
        let (name, required) = match &exchange.request {
            Expect::Structured { purpose, .. } => (purpose_name(*purpose), Vec::new()),
            Expect::Parameters { op } => {
                let op = &model.operations[*op as usize];
                let required = parameters(op)
                    .filter(|p| !p.optional)
                    .map(|p| p.name.clone())
                    .collect();
                (op.name.as_str(), required)
            }
            Expect::Reference { .. } => ("reference", Vec::new()),
            _ => (
                match method.to_ascii_uppercase().as_str() {
                    "DELETE" => "delete",
                    _ => "read",
                },
                Vec::new(),
            ),
        };
        // An action or function is of what it is bound to (the segment before it).
        let addressed = match (&exchange.request, resolution.steps.len()) {
            (Expect::Parameters { .. }, n) if n >= 2 => &resolution.steps[n - 2].2,
            _ => &resolution.addressed,
        };
        Some(OperationInfo {
            name: name.to_string(),
            method: method.to_ascii_uppercase(),
            path: url.to_string(),
            resource: crate::route_model::describe(model, addressed),
            request_required: required,
            statuses: exchange.success.to_vec(),
        })
    }
}

/// What a purpose does, as an operation's name in a hover.
fn purpose_name(p: Purpose) -> &'static str {
    match p {
        Purpose::Create => "create",
        Purpose::Update => "update",
        Purpose::Replace => "replace",
        Purpose::Read => "read",
        Purpose::Declare => "declare",
    }
}

/// An operation's parameters a body carries (the model keeps the binding parameter apart).
fn parameters(op: &crate::odata::model::Operation) -> impl Iterator<Item = &Parameter> {
    op.parameters.iter()
}

/// What the model says the body of the message `q` describes is: a structured value (or a
/// collection of them), or an action's parameters.
fn model_body<'a>(service: &'a Service, q: &BodyQuery<'_>) -> Option<ModelBody<'a>> {
    let model = &service.model;
    let named = q
        .odata_type
        .and_then(|t| crate::route_model::lookup(model, t));
    let expect = match (q.method, q.url) {
        (Some(method), Some(url)) => match crate::route_model::message(service, method, url) {
            Routed::Exchange { exchange, .. } => match q.way {
                Some(Way::Request) => exchange.request,
                _ => exchange.response_for(q.status).clone(),
            },
            _ => return None,
        },
        // A bare body: the type it names.
        _ => Expect::Structured {
            ty: named?,
            collection: false,
            purpose: Purpose::Read,
        },
    };
    let shape = match expect {
        Expect::Structured {
            ty,
            collection,
            purpose,
        } => {
            // The body may name a type derived from what the URL addresses.
            let ty = named.filter(|&n| model.derives_from(n, ty)).unwrap_or(ty);
            Shape::Structured {
                ty,
                collection,
                purpose,
            }
        }
        Expect::Parameters { op } => Shape::Parameters(op),
        _ => return None,
    };
    Some(ModelBody { model, shape })
}

/// A body as the model describes it.
struct ModelBody<'a> {
    model: &'a crate::odata::Model,
    shape: Shape,
}

#[derive(Clone, Copy)]
enum Shape {
    Structured {
        ty: u32,
        /// `{"value": [...]}` of them.
        collection: bool,
        purpose: Purpose,
    },
    /// An action's parameters.
    Parameters(u32),
}

/// Where a JSON Pointer into a body leads in the model.
enum Reached {
    Structured(u32),
    Parameters(u32),
}

impl ModelBody<'_> {
    /// The structured type (or the parameters) at `pointer`, following properties, expanded
    /// navigations and collection items.
    fn reach(&self, pointer: &str) -> Option<Reached> {
        let model = self.model;
        let mut tokens = pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"));
        let mut at = match self.shape {
            Shape::Parameters(op) => {
                let Some(first) = tokens.next() else {
                    return Some(Reached::Parameters(op));
                };
                let p = parameters(&model.operations[op as usize]).find(|p| p.name == first)?;
                let TypeId::Structured(t) = p.ty.id else {
                    return None;
                };
                if p.ty.collection {
                    tokens.next()?.parse::<usize>().ok()?;
                }
                t
            }
            Shape::Structured { ty, collection, .. } => {
                if collection {
                    (tokens.next()? == "value").then_some(())?;
                    tokens.next()?.parse::<usize>().ok()?;
                }
                ty
            }
        };
        while let Some(token) = tokens.next() {
            let (next, collection) = if let Some(p) = model.property(at, &token) {
                match p.ty.id {
                    TypeId::Structured(t) => (t, p.ty.collection),
                    _ => return None,
                }
            } else {
                let n = model.navigation(at, &token)?;
                (n.target, n.collection)
            };
            if collection {
                tokens.next()?.parse::<usize>().ok()?;
            }
            at = next;
        }
        Some(Reached::Structured(at))
    }
}

impl BodyType for ModelBody<'_> {
    fn name(&self) -> String {
        match self.shape {
            Shape::Structured { ty, .. } => self.model.ty(ty).name.clone(),
            Shape::Parameters(op) => {
                format!(
                    "the parameters of {}",
                    self.model.operations[op as usize].name
                )
            }
        }
    }

    fn properties(&self, pointer: &str) -> Vec<PropertyInfo> {
        let model = self.model;
        let ty = match self.reach(pointer) {
            Some(Reached::Structured(ty)) => ty,
            Some(Reached::Parameters(op)) => {
                return parameters(&model.operations[op as usize])
                    .map(|p| PropertyInfo {
                        name: p.name.clone(),
                        type_label: crate::odata::resolve::type_name(model, &p.ty),
                        nullable: p.ty.nullable,
                        read_only: false,
                        required: !p.optional,
                        description: None,
                    })
                    .collect()
            }
            None => return Vec::new(),
        };
        let purpose = match self.shape {
            Shape::Structured { purpose, .. } => purpose,
            Shape::Parameters(_) => Purpose::Create,
        };
        let key = &model.ty(ty).key;
        // The entity itself (not a value inside it): where a response carries the key.
        let top = match self.shape {
            Shape::Structured {
                collection: true, ..
            } => {
                let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
                tokens.len() == 2 && tokens[0] == "value"
            }
            _ => pointer.is_empty(),
        };
        let mut out = Vec::new();
        for t in model.lineage(ty) {
            let t = model.ty(t);
            for p in &t.properties {
                let is_key = key.contains(&p.name);
                let read_only = match (purpose, p.read_only) {
                    (Purpose::Create, Some(r)) => r.on_create(),
                    (Purpose::Update | Purpose::Replace, Some(r)) => r.on_update() || is_key,
                    (Purpose::Update | Purpose::Replace, None) => is_key,
                    (_, r) => r.is_some_and(|r| r.on_create()),
                };
                out.push(PropertyInfo {
                    name: p.name.clone(),
                    type_label: crate::odata::resolve::type_name(model, &p.ty),
                    nullable: p.ty.nullable,
                    read_only,
                    // A response carries the entity's key; nothing else is required by OData.
                    required: purpose == Purpose::Read && is_key && top,
                    description: p.description.as_deref().map(str::to_string),
                });
            }
            for n in &t.navigations {
                let target = &model.ty(n.target).name;
                out.push(PropertyInfo {
                    name: n.name.clone(),
                    type_label: if n.collection {
                        format!("Collection({target}) (navigation)")
                    } else {
                        format!("{target} (navigation)")
                    },
                    nullable: n.nullable,
                    read_only: false,
                    required: false,
                    description: n.description.as_deref().map(str::to_string),
                });
            }
        }
        out
    }
}

/// A catalog resource, for the message a body travels in.
struct CatalogBody<'a> {
    resource: &'a Resource,
    /// What the message's operation and direction require at the top level.
    required: Vec<String>,
}

impl BodyType for CatalogBody<'_> {
    fn name(&self) -> String {
        self.resource.name.clone()
    }

    fn properties(&self, pointer: &str) -> Vec<PropertyInfo> {
        let Some(schema) = self.resource.subschema_in(pointer, None) else {
            return Vec::new();
        };
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        let required_here: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        props
            .iter()
            .map(|(name, raw)| {
                let at = push_token(pointer, name);
                let resolved = self.resource.subschema_in(&at, None).unwrap_or(raw);
                let says = |key: &str| raw.get(key).or_else(|| resolved.get(key));
                let types = self.resource.types_in(&at, None);
                let nullable = types.iter().any(|t| t == "null")
                    || says("nullable") == Some(&Value::Bool(true))
                    || [raw, resolved].iter().any(|s| {
                        s.get("anyOf")
                            .or_else(|| s.get("oneOf"))
                            .and_then(Value::as_array)
                            .is_some_and(|a| {
                                a.iter().any(|b| b.get("type") == Some(&"null".into()))
                            })
                    });
                PropertyInfo {
                    name: name.clone(),
                    type_label: type_label(&types, raw, resolved),
                    nullable,
                    read_only: says("readOnly") == Some(&Value::Bool(true)),
                    required: required_here.contains(&name.as_str())
                        || (pointer.is_empty() && self.required.contains(name)),
                    description: says("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                }
            })
            .collect()
    }
}

/// `string`, `string | null`, `array of string`, `"#microsoft.graph.X"` (a constant), or the
/// `format` when the schema gives one (`string (uuid)`).
fn type_label(types: &[String], raw: &Value, resolved: &Value) -> String {
    let says = |key: &str| raw.get(key).or_else(|| resolved.get(key));
    if let Some(c) = says("const") {
        return c.to_string();
    }
    let mut label = if types.is_empty() {
        match says("enum").and_then(Value::as_array) {
            Some(values) => values
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(" | "),
            None => "any".to_string(),
        }
    } else {
        types.join(" | ")
    };
    if types.iter().any(|t| t == "array") {
        if let Some(item) = says("items")
            .and_then(|i| i.get("type"))
            .and_then(Value::as_str)
        {
            label = label.replace("array", &format!("array of {item}"));
        }
    }
    if let Some(format) = says("format").and_then(Value::as_str) {
        label.push_str(&format!(" ({format})"));
    }
    label
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
