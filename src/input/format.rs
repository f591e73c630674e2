//! The formats paylint reads, and how a file's format is known: by its extension, else (a
//! file named on the command line) by its first bytes.

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
        if super::http::start_line(first_line).is_some()
            || first_line.starts_with("###")
            || super::http::variable(first_line).is_some()
        {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_editor_http_file_is_sniffed_by_its_variables_too() {
        let text = "@baseUrl = https://graph.microsoft.com/v1.0\n\nGET {{baseUrl}}/me\n";
        assert_eq!(Format::sniff(text), Format::Http);
        assert_eq!(Format::sniff("### Get me\nGET /me\n"), Format::Http);
        assert_eq!(Format::sniff("{\"a\": 1}"), Format::JsonBody);
    }
}
