//! The XML underneath: elements with their attributes and offsets, read one at a time, skipped or
//! read as text, and errors for a document that is not well-formed.

use super::{Element, ReadError, Walker};
use quick_xml::events::{BytesStart, Event};

impl Element<'_> {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An attribute's value, trimmed; empty counts as absent.
    pub(super) fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    pub(super) fn name_attr(&self) -> String {
        self.text("Name").unwrap_or_default()
    }

    /// A boolean attribute (`Abstract="true"`); another value is the document's error, not a
    /// silent `false`.
    pub(super) fn flag(&self, name: &str) -> Result<Option<bool>, ReadError> {
        match self.get(name).map(str::trim) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(ReadError {
                at: self.at,
                message: format!(
                    "`{name}` of <{}> is `{other}`; it is `true` or `false`",
                    self.name
                ),
            }),
        }
    }
}

pub(super) fn not_well_formed(at: usize, e: impl std::fmt::Display) -> ReadError {
    ReadError {
        at,
        message: format!("not well-formed XML: {e}"),
    }
}

impl<'t> Walker<'t> {
    pub(super) fn offset(&self) -> usize {
        self.reader.buffer_position() as usize
    }

    /// The next element start inside the current one, or `None` at its end (or the document's).
    /// Text, comments and processing instructions are passed over; an entity reference other
    /// than XML's own is refused.
    pub(super) fn next(&mut self) -> Result<Option<Element<'t>>, ReadError> {
        loop {
            let at = self.offset();
            let event = self
                .reader
                .read_event()
                .map_err(|e| not_well_formed(at, e))?;
            match event {
                Event::Start(e) => {
                    let e = element(e, false, at)?;
                    self.open.push((e.name.clone(), at));
                    return Ok(Some(e));
                }
                Event::Empty(e) => return Ok(Some(element(e, true, at)?)),
                Event::End(_) => {
                    self.open.pop();
                    return Ok(None);
                }
                Event::Eof => return self.at_end(at),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content().into_owned();
                    let known = r.resolve_char_ref().ok().flatten().is_some()
                        || quick_xml::escape::resolve_predefined_entity(&name).is_some();
                    if !known {
                        return Err(ReadError {
                            at,
                            message: format!(
                                "unknown entity `&{name};`: paylint expands no entity a DTD \
                                 declares"
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// The end of the document: an error when an element is still open.
    pub(super) fn at_end(&self, at: usize) -> Result<Option<Element<'t>>, ReadError> {
        match self.open.last() {
            None => Ok(None),
            Some((name, opened)) => Err(ReadError {
                at,
                message: format!(
                    "the document ends inside `<{name}>` (opened on line {}): it is cut short",
                    super::super::Position::of(self.text, *opened).line
                ),
            }),
        }
    }

    /// Skips the content of an element whose start was just read.
    pub(super) fn skip(&mut self, e: &Element<'t>) -> Result<(), ReadError> {
        if e.empty {
            return Ok(());
        }
        let at = self.offset();
        self.reader
            .read_to_end(e.raw.name())
            .map_err(|err| match (&err, self.open.last()) {
                (
                    quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MissingEndTag(
                        _,
                    )),
                    Some((name, opened)),
                ) => ReadError {
                    at: self.text.len(),
                    message: format!(
                        "the document ends inside `<{name}>` (opened on line {}): it is cut short",
                        super::super::Position::of(self.text, *opened).line
                    ),
                },
                _ => not_well_formed(at, err),
            })?;
        self.open.pop();
        Ok(())
    }

    /// The text content of an element whose start was just read (`<String>text</String>`).
    pub(super) fn content(&mut self, e: &Element<'t>) -> Result<String, ReadError> {
        if e.empty {
            return Ok(String::new());
        }
        let at = self.offset();
        let mut out = String::new();
        loop {
            let here = self.offset();
            match self
                .reader
                .read_event()
                .map_err(|err| not_well_formed(at, err))?
            {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.into_inner()),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content().into_owned();
                    match (
                        r.resolve_char_ref().ok().flatten(),
                        quick_xml::escape::resolve_predefined_entity(&name),
                    ) {
                        (Some(c), _) => out.push(c),
                        (None, Some(s)) => out.push_str(s),
                        (None, None) => {
                            return Err(ReadError {
                                at: here,
                                message: format!("unknown entity `&{name};`"),
                            })
                        }
                    }
                }
                Event::Start(inner) => {
                    let name = inner.name().as_ref().to_string();
                    self.reader
                        .read_to_end(quick_xml::name::QName(&name))
                        .map_err(|err| not_well_formed(here, err))?;
                }
                Event::End(_) => {
                    self.open.pop();
                    return Ok(out);
                }
                Event::Eof => {
                    self.at_end(here)?;
                    return Ok(out);
                }
                _ => {}
            }
        }
    }
}

/// An element's start, with its attributes by local name (`sap:creatable` is `creatable`,
/// `m:HttpMethod` is `HttpMethod`).
pub(super) fn element<'t>(
    e: BytesStart<'t>,
    empty: bool,
    at: usize,
) -> Result<Element<'t>, ReadError> {
    let name = e.local_name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(true) {
        let a = a.map_err(|err| ReadError {
            at,
            message: format!("bad attribute on `<{name}>`: {err}"),
        })?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| ReadError {
                at,
                message: format!("bad attribute `{key}` on `<{name}>`: {err}"),
            })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attrs,
        empty,
        at,
        raw: e,
    })
}
