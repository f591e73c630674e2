//! Completion inside a body: the property names of the object at the cursor (those it does not
//! have yet, required ones first), and `@odata.type` values. Reads the API only through
//! [`Model`].

use super::cursor::{At, Location};
use super::hover::query;
use super::vocabulary::{MessageView, Model};
use std::ops::Range;

/// One proposal: what to show, and the text that replaces `span` of the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub label: String,
    pub detail: String,
    pub documentation: Option<String>,
    pub span: Range<usize>,
    pub new_text: String,
    /// What the editor matches the typed text against (the replaced text starts with `"`).
    pub filter_text: String,
    pub sort_text: String,
    /// A property (else a value).
    pub property: bool,
}

pub fn complete(
    model: &dyn Model,
    m: &MessageView,
    location: &Location,
    odata_type: Option<&str>,
    offset: usize,
) -> Vec<Proposal> {
    let mut out = match &location.at {
        At::Key { name, span, colon } => properties(
            model,
            m,
            location,
            odata_type,
            span.clone(),
            *colon,
            Some(name),
        ),
        At::KeySlot => properties(model, m, location, odata_type, offset..offset, false, None),
        At::Value {
            key: Some(key),
            span,
            string: Some(_),
        } if key == "@odata.type" => types(model, span.clone()),
        At::ValueSlot { key: Some(key) } if key == "@odata.type" => types(model, offset..offset),
        _ => Vec::new(),
    };
    out.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    out
}

fn properties(
    model: &dyn Model,
    m: &MessageView,
    location: &Location,
    odata_type: Option<&str>,
    span: Range<usize>,
    colon: bool,
    editing: Option<&String>,
) -> Vec<Proposal> {
    let Some(ty) = model.body_type(&query(m, odata_type)) else {
        return Vec::new();
    };
    let request = m.way == Some(super::vocabulary::Way::Request);
    ty.properties(&location.container)
        .into_iter()
        .filter(|p| Some(&p.name) == editing || !location.keys.contains(&p.name))
        .map(|p| {
            let quoted = serde_json::to_string(&p.name).expect("strings serialize");
            let mut detail = p.type_label.clone();
            if p.required {
                detail.push_str(" · required");
            }
            if p.read_only {
                detail.push_str(" · read-only");
            }
            // Required first; read-only ones last in a request, where they do not belong.
            let rank = if p.required {
                0
            } else if p.read_only && request {
                2
            } else {
                1
            };
            Proposal {
                sort_text: format!("{rank}{}", p.name),
                label: p.name,
                detail,
                documentation: p.description,
                span: span.clone(),
                new_text: if colon {
                    quoted.clone()
                } else {
                    format!("{quoted}: ")
                },
                filter_text: quoted,
                property: true,
            }
        })
        .collect()
}

fn types(model: &dyn Model, span: Range<usize>) -> Vec<Proposal> {
    model
        .odata_types()
        .into_iter()
        .map(|t| {
            let quoted = serde_json::to_string(&t.odata_type).expect("strings serialize");
            Proposal {
                label: t.odata_type.clone(),
                detail: t.name,
                documentation: t.description,
                span: span.clone(),
                new_text: quoted.clone(),
                filter_text: quoted,
                sort_text: t.odata_type,
                property: false,
            }
        })
        .collect()
}
