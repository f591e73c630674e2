//! Readers: turn one file's text into payloads with positions. One module per input format;
//! none of them knows about resources or rules beyond reporting what it could not read.

pub mod har;
pub mod http;
pub mod json_body;
pub mod markdown;
pub mod ndjson;

use crate::diagnostic::Diagnostic;

use crate::direction::Direction;
use crate::rules;
use crate::source::{SourceFile, Span};
use std::path::PathBuf;

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
    /// Headers, when the format carries them (`None` for a bare body).
    pub headers: Option<Vec<Header>>,
    /// A documented example shortened for readability: missing properties are not findings.
    pub truncated: bool,
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
    /// Text held in a string of the file (a HAR `text` field, an NDJSON `"body": "..."`):
    /// findings inside it point at `anchor`, the string in the file.
    Embedded { text: String, anchor: Span },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    pub value: String,
    /// The header's line (or field) in the file.
    pub span: Span,
}

/// The formats paylint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A bare JSON body (`.json`); a `.json` file holding a HAR capture is read as HAR.
    JsonBody,
    /// HTTP transcript (`.http`).
    Http,
    /// API doc with annotated examples (`.md`).
    Markdown,
    /// HAR 1.2 capture (`.har`).
    Har,
    /// One body or exchange object per line (`.ndjson`, `.jsonl`, standard input).
    Ndjson,
}

impl Format {
    /// The format a walked file is read as, by extension; `None` when a folder walk skips it.
    pub fn for_walked(path: &std::path::Path) -> Option<Format> {
        let name = file_name(path);
        let dot = memchr::memrchr(b'.', name).filter(|&i| i > 0)?;
        let ext = &name[dot + 1..];
        let is = |e: &str| ext.eq_ignore_ascii_case(e.as_bytes());
        Some(if is("json") {
            Format::JsonBody
        } else if is("http") || is("rest") {
            Format::Http
        } else if is("md") || is("markdown") {
            Format::Markdown
        } else if is("har") {
            Format::Har
        } else if is("ndjson") || is("jsonl") {
            Format::Ndjson
        } else {
            return None;
        })
    }

    /// The format of a file named on the command line: by extension, else by content.
    pub fn for_named(path: &std::path::Path, text: &str) -> Format {
        Format::for_walked(path).unwrap_or_else(|| Format::sniff(text))
    }

    /// Guesses a format from the first bytes of a file.
    pub fn sniff(text: &str) -> Format {
        let head = text.trim_start();
        let first_line = head.lines().next().unwrap_or("");
        if head.starts_with('{') || head.starts_with('[') {
            let lines = head
                .lines()
                .filter(|l| !l.trim().is_empty())
                .take(3)
                .collect::<Vec<_>>();
            if lines.len() >= 2
                && lines
                    .iter()
                    .all(|l| l.trim_start().starts_with('{') && l.trim_end().ends_with('}'))
            {
                return Format::Ndjson;
            }
            return Format::JsonBody;
        }
        if http::start_line(first_line).is_some() || first_line.starts_with("###") {
            return Format::Http;
        }
        if head.contains("```")
            || head.contains("<!--")
            || head.starts_with('#')
            || head.starts_with("---")
        {
            return Format::Markdown;
        }
        Format::JsonBody
    }
}

/// The bytes of a path's last component, found without parsing every component (this runs for
/// every walked file).
pub fn file_name(path: &std::path::Path) -> &[u8] {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let trimmed = bytes.strip_suffix(b"/").unwrap_or(bytes);
    match memchr::memrchr(b'/', trimmed) {
        Some(slash) => &trimmed[slash + 1..],
        None => trimmed,
    }
}

/// Payloads of one file, plus findings about what could not be read as a payload.
#[derive(Debug, Default)]
pub struct Parsed {
    pub payloads: Vec<Payload>,
    pub problems: Vec<Diagnostic>,
}

/// Reads a whole file. (NDJSON is streamed line by line by `lint`; read whole here, it is
/// the first line only.)
pub fn read(format: Format, source: &SourceFile) -> Parsed {
    match format {
        Format::JsonBody if har::looks_like_har(&source.text) => {
            let parsed = har::read(source);
            // Not HAR after all (no `log.entries`): a body that mentions those words.
            let not_har = parsed.payloads.is_empty()
                && parsed.problems.iter().any(|d| {
                    d.rule == crate::rule::Rule::InvalidHar
                        && matches!(d.pointer.as_str(), "" | "/log" | "/log/entries")
                });
            if not_har {
                json_body::read(source)
            } else {
                parsed
            }
        }
        Format::JsonBody => json_body::read(source),
        Format::Http => http::read(source),
        Format::Markdown => markdown::read(source),
        Format::Har => har::read(source),
        Format::Ndjson => ndjson::read_line(source.text.lines().next().unwrap_or(""), 0),
    }
}

/// Bytes to text: a UTF-8 byte order mark is dropped (RFC 8259 lets a parser ignore it); other
/// encodings are an `invalid-json` finding (the text is then a lossy copy, for display only).
pub fn decode(path: PathBuf, mut bytes: Vec<u8>) -> (SourceFile, Option<Diagnostic>) {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        // NUL is valid UTF-8 but never appears in JSON text: UTF-16 without a BOM, or binary.
        Ok(text) => match memchr::memchr(0, text.as_bytes()) {
            Some(offset) => {
                let utf16 = looks_utf16(text.as_bytes());
                let finding = rules::invalid_json::not_utf8(offset, utf16, true);
                (SourceFile { path, text, bom }, Some(finding))
            }
            None => (SourceFile { path, text, bom }, None),
        },
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let utf16 = bytes.starts_with(b"\xFF\xFE")
                || bytes.starts_with(b"\xFE\xFF")
                || looks_utf16(&bytes);
            let has_nul = memchr::memchr(0, &bytes).is_some();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let finding = rules::invalid_json::not_utf8(offset, utf16, has_nul);
            (SourceFile { path, text, bom }, Some(finding))
        }
    }
}

/// ASCII text in UTF-16 has a NUL in every other byte.
fn looks_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64)];
    head.len() >= 4
        && (head.iter().step_by(2).all(|&b| b == 0)
            || head.iter().skip(1).step_by(2).all(|&b| b == 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn decode_accepts_bom_and_reports_other_encodings() {
        let (s, d) = decode("a".into(), b"\xEF\xBB\xBF{}".to_vec());
        assert_eq!(s.text, "{}");
        assert!(d.is_none());
        let utf16: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_, d) = decode("a".into(), [b"\xFF\xFE".to_vec(), utf16].concat());
        let d = d.unwrap();
        assert_eq!(d.rule, Rule::InvalidJson);
        assert!(d.message.contains("UTF-16"));
        let (_, d) = decode("a".into(), b"{\"a\": \"\xC3\x28\"}".to_vec());
        let d = d.unwrap();
        assert_eq!(d.span.start, 7);
        assert!(d.message.contains("not valid UTF-8"));
        let (_, d) = decode("a".into(), b"\x00\x01\x02\xFF\x00".to_vec());
        assert!(d.unwrap().message.contains("binary"));
        let (_, d) = decode("a".into(), b"\x89PNG\x00\x00".to_vec());
        assert!(d.unwrap().message.contains("binary"));
        let bare16: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_, d) = decode("a".into(), bare16);
        assert!(d.unwrap().message.contains("UTF-16"));
    }
}
