//! Values of a declared type: placeholders in documented examples, collections and their
//! items, enum members and primitive values in their OData forms.

use super::{is_annotation, json_type, last_of_each, list, member, nth, short, Walker};
use crate::catalog::edm as formats;
use crate::check::verbose;
use crate::diagnostic::{FixAction, Safety};
use crate::json::{Kind, Node};
use crate::odata::exchange::Purpose;
use crate::odata::model::{Primitive, TypeId, TypeRef, Version};
use crate::odata::resolve::{nearest, type_name};
use crate::pointer::JsonPointer;
use crate::rule::Severity;
use crate::rules;
use crate::rules::subject::placeholder;
use crate::rules::unknown_field;
use crate::source::Span;

impl<'m> Walker<'_, 'm> {
    /// Is `node` a placeholder a declaration may write for a value of type `r`? `"String"`,
    /// `"String (timestamp)"`, `"Boolean"`, `"Int32"`, `"a | b | c"` for an enum, null, and for
    /// a structured value an object holding only its `@odata.type` (or a string naming it).
    pub(super) fn placeholder(&mut self, node: &Node, r: &TypeRef) -> bool {
        if self.names_type(node, r) {
            return true;
        }
        match (&node.kind, r.id) {
            (Kind::Null, _) => true,
            (Kind::Array(items), _) if r.collection => {
                let item = TypeRef {
                    collection: false,
                    ..r.clone()
                };
                items.iter().all(|i| self.placeholder_item(i, &item))
            }
            _ if r.collection => false,
            _ => self.placeholder_item(node, r),
        }
    }

    /// A value that names its own type: `"collection(microsoft.graph.x)"`,
    /// `"@odata.type: microsoft.graph.logonType"`, `{"@odata.type": "Edm.Binary"}`.
    pub(super) fn names_type(&self, node: &Node, r: &TypeRef) -> bool {
        let written = match &node.kind {
            Kind::String(s) => s.as_str(),
            Kind::Object(ms) if ms.len() == 1 && ms[0].key == "@odata.type" => {
                match &ms[0].value.kind {
                    Kind::String(s) => s.as_str(),
                    _ => return false,
                }
            }
            _ => return false,
        };
        let written = written
            .trim()
            .trim_start_matches("@odata.type:")
            .trim()
            .trim_start_matches('#');
        let full = type_name(self.model, r);
        let item = type_name(
            self.model,
            &TypeRef {
                collection: false,
                ..r.clone()
            },
        );
        let named = |n: &str| {
            written.eq_ignore_ascii_case(n)
                || written.eq_ignore_ascii_case(n.rsplit('.').next().unwrap_or(n))
        };
        (r.collection && named(&full))
            || (!matches!(r.id, TypeId::Primitive(Primitive::String)) && named(&item))
    }

    pub(super) fn placeholder_item(&mut self, node: &Node, r: &TypeRef) -> bool {
        let model = self.model;
        if self.names_type(node, r) {
            return true;
        }
        match (&node.kind, r.id) {
            (Kind::Null, _) => true,
            (Kind::String(s), TypeId::Primitive(p)) => placeholder_fits(s, p),
            (Kind::String(s), TypeId::Enum(e)) => {
                let en = &model.enums[e as usize];
                s.split(['|', ','])
                    .map(str::trim)
                    .all(|part| en.members.iter().any(|m| m.eq_ignore_ascii_case(part)))
                    || s.eq_ignore_ascii_case("string")
                    || en.name.ends_with(s.as_str())
            }
            (Kind::String(s), TypeId::Structured(t)) => {
                let named = s.trim_start_matches('#');
                model
                    .structured(named)
                    .is_some_and(|n| model.derives_from(n, t))
                    || model.ty(t).name.eq_ignore_ascii_case(named)
            }
            // `{"@odata.type": "microsoft.graph.x"}` alone stands for a value of that type.
            (Kind::Object(ms), TypeId::Structured(t))
                if ms.len() == 1 && ms[0].key == "@odata.type" =>
            {
                match &ms[0].value.kind {
                    Kind::String(s) => model
                        .structured(s.trim_start_matches('#'))
                        .is_some_and(|n| model.derives_from(n, t)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The members of an object with a fixed shape: known names of the right JSON kind, the
    /// required ones present, no others (but annotations).
    pub(super) fn shape(
        &mut self,
        node: &Node,
        at: &JsonPointer,
        fields: &[(&str, Shape)],
        required: &[&str],
    ) {
        let known: Vec<String> = fields.iter().map(|(n, _)| n.to_string()).collect();
        for m in last_of_each(node.members().unwrap_or(&[])) {
            if is_annotation(&m.key) {
                continue;
            }
            let ptr = at.child(&m.key);
            match fields.iter().find(|(n, _)| *n == m.key) {
                Some((_, shape)) if !shape.fits(&m.value) => {
                    let expected = vec![shape.json_type().to_string()];
                    self.out.push(rules::type_mismatch::diagnose(
                        m.key_span,
                        &ptr,
                        &m.value,
                        &expected,
                        &self.subject(at),
                    ));
                }
                Some(_) => {}
                None => {
                    let (c, closeness) = unknown_field::near_misses(&m.key, &known);
                    let cands: Vec<String> = c.into_iter().map(str::to_string).collect();
                    self.out.push(unknown_field::diagnose(
                        m,
                        &ptr,
                        &self.subject(at),
                        &known,
                        (&cands, closeness),
                        at,
                        None,
                    ));
                }
            }
        }
        if self.target.truncated {
            return;
        }
        for name in required {
            if member(node, name).is_none() {
                let shape = fields
                    .iter()
                    .find(|(n, _)| n == name)
                    .map_or(Shape::String, |(_, s)| *s);
                self.out.push(rules::missing_required::diagnose(
                    node.span,
                    at,
                    name,
                    &self.subject(at),
                    None,
                    placeholder(shape.json_type(), name),
                ));
            }
        }
    }

    /// A value of type `r` at `pointer` (the member's key is where findings point).
    pub(super) fn value(
        &mut self,
        node: &Node,
        r: &TypeRef,
        pointer: &JsonPointer,
        purpose: Purpose,
        at: Span,
    ) {
        if purpose == Purpose::Declare && self.placeholder(node, r) {
            return;
        }
        if let Kind::Null = node.kind {
            if !r.nullable || r.collection {
                self.mismatch(node, pointer, r, at);
            }
            return;
        }
        if self.verbose() && matches!(node.kind, Kind::Object(_)) {
            // A navigation property not expanded; a V2 collection as `{"results": [...]}`.
            if verbose::is_deferred(node) {
                return;
            }
            if let (true, Some(results)) = (r.collection, verbose::results(node)) {
                let ptr = pointer.child("results");
                return self.value(&results.value, r, &ptr, purpose, results.key_span);
            }
        }
        if r.collection {
            let Kind::Array(items) = &node.kind else {
                return self.mismatch(node, pointer, r, at);
            };
            let item = TypeRef {
                collection: false,
                ..r.clone()
            };
            for (i, it) in items.iter().enumerate() {
                self.value(it, &item, &nth(pointer, i), purpose, it.span);
            }
            return;
        }
        match r.id {
            TypeId::Structured(t) => {
                if self.model.ty(t).any_json {
                    return;
                }
                if matches!(node.kind, Kind::Object(_)) {
                    self.object(node, t, pointer, purpose, false);
                } else {
                    self.mismatch(node, pointer, r, at);
                }
            }
            TypeId::AnyStructured => {
                if !matches!(node.kind, Kind::Object(_)) {
                    self.mismatch(node, pointer, r, at);
                }
            }
            TypeId::Enum(e) => self.enum_value(node, e, pointer, at),
            TypeId::Primitive(p) => self.primitive(node, p, r, pointer, at),
        }
    }

    pub(super) fn mismatch(&mut self, node: &Node, pointer: &JsonPointer, r: &TypeRef, at: Span) {
        let expected = vec![json_type(self.model, r).to_string()];
        let mut d = rules::type_mismatch::diagnose(
            at,
            pointer,
            node,
            &expected,
            &self.subject(&JsonPointer::root()),
        );
        let edm = type_name(self.model, r);
        if let Some(h) = &d.hint {
            if !matches!(node.kind, Kind::Null) {
                d.hint = Some(format!("{h} (`{edm}`)"));
            }
        }
        self.out.push(d);
    }

    pub(super) fn enum_value(&mut self, node: &Node, e: u32, pointer: &JsonPointer, at: Span) {
        let model = self.model;
        let en = &model.enums[e as usize];
        // CSDL gives every enum type a member; one without is one the cache could not read
        // back ([`crate::odata::table::Item::unreadable`]), and says nothing of its values.
        if en.members.is_empty() {
            return;
        }
        let Kind::String(s) = &node.kind else {
            let r = TypeRef {
                id: TypeId::Enum(e),
                collection: false,
                nullable: true,
                max_length: None,
                definition: None,
                written: None,
            };
            return self.mismatch(node, pointer, &r, at);
        };
        let parts: Vec<&str> = if en.is_flags {
            s.split(',').map(str::trim).collect()
        } else {
            vec![s.as_str()]
        };
        let mut fixed = Vec::with_capacity(parts.len());
        let mut case_only = true;
        let mut wrong: Option<&str> = None;
        for part in &parts {
            if en.members.iter().any(|m| m == part) || part.parse::<i64>().is_ok() {
                fixed.push(part.to_string());
            } else if let Some(m) = en.members.iter().find(|m| m.eq_ignore_ascii_case(part)) {
                fixed.push(m.clone());
            } else {
                case_only = false;
                wrong.get_or_insert(part);
            }
        }
        let shown = format!("`{s}`");
        if let Some(w) = wrong {
            let near = nearest(w, en.members.iter().map(String::as_str));
            let message = format!("{shown} is not a member of `{}` at `{pointer}`", en.name);
            let hint = match near.first() {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("members: {}", list(&en.members)),
            };
            self.out.push(
                rules::invalid_value::refused(node.span, pointer.clone(), message).with_hint(hint),
            );
        } else if case_only && fixed.join(",") != parts.join(",") {
            let exact = fixed.join(",");
            let message = format!(
                "{shown} differs in case from the member `{exact}` of `{}` at `{pointer}`",
                en.name
            );
            let mut d = rules::invalid_value::refused(node.span, pointer.clone(), message)
                .with_hint("enum members are case-sensitive in OData; the service accepts this one, but write it as declared".to_string())
                .with_fix(
                    Safety::Safe,
                    FixAction::ReplaceValue {
                        span: node.span,
                        new_json: serde_json::to_string(&exact).expect("strings serialize"),
                    },
                );
            d.severity = Severity::Warning;
            self.out.push(d);
        }
    }

    pub(super) fn primitive(
        &mut self,
        node: &Node,
        p: Primitive,
        r: &TypeRef,
        pointer: &JsonPointer,
        at: Span,
    ) {
        use Primitive::*;
        let v4 = self.model.version == Version::V4;
        let ok_kind = match (&node.kind, p) {
            (_, Untyped | Stream) => true,
            (Kind::Object(_), Geography | Geometry) => true,
            (Kind::Bool(_), Boolean) => true,
            (Kind::Number(n), Byte | SByte | Int16 | Int32 | Int64) => n.is_i64() || n.is_u64(),
            (Kind::Number(_), Decimal | Double | Single) => true,
            // Strings: what OData's JSON format allows besides the obvious.
            (
                Kind::String(_),
                String | Guid | Date | DateTimeOffset | TimeOfDay | Duration | Binary | DateTime
                | Time,
            ) => true,
            (Kind::String(s), Int64 | Decimal) => is_decimal(s) || !v4,
            (Kind::String(s), Double | Single) => {
                matches!(s.as_str(), "INF" | "-INF" | "NaN") || is_decimal(s) && !v4
            }
            (Kind::String(s), Byte | SByte | Int16 | Int32) => !v4 && is_decimal(s),
            _ => false,
        };
        if !ok_kind {
            return self.mismatch(node, pointer, r, at);
        }
        match (&node.kind, p) {
            (Kind::Number(n), Byte | SByte | Int16 | Int32) => {
                let (lo, hi): (i64, i64) = match p {
                    Byte => (0, 255),
                    SByte => (-128, 127),
                    Int16 => (i16::MIN as i64, i16::MAX as i64),
                    _ => (i32::MIN as i64, i32::MAX as i64),
                };
                if n.as_i64().is_none_or(|v| v < lo || v > hi) {
                    let message = format!("`{n}` at `{pointer}` is out of range for {}", p.name());
                    self.out.push(rules::invalid_value::refused(
                        node.span,
                        pointer.clone(),
                        message,
                    ));
                }
            }
            (Kind::String(s), _) => self.primitive_string(node, s, p, r, pointer),
            _ => {}
        }
    }

    /// A string written for primitive type `p`: its format (standard base64 for Edm.Binary is a
    /// warning), V2's and V3's `/Date(...)/` forms, and the maximum length.
    fn primitive_string(
        &mut self,
        node: &Node,
        s: &str,
        p: Primitive,
        r: &TypeRef,
        pointer: &JsonPointer,
    ) {
        use Primitive::*;
        let v4 = self.model.version == Version::V4;
        let format = match p {
            Guid => "edm-guid",
            Date => "edm-date",
            DateTimeOffset => "edm-date-time-offset",
            TimeOfDay => "edm-time-of-day",
            Duration | Time => "edm-duration",
            Binary => "edm-binary",
            _ => "",
        };
        if p == Binary && !formats::binary(s) && standard_base64(s) {
            // OData's JSON format asks for base64url; services read standard base64.
            let message = format!("`{}` at `{pointer}` is standard base64; Edm.Binary is base64url in OData's JSON format", short(s));
            let mut d = rules::invalid_value::refused(node.span, pointer.clone(), message)
                .with_hint(
                    "write `-` and `_` for `+` and `/`; the service reads this one too".to_string(),
                );
            d.severity = Severity::Warning;
            self.out.push(d);
            return;
        }
        if p == DateTime && !verbose::is_date_time(s) {
            let message = format!("`{}` at `{pointer}` is not a valid Edm.DateTime", short(s));
            self.out.push(
                rules::invalid_value::refused(node.span, pointer.clone(), message).with_hint(
                    "write it like `/Date(1717163100000)/` or `2024-05-31T13:45:00`".to_string(),
                ),
            );
            return;
        }
        // V2 and V3 services write a DateTimeOffset as `/Date(ms+offset)/` too.
        let verbose_date =
            p == DateTimeOffset && !v4 && s.starts_with("/Date(") && verbose::is_date_time(s);
        if let Some((_, ty, example, check)) = formats::FORMATS.iter().find(|f| f.0 == format) {
            if !check(s) && !verbose_date {
                let message = format!("`{}` at `{pointer}` is not a valid {ty}", short(s));
                self.out.push(
                    rules::invalid_value::refused(node.span, pointer.clone(), message)
                        .with_hint(format!("write it like `{example}`")),
                );
            }
        }
        if let (String, Some(max)) = (p, r.max_length) {
            let len = s.chars().count();
            if len > max as usize {
                let message = format!(
                    "the value at `{pointer}` has {len} characters, over the maximum length {max}"
                );
                self.out.push(rules::invalid_value::refused(
                    node.span,
                    pointer.clone(),
                    message,
                ));
            }
        }
    }
}

/// Does a declaration's string `s` stand for a value of primitive type `p`? Any string does for
/// the types written as strings; the others need their type's name (`"Boolean"`, `"Int32"`) or
/// a value (`"true"`, `"42"`).
pub(super) fn placeholder_fits(s: &str, p: Primitive) -> bool {
    use Primitive::*;
    let word = s
        .split(['(', ' '])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let integer = matches!(
        word.as_str(),
        "int16" | "int32" | "int64" | "integer" | "int" | "number" | "byte" | "sbyte" | "long"
    );
    match p {
        Boolean => matches!(word.as_str(), "boolean" | "bool" | "true" | "false"),
        Byte | SByte | Int16 | Int32 | Int64 => integer || s.trim().parse::<i64>().is_ok(),
        Decimal | Double | Single => {
            integer
                || matches!(word.as_str(), "double" | "decimal" | "single" | "float")
                || s.trim().parse::<f64>().is_ok()
        }
        Geography | Geometry => word.starts_with("geo"),
        _ => true,
    }
}

/// The JSON kind a member of a fixed shape has.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    String,
    Object,
    Array,
    /// A string, or an object (V2's `{"lang": ..., "value": ...}`).
    Text,
}

impl Shape {
    fn fits(self, node: &Node) -> bool {
        matches!(
            (self, &node.kind),
            (Shape::String | Shape::Text, Kind::String(_))
                | (Shape::Object | Shape::Text, Kind::Object(_))
                | (Shape::Array, Kind::Array(_))
        )
    }

    fn json_type(self) -> &'static str {
        match self {
            Shape::String | Shape::Text => "string",
            Shape::Object => "object",
            Shape::Array => "array",
        }
    }
}

/// Standard base64 (RFC 4648 section 4), padding optional.
pub(super) fn standard_base64(s: &str) -> bool {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine;
    if s.contains('=') {
        STANDARD.decode(s).is_ok()
    } else {
        STANDARD_NO_PAD.decode(s).is_ok()
    }
}

pub(super) fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    !s.is_empty()
        && s.split_once('.')
            .map_or(s.bytes().all(|b| b.is_ascii_digit()), |(a, b)| {
                (a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit()))
                    && !(a.is_empty() && b.is_empty())
            })
}
