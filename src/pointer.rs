//! JSON Pointers (RFC 6901): where in a body a finding is, and which object a fix edits.

use std::borrow::Cow;
use std::fmt;

/// A JSON Pointer, held in its RFC 6901 text form (`/value/3/group~1id`); the empty pointer is
/// the whole document. Tokens are escaped as they are pushed and unescaped as they are read, so
/// a key holding `/` or `~` is one token.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JsonPointer(String);

/// Text that is not a JSON Pointer: neither empty nor starting with `/`, or a `~` that is not
/// `~0` or `~1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPointer(pub String);

impl fmt::Display for InvalidPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a JSON Pointer (RFC 6901)", self.0)
    }
}

impl std::error::Error for InvalidPointer {}

impl JsonPointer {
    /// The whole document: `""`.
    pub fn root() -> JsonPointer {
        JsonPointer(String::new())
    }

    /// Reads a pointer written as RFC 6901 text.
    pub fn parse(text: &str) -> Result<JsonPointer, InvalidPointer> {
        let bad = || InvalidPointer(text.to_string());
        if !(text.is_empty() || text.starts_with('/')) {
            return Err(bad());
        }
        let mut rest = text;
        while let Some(i) = rest.find('~') {
            if !matches!(rest.as_bytes().get(i + 1), Some(b'0' | b'1')) {
                return Err(bad());
            }
            rest = &rest[i + 2..];
        }
        Ok(JsonPointer(text.to_string()))
    }

    /// The pointer of the tokens, in order.
    pub fn from_tokens<'t>(tokens: impl IntoIterator<Item = &'t str>) -> JsonPointer {
        let mut p = JsonPointer::root();
        for t in tokens {
            p.push(t);
        }
        p
    }

    /// The RFC 6901 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends one token (a member name or an array index), escaping `~` and `/`.
    pub fn push(&mut self, token: &str) {
        self.0.push('/');
        escape_into(&mut self.0, token);
    }

    /// Appends an array index.
    pub fn push_index(&mut self, index: usize) {
        use std::fmt::Write as _;
        let _ = write!(self.0, "/{index}");
    }

    /// This pointer and one more token.
    pub fn child(&self, token: &str) -> JsonPointer {
        let mut p = JsonPointer(String::with_capacity(self.0.len() + token.len() + 1));
        p.0.push_str(&self.0);
        p.push(token);
        p
    }

    /// `rest`, read from where this pointer points: `/value/3` joined with `/groupId` is
    /// `/value/3/groupId`.
    pub fn join(&self, rest: &JsonPointer) -> JsonPointer {
        JsonPointer(format!("{}{}", self.0, rest.0))
    }

    /// Puts `base` in front: what the pointer becomes when the value it was made in sits at
    /// `base` of a larger document.
    pub fn rebase(&mut self, base: &JsonPointer) {
        self.0.insert_str(0, &base.0);
    }

    /// The pointer without its last token and that token (unescaped); `None` for the root.
    pub fn split_last(&self) -> Option<(JsonPointer, Cow<'_, str>)> {
        let (parent, last) = self.0.rsplit_once('/')?;
        Some((JsonPointer(parent.to_string()), unescape(last)))
    }

    /// The pointer without its last token; `None` for the root.
    pub fn parent(&self) -> Option<JsonPointer> {
        self.split_last().map(|(parent, _)| parent)
    }

    /// The last token, unescaped; `None` for the root.
    pub fn last_token(&self) -> Option<Cow<'_, str>> {
        self.0.rsplit_once('/').map(|(_, last)| unescape(last))
    }

    /// The tokens, unescaped.
    pub fn tokens(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.0.split('/').skip(1).map(unescape)
    }

    /// The pointers above this one, nearest last, without the root and without itself:
    /// `/a/b/c` has `/a` and `/a/b`.
    pub fn ancestors(&self) -> impl Iterator<Item = &str> {
        self.0
            .match_indices('/')
            .filter(|&(i, _)| i > 0)
            .map(|(i, _)| &self.0[..i])
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for JsonPointer {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for JsonPointer {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Sets and maps of pointers are looked up by text (`contains("/a/b")`).
impl std::borrow::Borrow<str> for JsonPointer {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for JsonPointer {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Appends `token` escaped: `~` as `~0`, `/` as `~1`.
fn escape_into(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// One token of RFC 6901 text, unescaped.
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped_on_the_way_in_and_unescaped_on_the_way_out() {
        let mut p = JsonPointer::root();
        assert!(p.is_root() && p.as_str().is_empty());
        p.push("a/b");
        p.push("c~d");
        p.push_index(3);
        assert_eq!(p.to_string(), "/a~1b/c~0d/3");
        assert_eq!(p.tokens().collect::<Vec<_>>(), ["a/b", "c~d", "3"]);
        assert_eq!(p.last_token().as_deref(), Some("3"));
        let (parent, last) = p.split_last().unwrap();
        assert_eq!((parent.as_str(), last.as_ref()), ("/a~1b/c~0d", "3"));
        assert_eq!(
            JsonPointer::from_tokens(["a/b", "c~d", "3"]),
            JsonPointer::parse("/a~1b/c~0d/3").unwrap()
        );
        assert_eq!(JsonPointer::root().parent(), None);
        assert_eq!(
            JsonPointer::root().child("x").parent(),
            Some(JsonPointer::root())
        );
    }

    #[test]
    fn joins_and_rebases() {
        let base = JsonPointer::parse("/value/3").unwrap();
        let mut p = JsonPointer::root().child("groupId");
        assert_eq!(base.join(&p).as_str(), "/value/3/groupId");
        p.rebase(&base);
        assert_eq!(p.as_str(), "/value/3/groupId");
        assert_eq!(p.ancestors().collect::<Vec<_>>(), ["/value", "/value/3"]);
    }

    #[test]
    fn parse_refuses_what_is_not_a_pointer() {
        for bad in ["a", "/a~", "/a~2", "~0"] {
            assert_eq!(
                JsonPointer::parse(bad),
                Err(InvalidPointer(bad.to_string()))
            );
        }
        for good in ["", "/", "/a", "/~0~1", "//"] {
            assert_eq!(JsonPointer::parse(good).unwrap().as_str(), good);
        }
    }
}
