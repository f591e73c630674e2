//! The check of a file's payloads, one at a time: route each payload, check its HTTP envelope
//! (`message`), parse its body and check it against its resource (`body`), or each item of a
//! collection against its own; then the configuration's levels, and the edits towards a
//! conformant file. Works on text in memory: the engine reads files, a language server can
//! hand it a buffer.

use super::body::{check_schema, check_shape};
use super::edm;
use super::message::{self, Carries, Statuses};
use crate::catalog::{Catalog, Operation, Resource};
use crate::config::Config;
use crate::diagnostic::Finding;
use crate::fix::{self, Edit, Selection};
use crate::input::{is_json_media_type, Body, Parsed, Payload, Problem};
use crate::json::{self, Document, Node};
use crate::odata::exchange::Expect;
use crate::pointer::JsonPointer;
use crate::report::Bodies;
use crate::route::{self, Overrides, Target};
use crate::route_model::{self, Routed as ModelRoute, Service};
use crate::rules;
use crate::source::{SourceFile, Span};
use std::path::Path;

/// What every payload of a run is checked with.
#[derive(Debug, Clone, Copy)]
pub struct Checker<'a> {
    pub catalog: &'a Catalog,
    /// What the command line says every payload is.
    pub overrides: Overrides<'a>,
    /// The rules' levels: a rule turned off neither reports nor fixes.
    pub config: &'a Config,
    /// Which edits towards a conformant file to plan.
    pub plans: Plans,
    /// The OData service (`--metadata`) messages are resolved against, if any.
    pub service: Option<&'a Service>,
    /// `--resource` when it names a type of the service's model, not a catalog resource.
    pub model_resource: Option<u32>,
}

/// Which edits the check plans: all of them (the conformant file of a diff), the safe ones
/// (what `--fix` writes), both or neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plans {
    pub all: bool,
    pub safe: bool,
}

/// Edits towards a conformant file: all of them (for the diff), and the safe ones (for --fix).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Edits {
    pub all: Vec<Edit>,
    pub safe: Vec<Edit>,
}

impl Edits {
    fn extend(&mut self, other: Edits) {
        self.all.extend(other.all);
        self.safe.extend(other.safe);
    }
}

/// What the check of a file's payloads found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The findings, each with the index of its payload.
    pub findings: Vec<Finding>,
    /// How many payloads the file has (those of skipped entries not counted).
    pub payloads: usize,
    /// Entries of a browser capture skipped as no API calls (images, scripts, other hosts).
    pub skipped: usize,
    pub edits: Edits,
    pub bodies: Bodies,
}

/// What the check of one payload found.
#[derive(Debug, Default)]
pub struct PayloadChecked {
    pub findings: Vec<Finding>,
    pub edits: Edits,
    pub body: BodyCheck,
}

/// Whether a payload's body was checked against a description.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum BodyCheck {
    /// No JSON body (none at all, or one that is not JSON by its Content-Type).
    #[default]
    Absent,
    Checked,
    /// Not checked; a finding says why.
    Unchecked,
    /// Not checked: the description leaves it open (a `202 Accepted`, a redirect).
    Undescribed,
}

/// Checks the payloads a reader found in `source`, and words what it could not read.
pub fn check_parsed(checker: &Checker<'_>, source: &SourceFile, parsed: Parsed) -> Checked {
    let mut skipped = super::capture::skipped(checker.catalog, checker.service, &parsed.payloads);
    // A broken entry is reported, never skipped.
    for problem in &parsed.problems {
        let broken = problem
            .payload
            .and_then(|i| parsed.payloads.iter().find(|p| p.index == i))
            .and_then(|p| p.entry);
        if let Some(entry) = broken {
            skipped.remove(&entry.index);
        }
    }
    let kept = |p: &&Payload| p.entry.is_none_or(|e| !skipped.contains(&e.index));
    let mut checked = Checked {
        payloads: parsed.payloads.iter().filter(kept).count(),
        skipped: skipped.len(),
        ..Checked::default()
    };
    for problem in &parsed.problems {
        checked
            .findings
            .push(reader_finding(problem, &parsed.payloads));
    }
    for payload in parsed.payloads.iter().filter(kept) {
        let one = check_payload(checker, payload, source);
        checked
            .findings
            .extend(one.findings.into_iter().map(|mut d| {
                d.payload = Some(payload.index);
                d
            }));
        checked.edits.extend(one.edits);
        match one.body {
            BodyCheck::Absent => {}
            BodyCheck::Checked => checked.bodies.checked += 1,
            BodyCheck::Unchecked => checked.bodies.unchecked += 1,
            BodyCheck::Undescribed => checked.bodies.undescribed += 1,
        }
    }
    checked
}

/// A reader's problem as a finding of the message it belongs to: the one the reader names, else
/// the last one starting before it.
fn reader_finding(problem: &Problem, payloads: &[Payload]) -> Finding {
    let mut d = rules::of_problem(problem);
    d.payload = problem.payload.or_else(|| {
        let before = payloads
            .iter()
            .take_while(|p| p.start.start <= problem.span.start);
        Some(before.last().map_or(0, |p| p.index))
    });
    d
}

/// What a message's method and URL name: an operation of the catalog, else what the model
/// resolves them to.
enum Named<'a> {
    /// No method and URL (a bare body).
    Nothing,
    Catalog(&'a Resource, &'a Operation),
    Model(Box<ModelRoute>),
    /// Neither names anything: the finding says why.
    Unknown(Box<Finding>),
}

impl Named<'_> {
    /// The statuses a response may have, by the catalog or by OData's protocol.
    fn statuses(&self) -> Statuses<'_> {
        match self {
            Named::Catalog(_, op) => Statuses::Documented(op),
            Named::Model(route) => match route.as_ref() {
                ModelRoute::Exchange { exchange, .. } => Statuses::Protocol(exchange),
                _ => Statuses::Unknown,
            },
            _ => Statuses::Unknown,
        }
    }

    /// Whether the direction's body is JSON (an upload to a stream is not).
    fn carries(&self, payload: &Payload) -> Carries {
        let Named::Model(route) = self else {
            return Carries::Json;
        };
        let ModelRoute::Exchange { exchange, .. } = route.as_ref() else {
            return Carries::Json;
        };
        let expect = match payload.direction {
            Some(crate::direction::Direction::Request) => &exchange.request,
            _ => exchange.response_for(payload.status),
        };
        match expect {
            Expect::NotJson => Carries::Other,
            _ => Carries::Json,
        }
    }
}

/// Routes a message: the catalog's operations first (hand-written, specific), then the model.
fn named<'a>(checker: &Checker<'a>, payload: &Payload) -> Named<'a> {
    let unrouted = match route::operation(checker.catalog, payload) {
        None => return Named::Nothing,
        Some(Ok((r, o))) => return Named::Catalog(r, o),
        Some(Err(unrouted)) => unrouted,
    };
    let (Some(service), Some(method), Some(url)) = (checker.service, &payload.method, &payload.url)
    else {
        return Named::Unknown(Box::new(rules::unknown_operation::diagnose(&unrouted)));
    };
    match route_model::message(service, method, url) {
        ModelRoute::Unresolved { reason, host } => {
            Named::Unknown(Box::new(rules::unknown_operation::unresolved(
                payload.start,
                method,
                url,
                &reason,
                host.as_deref(),
            )))
        }
        ModelRoute::NotAllowed(n) => Named::Unknown(Box::new(
            rules::unknown_operation::not_allowed(payload.start, url, &n),
        )),
        routed => Named::Model(Box::new(routed)),
    }
}

/// Whether `text` is JSON (any value).
fn is_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Checks one payload of `source`. What needs no route (the envelope, JSON syntax, repeated
/// keys) is checked whatever the message names.
pub fn check_payload(
    checker: &Checker<'_>,
    payload: &Payload,
    source: &SourceFile,
) -> PayloadChecked {
    let mut out = PayloadChecked::default();
    let named = named(checker, payload);
    let body = BodyText::of(payload, source);
    let written = body.as_ref().map(BodyText::as_written);
    let carries = named.carries(payload);
    message::check(
        payload,
        written,
        named.statuses(),
        carries,
        &mut out.findings,
    );
    // What the method and URL name is reported once per exchange: at its request when that
    // is one of the file's payloads.
    let answered = payload.direction == Some(crate::direction::Direction::Response)
        && payload.request.is_some();
    if let (Named::Unknown(finding), false) = (&named, answered) {
        out.findings.push((**finding).clone());
    }
    if let (Some(b), Carries::Other) = (&body, carries) {
        let labelled_json = payload
            .header("content-type")
            .is_some_and(|h| is_json_media_type(&h.value));
        if labelled_json
            || (!says_not_json(payload) && is_json(&b.text[b.range.start..b.range.end]))
        {
            out.findings.push(rules::unchecked_body::stream(
                payload.start,
                &route_model::message_name(payload, payload.direction),
            ));
            out.body = BodyCheck::Undescribed;
        }
    }
    // A body the exchange says is not JSON (a stream) is not checked as JSON, nor a response
    // whose Content-Type says it is not (an HTML error page); a request's body under such a
    // type is checked only if it is JSON after all (a mislabelled body, not an upload).
    let Some(body) = body.filter(|_| !says_not_json(payload) && carries == Carries::Json) else {
        return out;
    };
    let first = out.findings.len();
    match json::parse_range(body.text, body.range.start, body.range.end) {
        Err(_) if labelled_not_json(payload) => {}
        Err(e) => {
            out.findings.push(rules::invalid_json::parse_error(&e));
            out.body = BodyCheck::Unchecked;
            recover(checker, payload, &named, &body, &source.path, &mut out);
        }
        Ok(doc) => {
            let routed = Routed {
                payload,
                named: &named,
            };
            out.body = check_document(checker, &routed, &body, &doc, &source.path, &mut out);
            if let Place::Mapped(mapped) = body.place {
                let own = out.findings.split_off(first);
                out.findings.extend(
                    own.into_iter()
                        .filter(|d| !at_placeholder(d, &doc.root, &mapped.placeholders)),
                );
            }
        }
    }
    place_findings(&mut out, first, body.place);
    out
}

/// Points the findings of the body from `first` on, and its edits, at the file: where the
/// body is (`place`) says how.
fn place_findings(out: &mut PayloadChecked, first: usize, place: Place<'_>) {
    match place {
        // Findings inside an embedded body point at the string that holds it.
        Place::Anchor(anchor) => {
            for d in &mut out.findings[first..] {
                d.span = anchor;
                d.fix = None;
            }
        }
        // Findings inside a derived body point at the file's bytes they come from.
        Place::Mapped(mapped) => {
            for d in &mut out.findings[first..] {
                d.span = mapped.map.span(d.span);
                d.fix = None;
            }
            out.edits = map_edits(std::mem::take(&mut out.edits), mapped);
        }
        // Findings inside a body read from another file point at its name on the `<` line,
        // and say where in that file they are.
        Place::Read { path, at, text } => {
            let lines = crate::source::LineIndex::new(text);
            for d in &mut out.findings[first..] {
                let p = lines.cursor(text).position(d.span.start);
                d.message = format!("{} (in {path} at {}:{})", d.message, p.line, p.column);
                d.span = at;
                d.fix = None;
            }
        }
        Place::InFile => {}
    }
}

/// A finding about a value that an unresolved placeholder stands for (its type, its format, a
/// type name it would carry): a placeholder may be any value, so it is not reported.
fn at_placeholder(d: &Finding, root: &Node, placeholders: &[Span]) -> bool {
    use crate::rule::Rule;
    let overlaps = |s: Span| {
        placeholders
            .iter()
            .any(|p| p.start < s.end && s.start < p.end)
    };
    match d.rule {
        // A key that is a placeholder (`"{{field}}": 1`) may name any property.
        Rule::UnknownField => overlaps(d.span),
        Rule::TypeMismatch | Rule::InvalidValue | Rule::WrongOdataType => root
            .pointer(&d.pointer)
            .is_some_and(|node| overlaps(node.span)),
        _ => false,
    }
}

/// The edits of a derived body, in the file: kept when their ends fall on bytes the file holds
/// as they are (an edit inside a substitution, or of a body held in a string, is dropped); a
/// safe one only when it changes no substituted text.
fn map_edits(edits: Edits, mapped: &crate::input::mapped::Mapped) -> Edits {
    if mapped.held == crate::input::mapped::Held::JsonString {
        return Edits::default();
    }
    let map = |list: Vec<Edit>, place: &dyn Fn(Span) -> Option<Span>| -> Vec<Edit> {
        list.into_iter()
            .filter_map(|e| {
                Some(Edit {
                    span: place(e.span)?,
                    text: e.text,
                })
            })
            .collect()
    };
    // The diff may show a substituted value replaced; --fix writes only into bytes the file
    // holds as they are (a variable's value is fixed where it is defined, by a person).
    Edits {
        all: map(edits.all, &|s| mapped.map.exact(s)),
        safe: map(edits.safe, &|s| mapped.map.verbatim(s)),
    }
}

/// A body with a trailing comma or a comment (docs write them): its `invalid-json` finding is
/// made; the rest is checked as the JSON it would be without the slip, and proposes no edit.
fn recover(
    checker: &Checker<'_>,
    payload: &Payload,
    named: &Named<'_>,
    body: &BodyText<'_>,
    path: &Path,
    out: &mut PayloadChecked,
) {
    let Some(blanked) = json::without_slips(body.text, body.range.start, body.range.end) else {
        return;
    };
    let Ok(doc) = json::parse_range(&blanked, body.range.start, body.range.end) else {
        return;
    };
    let routed = Routed { payload, named };
    let text = BodyText {
        text: &blanked,
        range: body.range,
        place: body.place,
    };
    let mut inner = PayloadChecked::default();
    out.body = check_document(checker, &routed, &text, &doc, path, &mut inner);
    out.findings.extend(inner.findings);
}

/// A response whose Content-Type says it is not JSON.
fn says_not_json(payload: &Payload) -> bool {
    payload.direction == Some(crate::direction::Direction::Response) && labelled_not_json(payload)
}

/// A message whose Content-Type says it is not JSON.
fn labelled_not_json(payload: &Payload) -> bool {
    payload
        .header("content-type")
        .is_some_and(|h| !is_json_media_type(&h.value))
}

/// A payload's body: the text that holds it (the file's, or a text derived from the file),
/// its range there, and where findings in it are in the file.
struct BodyText<'s> {
    text: &'s str,
    range: Span,
    place: Place<'s>,
}

/// Where the findings of a body are in the file.
#[derive(Clone, Copy)]
enum Place<'s> {
    /// The body is the file's text: where they are found.
    InFile,
    /// At the string that holds the body.
    Anchor(Span),
    /// Where the map takes them.
    Mapped(&'s crate::input::mapped::Mapped),
    /// At the name of the file the body was read from.
    Read {
        path: &'s str,
        at: Span,
        text: &'s str,
    },
}

impl<'s> BodyText<'s> {
    fn of(payload: &'s Payload, source: &'s SourceFile) -> Option<BodyText<'s>> {
        Some(match payload.body.as_ref()? {
            Body::InFile(span) => BodyText {
                text: &source.text,
                range: *span,
                place: Place::InFile,
            },
            Body::Embedded { text, anchor } => BodyText {
                text,
                range: Span::new(0, text.len()),
                place: Place::Anchor(*anchor),
            },
            Body::Mapped(mapped) => BodyText {
                text: &mapped.text,
                range: Span::new(0, mapped.text.len()),
                place: Place::Mapped(mapped),
            },
            // Not read (a language server's buffer): not checked.
            Body::File { .. } => return None,
            Body::Read { path, at, text } => BodyText {
                text,
                range: trimmed(text),
                place: Place::Read {
                    path,
                    at: *at,
                    text,
                },
            },
        })
    }

    /// The body as written (what Content-Length counts).
    fn as_written(&self) -> &'s str {
        &self.text[self.range.start..self.range.end]
    }
}

/// The span of `text` without the white space around it.
fn trimmed(text: &str) -> Span {
    let start = text.len() - text.trim_start().len();
    Span::new(start, start + text.trim().len())
}

/// A payload and what its method and URL named.
struct Routed<'p, 'a> {
    payload: &'p Payload,
    named: &'p Named<'a>,
}

impl<'a> Routed<'_, 'a> {
    /// The catalog operation the message was routed to, if any.
    fn operation(&self) -> Option<(&'a Resource, &'a Operation)> {
        match self.named {
            Named::Catalog(r, o) => Some((*r, *o)),
            _ => None,
        }
    }
}

/// Checks a parsed body: against the model when the message resolved there (or, a bare body,
/// when nothing of the catalog names it); else its shape, then against its catalog resource, or
/// item by item for a collection. Then applies the levels and plans the edits.
fn check_document(
    checker: &Checker<'_>,
    routed: &Routed<'_, '_>,
    body: &BodyText<'_>,
    doc: &Document,
    path: &Path,
    out: &mut PayloadChecked,
) -> BodyCheck {
    let first = out.findings.len();
    let found = &mut out.findings;
    let checked = match (routed.named, checker.service) {
        (Named::Model(route), Some(service)) => model(
            checker,
            service,
            routed.payload,
            Some(route),
            body.text,
            doc,
            found,
        ),
        (Named::Unknown(_), _) => {
            duplicates(body.text, doc, found);
            BodyCheck::Unchecked
        }
        (Named::Nothing, Some(service)) if !catalog_names(checker, &doc.root) => model(
            checker,
            service,
            routed.payload,
            None,
            body.text,
            doc,
            found,
        ),
        _ => catalog(checker, routed, body, doc, found),
    };
    // Rules turned off neither report nor fix.
    let mut own = found.split_off(first);
    checker.config.apply_levels(path, &mut own);
    found.extend(own);
    if matches!(body.place, Place::InFile | Place::Mapped(_)) {
        out.edits = plan_edits(checker.plans, body.text, &doc.root, &out.findings[first..]);
    }
    checked
}

/// Does the catalog say what a bare body is (`--resource`, or its `@odata.type`)? With a
/// model, the catalog's only resource is not what every body is.
fn catalog_names(checker: &Checker<'_>, root: &Node) -> bool {
    checker.overrides.resource.is_some()
        || root
            .get("@odata.type")
            .and_then(|n| match &n.kind {
                json::Kind::String(s) => Some(s.as_str()),
                _ => None,
            })
            .is_some_and(|t| route::by_odata_type(checker.catalog, t).is_some())
}

/// Repeated keys: reported whatever the body is checked as.
fn duplicates(text: &str, doc: &Document, out: &mut Vec<Finding>) {
    for dup in &doc.duplicates {
        out.push(rules::duplicate_key::find(text, dup));
    }
}

/// A body against the service's model.
#[allow(clippy::too_many_arguments)]
fn model(
    checker: &Checker<'_>,
    service: &Service,
    payload: &Payload,
    route: Option<&ModelRoute>,
    text: &str,
    doc: &Document,
    out: &mut Vec<Finding>,
) -> BodyCheck {
    duplicates(text, doc, out);
    let direction = payload.direction.or(checker.overrides.direction);
    let resource = checker.model_resource;
    match route_model::body(service, payload, route, &doc.root, direction, resource) {
        route_model::Routing::Check(target) => {
            edm::check(&doc.root, &target, out);
            BodyCheck::Checked
        }
        route_model::Routing::NoBody(what) => {
            out.push(rules::unexpected_body::diagnose(doc.root.span, &what));
            BodyCheck::Unchecked
        }
        // The exchange carries a body the model does not describe (a 202, a redirect).
        route_model::Routing::Undescribed => {
            out.push(rules::unchecked_body::undescribed(
                doc.root.span,
                &route_model::message_name(payload, payload.direction),
            ));
            BodyCheck::Undescribed
        }
        route_model::Routing::NoType(e) => {
            let name = match &e {
                route_model::NoType::Unknown(n) => Some(n.as_str()),
                route_model::NoType::Unnamed => None,
            };
            out.push(rules::unknown_resource::in_model(
                doc.root.span,
                name,
                &service.model,
            ));
            BodyCheck::Unchecked
        }
    }
}

/// A body against the catalog: its shape, then its resource, or item by item for a collection.
fn catalog(
    checker: &Checker<'_>,
    routed: &Routed<'_, '_>,
    body: &BodyText<'_>,
    doc: &Document,
    found: &mut Vec<Finding>,
) -> BodyCheck {
    if let (Some(status), Some((_, op))) = (routed.payload.status, routed.operation()) {
        if routed.payload.direction == Some(crate::direction::Direction::Response)
            && matches!(op.responses.get(&status), Some(None))
        {
            let what = format!("a {status} response to `{} {}`", op.method, op.path);
            duplicates(body.text, doc, found);
            found.push(rules::unexpected_body::diagnose(doc.root.span, &what));
            return BodyCheck::Unchecked;
        }
    }
    let target = route(checker, routed, &doc.root);
    let repeated_keys = !doc.duplicates.is_empty();
    if !check_shape(body.text, doc, target.as_ref().ok(), found) {
        return BodyCheck::Checked; // not an object: that is the finding
    }
    let direction = routed.payload.direction.or(checker.overrides.direction);
    match route::collection_items(&doc.root, direction, target.as_ref().ok()) {
        Some(items) => {
            check_items(checker, routed, items, repeated_keys, found);
            BodyCheck::Checked
        }
        None => match target {
            Ok(target) => {
                schema(&doc.root, repeated_keys, &target, found);
                BodyCheck::Checked
            }
            Err(unrouted) => {
                found.push(rules::unknown_resource::diagnose(&unrouted));
                BodyCheck::Unchecked
            }
        },
    }
}

fn route<'a, 'n>(
    checker: &Checker<'a>,
    routed: &Routed<'_, 'a>,
    root: &'n Node,
) -> Result<Target<'a>, route::NoResource<'n>>
where
    'a: 'n,
{
    let Checker {
        catalog, overrides, ..
    } = *checker;
    route::route(catalog, routed.payload, root, overrides, routed.operation())
}

/// A collection: each item is routed (by its own `@odata.type`) and checked; items that route
/// nowhere are reported once, at the first.
fn check_items(
    checker: &Checker<'_>,
    routed: &Routed<'_, '_>,
    items: &[Node],
    repeated_keys: bool,
    out: &mut Vec<Finding>,
) {
    let mut unrouted = false;
    for (i, item) in items.iter().enumerate() {
        let mut at = JsonPointer::root().child("value");
        at.push_index(i);
        match route(checker, routed, item) {
            Ok(mut target) => {
                target.at = at;
                schema(item, repeated_keys, &target, out);
            }
            Err(unknown) if !unrouted => {
                unrouted = true;
                let mut d = rules::unknown_resource::diagnose(&unknown);
                d.rebase(&at);
                out.push(d);
            }
            Err(_) => {}
        }
    }
}

/// The schema check of a body or an item; a schema that cannot be used is paylint's failure on
/// this file.
fn schema(root: &Node, repeated_keys: bool, target: &Target<'_>, out: &mut Vec<Finding>) {
    if let Err(e) = check_schema(root, repeated_keys, target, out) {
        out.push(rules::internal_error::diagnose(&e.to_string()));
    }
}

/// The edits the findings' fixes make to the body rooted at `root`.
fn plan_edits(plans: Plans, text: &str, root: &Node, findings: &[Finding]) -> Edits {
    let mut edits = Edits::default();
    if findings.is_empty() {
        return edits;
    }
    let fixes = || findings.iter().filter_map(|d| d.fix.as_ref());
    if plans.all {
        edits.all = fix::plan(text, root, &fix::select(fixes(), Selection::All));
    }
    if plans.safe {
        edits.safe = fix::plan(text, root, &fix::select(fixes(), Selection::Safe));
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{self, Format};
    use crate::rule::Rule;
    use crate::rules::subject::testing::catalog;

    fn checker(config: &Config) -> Checker<'_> {
        Checker {
            catalog: catalog(),
            overrides: Overrides::default(),
            config,
            plans: Plans {
                all: true,
                safe: true,
            },
            service: None,
            model_resource: None,
        }
    }

    /// The findings (rule, pointer, payload) and edits of `text` read as the file `name`.
    fn check(
        name: &str,
        text: &str,
        config: &Config,
    ) -> (Vec<(Rule, String, Option<usize>)>, Edits) {
        let (source, problem) = input::decode(name.into(), text.as_bytes().to_vec());
        assert!(problem.is_none());
        let parsed = input::read(Format::for_named(&source.path, &source.text), &source);
        let checked = check_parsed(&checker(config), &source, parsed);
        let found = checked
            .findings
            .iter()
            .map(|d| (d.rule, d.pointer.to_string(), d.payload))
            .collect();
        (found, checked.edits)
    }

    const PATCH: &str = "PATCH /provisioningPolicies/p1/assignments/a1";

    #[test]
    fn each_payload_is_checked_and_a_reader_problem_belongs_to_the_message_it_is_in() {
        let text = format!(
            "{PATCH}\nContent-Type: application/json\n\n{{\"groupID\": \"g\"}}\n###\nAccept: */*\n"
        );
        let (found, edits) = check("t.http", &text, &Config::default());
        assert_eq!(
            found,
            [
                (Rule::InvalidHttp, String::new(), Some(0)),
                (Rule::UnknownField, "/groupID".into(), Some(0)),
                (Rule::MissingRequired, "/groupId".into(), Some(0)),
            ]
        );
        assert_eq!(edits.safe.len(), 1, "the rename is safe");
        assert!(!edits.all.is_empty());
    }

    #[test]
    fn an_unknown_operation_is_one_finding_and_its_body_is_not_checked() {
        let text = "POST /nowhere\nContent-Type: application/json\n\n{\"groupID\": 1}\n";
        let (found, _) = check("t.http", text, &Config::default());
        assert_eq!(found, [(Rule::UnknownOperation, String::new(), Some(0))]);
    }

    #[test]
    fn a_response_that_says_it_is_not_json_is_not_checked_as_json() {
        let text = format!("{PATCH}\nContent-Type: application/json\n\n{{\"groupId\": \"g\"}}\n\nHTTP/1.1 200 OK\nContent-Type: text/html\n\n<html>\n");
        let (found, _) = check("t.http", &text, &Config::default());
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn findings_in_a_body_held_in_a_string_point_inside_it_and_propose_no_fix() {
        let line = r#"{"method": "PATCH", "url": "/provisioningPolicies/p1/assignments/a1", "body": "{\"groupID\": \"g\"}"}"#;
        let (source, _) = input::decode("l.ndjson".into(), line.as_bytes().to_vec());
        let parsed = input::ndjson::read_line(&source.text, 0);
        let checked = check_parsed(&checker(&Config::default()), &source, parsed);
        let key = line.find(r#"\"groupID\""#).unwrap();
        let brace = line.find("\"{").unwrap() + 1;
        let spans: Vec<(Rule, &str)> = checked
            .findings
            .iter()
            .map(|d| (d.rule, &line[d.span.start..d.span.end]))
            .collect();
        assert_eq!(spans[0], (Rule::UnknownField, r#"\"groupID\""#));
        assert_eq!(checked.findings[0].span.start, key);
        assert_eq!(checked.findings[1].rule, Rule::MissingRequired);
        assert_eq!(checked.findings[1].span.start, brace, "at the body's `{{`");
        assert!(checked.findings.iter().all(|d| d.fix.is_none()));
        assert!(checked.edits.all.is_empty());
    }

    #[test]
    fn an_http_placeholder_fits_any_value_and_any_key() {
        let text = format!(
            "@g = b7a4\n\n{PATCH}\nContent-Type: application/json\n\n{{\"groupId\": {{{{n}}}}, \"{{{{extra}}}}\": 1, \"@odata.type\": \"{{{{t}}}}\", \"x\": \"{{{{g}}}}\"}}\n"
        );
        let (found, _) = check("t.http", &text, &Config::default());
        // Only the real unknown key is reported.
        assert_eq!(found, [(Rule::UnknownField, "/x".into(), Some(0))]);
    }

    #[test]
    fn a_collection_is_checked_item_by_item_at_its_place_in_the_body() {
        let body = r#"{"value": [{"id": "a", "groupId": "g"}, {"id": "b"}]}"#;
        let (found, _) = check("list.response.json", body, &Config::default());
        assert_eq!(
            found,
            [(Rule::MissingRequired, "/value/1/groupId".into(), Some(0))]
        );
        // A request is never a collection: `value` is an unknown field of the body.
        let (found, _) = check("list.request.json", body, &Config::default());
        assert_eq!(found[0].0, Rule::UnknownField, "{found:?}");
        assert_eq!(found[0].1, "/value");
    }

    #[test]
    fn a_rule_turned_off_neither_reports_nor_fixes() {
        let config = Config::parse(
            "[rules]\nunknown-field = \"off\"\nmissing-required = \"warning\"\n",
            Path::new("paylint.toml"),
        )
        .unwrap();
        let (source, _) = input::decode("b.json".into(), br#"{"groupID": "g"}"#.to_vec());
        let parsed = input::read(Format::JsonBody, &source);
        let checked = check_parsed(&checker(&config), &source, parsed);
        let rules: Vec<(Rule, crate::rule::Severity)> = checked
            .findings
            .iter()
            .map(|d| (d.rule, d.severity))
            .collect();
        assert_eq!(
            rules,
            [(Rule::MissingRequired, crate::rule::Severity::Warning)]
        );
        assert!(
            checked.edits.safe.is_empty(),
            "the rename was the unknown field's"
        );
    }
}
