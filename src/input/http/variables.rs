//! Variables of `.http` files as editors write them (VS Code REST Client, JetBrains' HTTP
//! client): file variables (`@baseUrl = https://graph.microsoft.com/v1.0`, a value may use
//! other variables) are substituted wherever `{{baseUrl}}` stands; what the file does not
//! define (`{{token}}` from an environment, `{{$guid}}`, `{{$randomInt}}`, `{{$uuid}}`,
//! `{{$random.uuid}}`, `{{login.response.body.$.id}}`) stays a placeholder: in a URL it is one
//! segment, in a body a value that may be anything.
//!
//! A body with variables becomes a [`Mapped`] text: each substitution stands for its `{{...}}`
//! in the file, so a finding inside it points at the `{{`, and every other byte keeps its
//! place. Written by hand: the substitution has to keep that map, which no template crate does.

use super::Variable;
use crate::input::mapped::{Held, Mapped, OffsetMap};
use crate::input::payload::Body;
use crate::source::Span;
use std::collections::HashMap;

/// How deep a variable may be defined through others before it is left a placeholder (a cycle,
/// `@a = {{b}}` and `@b = {{a}}`, stops here).
const MAX_DEPTH: usize = 16;

/// How long a variable's value may grow by expansion (`@a = {{b}}{{b}}`, `@b = {{c}}{{c}}`, ...
/// doubles at each level): past this, what is left stays unexpanded.
const MAX_VALUE: usize = 64 * 1024;

/// How much longer than as written a text may grow by substitution (many uses of a long value):
/// past this, the rest of its variables stay placeholders.
const MAX_TEXT: usize = 1024 * 1024;

/// The file variables, each expanded as far as the file defines it.
#[derive(Debug, Default)]
pub struct Resolved {
    values: HashMap<String, String>,
}

impl Resolved {
    pub fn new(defined: &[Variable]) -> Resolved {
        let raw: HashMap<&str, &str> = defined
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_str()))
            .collect();
        let values = raw
            .keys()
            .map(|name| {
                let mut budget = MAX_VALUE;
                let mut stack = vec![*name];
                let value = expand_with(&raw, raw[name], &mut stack, &mut budget);
                (name.to_string(), value)
            })
            .collect();
        Resolved { values }
    }

    /// `text` with the file's variables substituted; others stay as written.
    pub fn expand(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some((before, name, raw, after)) = next_variable(rest) {
            out.push_str(before);
            match self.values.get(name) {
                Some(v) if out.len() + v.len() <= text.len() + MAX_TEXT => out.push_str(v),
                _ => out.push_str(raw),
            }
            rest = after;
        }
        out.push_str(rest);
        out
    }

    /// The body at `span` of `text` with its variables substituted, as a mapped text; `None`
    /// when it has none (the file's bytes are the body).
    pub fn body(&self, text: &str, span: Span) -> Option<Body> {
        let body = &text[span.start..span.end];
        if !body.contains("{{") {
            return None;
        }
        let mut out = String::with_capacity(body.len());
        let mut map = OffsetMap::default();
        let mut placeholders = Vec::new();
        let mut strings = StringScan::default();
        let mut at = 0; // in `body`
        let mut rest = body;
        while let Some((before, name, raw, after)) = next_variable(rest) {
            strings.scan(before);
            map.copied(out.len(), span.start + at, before.len());
            out.push_str(before);
            let start = at + before.len();
            let file = Span::new(span.start + start, span.start + start + raw.len());
            let derived = out.len();
            let fits = |v: &String| out.len() + v.len() <= body.len() + MAX_TEXT;
            match self.values.get(name).filter(|v| fits(v)) {
                Some(value) => {
                    out.push_str(value);
                    map.replaced(derived, value.len(), file);
                    if value.contains("{{") {
                        placeholders.push(Span::new(derived, out.len()));
                    }
                }
                // Inside a string: the placeholder is part of the string's text.
                None if strings.inside => {
                    map.copied(derived, file.start, raw.len());
                    out.push_str(raw);
                    placeholders.push(Span::new(derived, out.len()));
                }
                // A whole value (`"count": {{n}}`): read as a string that stands for any value.
                None => {
                    let quoted = serde_json::to_string(raw).expect("strings serialize");
                    out.push_str(&quoted);
                    map.replaced(derived, quoted.len(), file);
                    placeholders.push(Span::new(derived, out.len()));
                }
            }
            at = start + raw.len();
            rest = after;
        }
        map.copied(out.len(), span.start + at, rest.len());
        out.push_str(rest);
        Some(Body::Mapped(Mapped {
            text: out,
            map,
            held: Held::Text,
            placeholders,
        }))
    }
}

/// `text` with the variables of `raw` expanded; one already being expanded (`stack`: a cycle)
/// stays as written.
fn expand_with<'r>(
    raw: &HashMap<&'r str, &'r str>,
    text: &str,
    stack: &mut Vec<&'r str>,
    budget: &mut usize,
) -> String {
    let mut out = String::with_capacity(text.len().min(*budget));
    let mut rest = text;
    while let Some((before, name, whole, after)) = next_variable(rest) {
        out.push_str(before);
        match raw.get_key_value(name) {
            Some((&key, &value))
                if stack.len() < MAX_DEPTH && !stack.contains(&key) && value.len() <= *budget =>
            {
                stack.push(key);
                let expanded = expand_with(raw, value, stack, budget);
                stack.pop();
                *budget = budget.saturating_sub(expanded.len());
                out.push_str(&expanded);
            }
            _ => out.push_str(whole),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The next `{{name}}` of `text` (on one line): the text before it, its name (trimmed), the
/// whole `{{...}}`, and the text after it.
fn next_variable(text: &str) -> Option<(&str, &str, &str, &str)> {
    let mut from = 0;
    loop {
        let open = from + text[from..].find("{{")?;
        let inner = &text[open + 2..];
        let close = inner.find("}}")?;
        // A `{{` not closed on its line is text; look on after it.
        if let Some(nl) = inner[..close].find('\n') {
            from = open + 2 + nl;
            continue;
        }
        let end = open + 2 + close + 2;
        return Some((
            &text[..open],
            inner[..close].trim(),
            &text[open..end],
            &text[end..],
        ));
    }
}

/// Whether the scan so far is inside a JSON string.
#[derive(Default)]
struct StringScan {
    inside: bool,
    escaped: bool,
}

impl StringScan {
    fn scan(&mut self, text: &str) {
        for b in text.bytes() {
            match (self.inside, self.escaped, b) {
                (true, true, _) => self.escaped = false,
                (true, false, b'\\') => self.escaped = true,
                (true, false, b'"') => self.inside = false,
                (false, _, b'"') => self.inside = true,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Resolved {
        let defined: Vec<Variable> = pairs
            .iter()
            .map(|(n, v)| Variable {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect();
        Resolved::new(&defined)
    }

    #[test]
    fn variables_defined_from_others_expand_and_unknown_ones_stay() {
        let v = vars(&[
            ("host", "https://graph.microsoft.com"),
            ("baseUrl", "{{host}}/v1.0"),
            ("a", "{{b}}"),
            ("b", "{{a}}"),
        ]);
        assert_eq!(
            v.expand("{{baseUrl}}/users/{{ $guid }}?x={{token}}"),
            "https://graph.microsoft.com/v1.0/users/{{ $guid }}?x={{token}}"
        );
        // A cycle ends as a placeholder, not a hang; nor does a value that doubles each level.
        assert_eq!(v.expand("{{a}}"), "{{a}}");
        assert_eq!(vars(&[("s", "x{{s}}")]).expand("{{s}}"), "x{{s}}");
        let doubling: Vec<(String, String)> = (0..40)
            .map(|i| {
                (
                    format!("v{i}"),
                    format!("{{{{v{}}}}}{{{{v{}}}}}", i + 1, i + 1),
                )
            })
            .collect();
        let pairs: Vec<(&str, &str)> = doubling
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert!(vars(&pairs).expand("{{v0}}").len() <= 2 * MAX_VALUE);
        assert_eq!(
            vars(&[("x", "1")]).expand("{{ not closed\n{{x}}"),
            "{{ not closed\n1"
        );
    }

    #[test]
    fn a_body_keeps_every_offset_and_placeholders_stand_for_any_value() {
        let v = vars(&[("group", "b7a4e2f0")]);
        let text = r#"{"groupId": "{{group}}", "id": "{{$uuid}}", "n": {{n}}, "x": 1}"#;
        let Some(Body::Mapped(m)) = v.body(text, Span::new(0, text.len())) else {
            panic!()
        };
        assert_eq!(
            m.text,
            r#"{"groupId": "b7a4e2f0", "id": "{{$uuid}}", "n": "{{n}}", "x": 1}"#
        );
        // `x` is where the file has it; inside a substitution is its `{{`.
        let x = m.text.find("\"x\"").unwrap();
        let at = m.map.span(Span::new(x, x + 3));
        assert_eq!(&text[at.start..at.end], "\"x\"");
        let g = m.text.find("b7a4").unwrap();
        assert_eq!(
            m.map.span(Span::new(g + 2, g + 3)).start,
            text.find("{{group").unwrap()
        );
        let placed: Vec<&str> = m
            .placeholders
            .iter()
            .map(|p| &m.text[p.start..p.end])
            .collect();
        assert_eq!(placed, ["{{$uuid}}", "\"{{n}}\""]);
        assert!(v.body("{\"a\": 1}", Span::new(0, 8)).is_none());
    }
}
