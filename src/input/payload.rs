//! What a reader finds in a file: messages (payloads) with the positions of their parts.

use super::mapped::Mapped;
use super::problem::Problem;
use crate::direction::Direction;
use crate::source::Span;

/// One message (request or response) found in a file.
#[derive(Debug, Clone, Default)]
pub struct Payload {
    /// 0-based index of the message in its file.
    pub index: usize,
    /// Span of the message's first line (findings about the message point here).
    pub start: Span,
    /// The JSON body, if the message has one.
    pub body: Option<Body>,
    pub direction: Option<Direction>,
    /// Request method and target (path or URL) of the request, or of the request a response answers.
    pub method: Option<String>,
    pub url: Option<String>,
    pub status: Option<u16>,
    /// For a response: the index of the payload holding the request it answers, when that
    /// request is one of the file's payloads (what the method and URL name is reported there).
    pub request: Option<usize>,
    /// Headers, when the format carries them (`None` for a bare body).
    pub headers: Option<Vec<Header>>,
    /// A documented example shortened for readability: missing properties are not findings.
    pub truncated: bool,
    /// The type the format says the body is (a doc annotation's `@odata.type`).
    pub named_type: Option<NamedType>,
    /// A message, or a type's declaration.
    pub kind: PayloadKind,
    /// The HAR entry the message is part of, in a capture.
    pub entry: Option<Entry>,
}

/// A HAR entry, as far as the reader can tell what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Its index in `log.entries`.
    pub index: usize,
    pub content: Content,
}

/// What an entry's messages carry, by their Content-Type, `mimeType` and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// The request or the response is JSON.
    Json,
    /// Neither is (an image, a script, a stylesheet, a font, a page): no API call, unless its
    /// method and URL name an operation.
    Other,
}

/// What a payload is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PayloadKind {
    /// A request or response (or a bare body of one).
    #[default]
    Message,
    /// A type's declaration: a doc's resource block, listing the type's properties with
    /// placeholder values (`"String"`, `"String (timestamp)"`).
    Declaration {
        /// Properties the block may leave out (`optionalProperties`).
        optional: Vec<String>,
    },
}

/// A type named by the format: `microsoft.graph.user`, or a collection of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedType {
    /// As written, without `#`: `microsoft.graph.user`.
    pub name: String,
    pub collection: bool,
}

impl Payload {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers
            .as_ref()?
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
    }
}

/// Where a body's text is.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A range of the file's text: positions inside the body are positions in the file.
    InFile(Span),
    /// Text the file holds in another form (a base64 HAR `text`): findings inside it point at
    /// `anchor`, the string in the file.
    Embedded { text: String, anchor: Span },
    /// Text derived from the file's bytes (a JSON string's escapes decoded, `{{variables}}`
    /// substituted, block-quote markers blanked), with the offsets of each of its bytes in the
    /// file: findings inside it point at the bytes they come from.
    Mapped(Mapped),
    /// A body in another file, as the transcript names it (`< ./body.json`): `path` as
    /// written (relative to the transcript's folder), `at` its span on the `<` line. The engine
    /// reads it into [`Body::Read`].
    File { path: String, at: Span },
    /// A body read from the file `path` names: findings inside it point at `at`, and say where
    /// in that file they are.
    Read {
        path: String,
        at: Span,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    pub value: String,
    /// The header's line (or field) in the file.
    pub span: Span,
}

/// Payloads of one file, and what could not be read as a payload.
#[derive(Debug, Default)]
pub struct Parsed {
    pub payloads: Vec<Payload>,
    pub problems: Vec<Problem>,
}

/// Is a media type (a Content-Type value, a HAR `mimeType`) JSON? `application/json` with any
/// parameters, and `application/*+json`.
pub fn is_json_media_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_media_types() {
        for v in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;odata.metadata=minimal",
            "application/merge-patch+json",
        ] {
            assert!(super::is_json_media_type(v), "{v}");
        }
        for v in [
            "text/plain",
            "application/xml",
            "",
            "application/jsonx",
            "text/json",
        ] {
            assert!(!super::is_json_media_type(v), "{v}");
        }
    }
}
