//! Readers: turn one file's text into payloads with positions. One module per input format;
//! what a reader finds is a [`Payload`] ([`payload`]), what it cannot read a [`Problem`]
//! ([`problem`]): data, which the rules put into words. No reader knows resources or rules.

pub mod format;
pub mod har;
pub mod http;
pub mod json_body;
pub mod mapped;
pub mod markdown;
pub mod ndjson;
pub mod payload;
pub mod problem;

pub use format::{file_name, Format};
pub use payload::{
    is_json_media_type, Body, Content, Entry, Header, NamedType, Parsed, Payload, PayloadKind,
};
pub use problem::{Problem, ProblemKind};

use crate::source::SourceFile;
use problem::Encoding;
use std::path::PathBuf;

/// Reads a whole file. (NDJSON is streamed line by line by the engine, with
/// [`ndjson::Lines`]; read whole here, it is the first line only.)
pub fn read(format: Format, source: &SourceFile) -> Parsed {
    match format {
        // Not HAR after all (no `log.entries`): a body that mentions those words.
        Format::JsonBody if har::looks_like_har(&source.text) => {
            har::read_capture(source).unwrap_or_else(|_| json_body::read(source))
        }
        Format::JsonBody => json_body::read(source),
        Format::Http => http::read(source),
        Format::Markdown => markdown::read(source),
        Format::Har => har::read(source),
        Format::Ndjson => ndjson::read_line(source.text.lines().next().unwrap_or(""), 0),
    }
}

/// Bytes to text: a UTF-8 byte order mark is dropped (RFC 8259 lets a parser ignore it); other
/// encodings are a [`Problem`] (the text is then a lossy copy, for display only).
pub fn decode(path: PathBuf, mut bytes: Vec<u8>) -> (SourceFile, Option<Problem>) {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        // NUL is valid UTF-8 but never appears in JSON text: UTF-16 without a BOM, or binary.
        Ok(text) => match memchr::memchr(0, text.as_bytes()) {
            Some(offset) => {
                let encoding = if looks_utf16(text.as_bytes()) {
                    Encoding::Utf16
                } else {
                    Encoding::Binary
                };
                let problem = Problem::encoding(offset, encoding);
                (SourceFile { path, text, bom }, Some(problem))
            }
            None => (SourceFile { path, text, bom }, None),
        },
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let encoding = if bytes.starts_with(b"\xFF\xFE")
                || bytes.starts_with(b"\xFE\xFF")
                || looks_utf16(&bytes)
            {
                Encoding::Utf16
            } else if memchr::memchr(0, &bytes).is_some() {
                Encoding::Binary
            } else {
                Encoding::NotUtf8
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (
                SourceFile { path, text, bom },
                Some(Problem::encoding(offset, encoding)),
            )
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

    fn encoding(problem: Option<Problem>) -> Encoding {
        match problem.map(|p| p.kind) {
            Some(ProblemKind::Encoding(e)) => e,
            other => panic!("expected an encoding problem, got {other:?}"),
        }
    }

    #[test]
    fn decode_accepts_bom_and_reports_other_encodings() {
        let (s, d) = decode("a".into(), b"\xEF\xBB\xBF{}".to_vec());
        assert_eq!(s.text, "{}");
        assert!(s.bom);
        assert!(d.is_none());
        let utf16: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_, d) = decode("a".into(), [b"\xFF\xFE".to_vec(), utf16].concat());
        assert_eq!(encoding(d), Encoding::Utf16);
        let (_, d) = decode("a".into(), b"{\"a\": \"\xC3\x28\"}".to_vec());
        assert_eq!(d.as_ref().unwrap().span.start, 7);
        assert_eq!(encoding(d), Encoding::NotUtf8);
        let (_, d) = decode("a".into(), b"\x00\x01\x02\xFF\x00".to_vec());
        assert_eq!(encoding(d), Encoding::Binary);
        let (_, d) = decode("a".into(), b"\x89PNG\x00\x00".to_vec());
        assert_eq!(encoding(d), Encoding::Binary);
        let bare16: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let (_, d) = decode("a".into(), bare16);
        assert_eq!(encoding(d), Encoding::Utf16);
    }
}
