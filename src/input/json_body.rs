//! A bare JSON body (`.json`): the whole file is one payload. A name ending in `.request.json`
//! or `.response.json` says the body's direction.

use super::payload::{Body, Parsed, Payload};
use crate::direction::Direction;
use crate::source::{SourceFile, Span};
use std::path::Path;

pub fn read(source: &SourceFile) -> Parsed {
    Parsed {
        payloads: vec![Payload {
            index: 0,
            start: Span::new(0, 0),
            body: Some(Body::InFile(Span::new(0, source.text.len()))),
            direction: direction_from_name(&source.path),
            ..Payload::default()
        }],
        problems: Vec::new(),
    }
}

/// `x.request.json` is a request body, `x.response.json` a response body.
pub fn direction_from_name(path: &Path) -> Option<Direction> {
    let name = super::format::file_name(path);
    let ends = |suffix: &str| {
        name.len() >= suffix.len()
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    if ends(".request.json") {
        Some(Direction::Request)
    } else if ends(".response.json") {
        Some(Direction::Response)
    } else {
        None
    }
}
