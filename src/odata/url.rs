//! A request target split the way OData's URL conventions read it: the resource path's
//! segments (each a name, an optional parenthesised argument list, and an optional path-based
//! addressing suffix such as Graph's `root:/folder/file.txt:`), and the query options.
//!
//! Written by hand because docs write URLs no URL crate accepts: `{id}` and `<id>` placeholders,
//! unencoded spaces (`{id | userPrincipalName}`, `$filter= (status eq 'x')`), keys with `/`
//! inside quotes, `'` escapes doubled inside parentheses.

/// One segment of a resource path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The segment as written (percent-decoded).
    pub raw: String,
    /// The name before any parentheses: `People` of `People('x')`, `range` of
    /// `range(address='A1')`; the whole segment for a key or placeholder.
    pub name: String,
    /// What is inside the parentheses, if there are any.
    pub args: Option<String>,
    /// Path-based addressing after this segment (`root:/a/b.txt:` gives `a/b.txt`).
    pub item_path: Option<String>,
}

impl Segment {
    /// A placeholder as docs write one: `{id}`, `{user-id | userPrincipalName}`, `<id>`,
    /// `{{var}}`, `...`.
    pub fn is_placeholder(&self) -> bool {
        is_placeholder(&self.name)
    }
}

pub fn is_placeholder(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with('{') && s.ends_with('}'))
        || (s.starts_with('<') && s.ends_with('>'))
        || s == "..."
}

/// A request target: its path segments and query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Target {
    pub segments: Vec<Segment>,
    /// `(name, value)` pairs of the query, percent-decoded; names as written.
    pub query: Vec<(String, String)>,
    /// The host, when the target is an absolute URL.
    pub host: Option<String>,
}

impl Target {
    /// The value of a query option, matching `$select` and `select` alike, ignoring case.
    pub fn option(&self, name: &str) -> Option<&str> {
        let bare = name.trim_start_matches('$');
        self.query
            .iter()
            .find(|(k, _)| k.trim_start_matches('$').eq_ignore_ascii_case(bare))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits a request target (a path or an absolute URL).
pub fn parse(target: &str) -> Target {
    let mut rest = target.trim();
    let mut host = None;
    if let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        host = Some(after[..end].to_ascii_lowercase());
        rest = &after[end..];
    }
    // Docs mark optional parts in brackets: `/members[?includeIDs=true]`.
    let cleaned;
    if rest.contains("[?") || rest.contains("[&") {
        cleaned = strip_brackets(rest);
        rest = &cleaned;
    }
    let (path, query) = split_query(rest);
    let path = path.split('#').next().unwrap_or("");
    Target {
        segments: segments(path),
        query: query.map(parse_query).unwrap_or_default(),
        host,
    }
}

fn strip_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The path and the query: the first `?` outside parentheses and quotes.
fn split_query(s: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            '?' if !quoted && depth <= 0 => return (&s[..i], Some(&s[i + 1..])),
            _ => {}
        }
    }
    (s, None)
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k.trim()), decode(v.trim()))
        })
        .collect()
}

/// Percent-decoding; a malformed escape is kept as written.
pub fn decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path split at `/` outside parentheses, quotes and placeholders, each segment decoded,
/// path-based addressing (`name:/a/b:`) folded into the segment it follows.
fn segments(path: &str) -> Vec<Segment> {
    let mut raw: Vec<String> = Vec::new();
    let mut cur = String::new();
    let (mut parens, mut braces, mut quoted) = (0i32, 0i32, false);
    for c in path.chars() {
        match c {
            '\'' if braces == 0 => quoted = !quoted,
            '(' if !quoted => parens += 1,
            ')' if !quoted => parens -= 1,
            '{' if !quoted => braces += 1,
            '}' if !quoted => braces -= 1,
            '/' if !quoted && parens <= 0 && braces <= 0 => {
                raw.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    raw.push(cur);
    let mut out: Vec<Segment> = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let s = raw[i].trim();
        i += 1;
        if s.is_empty() {
            continue;
        }
        // `root:` opens a path that runs to the next segment ending in `:` (or to the end).
        if let Some(head) = s
            .strip_suffix(':')
            .filter(|h| !h.is_empty() && !h.ends_with(':'))
        {
            let mut item = Vec::new();
            while i < raw.len() {
                let p = raw[i].trim();
                i += 1;
                if let Some(last) = p.strip_suffix(':') {
                    item.push(last.to_string());
                    break;
                }
                item.push(p.to_string());
            }
            let mut seg = segment(head);
            seg.item_path = Some(decode(&item.join("/")));
            seg.raw = decode(s);
            out.push(seg);
            continue;
        }
        out.push(segment(s));
    }
    out
}

/// One segment: `name(args)`, a key or a placeholder.
fn segment(s: &str) -> Segment {
    let decoded = decode(s);
    if is_placeholder(&decoded) {
        return Segment {
            raw: decoded.clone(),
            name: decoded,
            args: None,
            item_path: None,
        };
    }
    match (decoded.find('('), decoded.ends_with(')')) {
        (Some(open), true) if open > 0 => Segment {
            raw: decoded.clone(),
            name: decoded[..open].trim().to_string(),
            args: Some(decoded[open + 1..decoded.len() - 1].to_string()),
            item_path: None,
        },
        _ => Segment {
            raw: decoded.clone(),
            name: decoded,
            args: None,
            item_path: None,
        },
    }
}

/// The `name=value` pairs of a parenthesised argument list (function parameters, or a
/// composite key); a single value without a name has the name `""`.
pub fn arguments(args: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quoted) = (0i32, false);
    let mut parts = Vec::new();
    for c in args.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        match p.split_once('=') {
            Some((k, v)) if !k.contains('\'') && !k.trim().is_empty() => {
                out.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => out.push((String::new(), p.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &Target) -> Vec<&str> {
        t.segments.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn absolute_relative_and_query() {
        let t = parse("https://graph.microsoft.com/v1.0/users/{id}/manager?$select=id,displayName");
        assert_eq!(t.host.as_deref(), Some("graph.microsoft.com"));
        assert_eq!(names(&t), ["v1.0", "users", "{id}", "manager"]);
        assert_eq!(t.option("select"), Some("id,displayName"));
        assert_eq!(t.option("$SELECT"), Some("id,displayName"));
        let t = parse("users/x/");
        assert_eq!(names(&t), ["users", "x"]);
        let t = parse("/me/events?$filter= (start/dateTime ge '2021-01-01')&$top=2");
        assert_eq!(names(&t), ["me", "events"]);
        assert_eq!(t.option("top"), Some("2"));
    }

    #[test]
    fn keys_functions_and_placeholders() {
        let t = parse("/People('russell/whyte')/Trips(0)");
        assert_eq!(names(&t), ["People", "Trips"]);
        assert_eq!(t.segments[0].args.as_deref(), Some("'russell/whyte'"));
        let t = parse("/Orders(OrderID=1,ProductID=2)");
        assert_eq!(
            arguments(t.segments[0].args.as_deref().unwrap()),
            [
                ("OrderID".to_string(), "1".to_string()),
                ("ProductID".to_string(), "2".to_string())
            ]
        );
        let t = parse("/users/{id | userPrincipalName}/photo/$value");
        assert_eq!(
            names(&t),
            ["users", "{id | userPrincipalName}", "photo", "$value"]
        );
        assert!(t.segments[1].is_placeholder());
        let t = parse("/me/workbook/names/{name}/range(address='A1:B2')/format/fill");
        assert_eq!(names(&t)[4], "range");
        assert_eq!(t.segments[4].args.as_deref(), Some("address='A1:B2'"));
        let t = parse("/users/%7Bid%7D/%24value");
        assert_eq!(names(&t), ["users", "{id}", "$value"]);
        assert!(parse("/a/<id>/b").segments[1].is_placeholder());
    }

    #[test]
    fn path_based_addressing() {
        let t = parse("/me/drive/root:/FolderA/FileB.txt:/content");
        assert_eq!(names(&t), ["me", "drive", "root", "content"]);
        assert_eq!(
            t.segments[2].item_path.as_deref(),
            Some("FolderA/FileB.txt")
        );
        let t = parse("/sites/contoso.sharepoint.com:/teams/hr");
        assert_eq!(names(&t), ["sites", "contoso.sharepoint.com"]);
        assert_eq!(t.segments[1].item_path.as_deref(), Some("teams/hr"));
        let t = parse("/drives/{drive-id}/items/{item-id}:/{file-name}:/createUploadSession");
        assert_eq!(
            names(&t),
            [
                "drives",
                "{drive-id}",
                "items",
                "{item-id}",
                "createUploadSession"
            ]
        );
    }

    #[test]
    fn optional_parts_in_brackets_are_dropped() {
        let t = parse("/groups/{id}/members[?$top=1]");
        assert_eq!(names(&t), ["groups", "{id}", "members"]);
        assert!(t.query.is_empty());
    }
}
