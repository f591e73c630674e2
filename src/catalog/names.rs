//! Resource names in the references between an imported catalog's files: the
//! `urn:paylint:schema:` scheme and the percent-encoding of names in URIs and JSON Pointers.

use std::borrow::Cow;

/// The scheme of references between the files of an imported catalog.
pub(crate) const URN: &str = "urn:paylint:schema:";

/// A name as it stands in a URI: bytes outside `A-Z a-z 0-9 - . _ ~` percent-encoded (names are
/// identifiers, so only non-ASCII letters are).
pub(crate) fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`encode`] (any `%XX` decoded); `None` when the bytes are not UTF-8 or an
/// escape is cut.
pub(crate) fn decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// `urn:paylint:schema:NAME`, encoded.
pub(crate) fn urn(name: &str) -> String {
    format!("{URN}{}", encode(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_percent_encoded_and_decoded() {
        assert_eq!(encode("ns.Straße_1"), "ns.Stra%C3%9Fe_1");
        assert_eq!(decode("ns.Stra%C3%9Fe_1").as_deref(), Some("ns.Straße_1"));
        assert_eq!(decode("a%2"), None);
        assert_eq!(decode("%FF"), None);
        assert_eq!(urn("a.b"), "urn:paylint:schema:a.b");
    }
}
