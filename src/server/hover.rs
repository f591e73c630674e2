//! Hover: on a property name (or its value), what the description says of the property; on an
//! `@odata.type` value, the type it names; on a request or status line, the operation the
//! message resolved to. Reads the API only through [`Model`].

use super::cursor::{At, Location};
use super::vocabulary::{BodyQuery, MessageView, Model, PropertyInfo};
use std::ops::Range;

/// Where the cursor is: on a message's first line, or in its body.
#[derive(Debug, Clone)]
pub enum Place {
    StartLine,
    Body {
        location: Location,
        /// The body's `@odata.type`, if it has one.
        odata_type: Option<String>,
    },
}

/// The query that finds the type of `m`'s body.
pub fn query<'a>(m: &'a MessageView, odata_type: Option<&'a str>) -> BodyQuery<'a> {
    BodyQuery {
        method: m.method.as_deref(),
        url: m.url.as_deref(),
        way: m.way,
        status: m.status,
        odata_type,
    }
}

/// The hover text (Markdown) and the span it is about.
pub fn hover(model: &dyn Model, m: &MessageView, place: &Place) -> Option<(String, Range<usize>)> {
    match place {
        Place::StartLine => Some((operation(model, m)?, m.start.clone())),
        Place::Body {
            location,
            odata_type,
        } => body(model, m, location, odata_type.as_deref()),
    }
}

fn operation(model: &dyn Model, m: &MessageView) -> Option<String> {
    let (method, url) = (m.method.as_deref()?, m.url.as_deref()?);
    let Some(op) = model.operation(method, url) else {
        return Some(format!(
            "`{method} {url}` matches no operation of the catalog or the metadata: its body is not checked"
        ));
    };
    let mut out = format!(
        "**{}** `{}`\n\noperation `{}` of **{}**",
        op.method, op.path, op.name, op.resource
    );
    if m.status.is_some() {
        out.push_str(" (this is its response)");
    }
    if !op.request_required.is_empty() {
        let names: Vec<String> = op
            .request_required
            .iter()
            .map(|n| format!("`{n}`"))
            .collect();
        out.push_str(&format!(
            "\n\nthe request body requires {}",
            names.join(", ")
        ));
    }
    if !op.statuses.is_empty() {
        let statuses: Vec<String> = op.statuses.iter().map(u16::to_string).collect();
        out.push_str(&format!(
            "\n\ndocumented responses: {}",
            statuses.join(", ")
        ));
    }
    Some(out)
}

fn body(
    model: &dyn Model,
    m: &MessageView,
    location: &Location,
    odata_type: Option<&str>,
) -> Option<(String, Range<usize>)> {
    let (key, span, value) = match &location.at {
        At::Key { name, span, .. } => (name.as_str(), span.clone(), None),
        At::Value {
            key: Some(key),
            span,
            string,
        } => (key.as_str(), span.clone(), Some(string)),
        _ => return None,
    };
    if key == "@odata.type" {
        if let Some(Some(value)) = value {
            return Some((odata_type_value(model, value), span));
        }
    }
    let ty = model.body_type(&query(m, odata_type))?;
    let text = match ty.property(&location.container, key) {
        Some(p) => property(&p, &ty.name()),
        None if key.contains('@') => format!(
            "`{key}`: OData control information or an instance annotation; never an unknown field"
        ),
        None => {
            let near = ty
                .properties(&location.container)
                .into_iter()
                .find(|p| p.name.eq_ignore_ascii_case(key))
                .map(|p| format!(" (did you mean `{}`?)", p.name))
                .unwrap_or_default();
            format!("`{key}` is not a property of **{}**{near}", ty.name())
        }
    };
    Some((text, span))
}

/// `**groupId** `string` · property of X`, its description, then what holds for it here.
pub fn property(p: &PropertyInfo, type_name: &str) -> String {
    let mut out = format!(
        "**{}** `{}` · property of **{type_name}**",
        p.name, p.type_label
    );
    if let Some(d) = &p.description {
        out.push_str("\n\n");
        out.push_str(d);
    }
    let mut facts = vec![if p.required {
        "required in this message"
    } else {
        "optional"
    }];
    facts.push(if p.nullable {
        "nullable"
    } else {
        "not nullable"
    });
    if p.read_only {
        facts.push("read-only: set by the service, not sent in requests");
    }
    out.push_str("\n\n");
    out.push_str(&facts.join(" · "));
    out
}

fn odata_type_value(model: &dyn Model, value: &str) -> String {
    let types = model.odata_types();
    match types.iter().find(|t| t.odata_type == value) {
        Some(t) => {
            let mut out = format!("`{}` names **{}**", t.odata_type, t.name);
            if let Some(d) = &t.description {
                out.push_str("\n\n");
                out.push_str(d);
            }
            out
        }
        None => {
            let near = types
                .iter()
                .find(|t| {
                    t.odata_type
                        .trim_start_matches('#')
                        .eq_ignore_ascii_case(value.trim_start_matches('#'))
                })
                .map(|t| format!(" (did you mean `{}`?)", t.odata_type))
                .unwrap_or_default();
            format!("`{value}` names no type of the catalog or the metadata{near}")
        }
    }
}
