//! Annotations: external `Annotations` elements applied to their targets, and the Core
//! vocabulary terms the checker reads (descriptions, computed, immutable and read-only).

use super::{Builder, CORE};
use crate::odata::csdl::{Annotation, AnnotationValue};
use crate::odata::model::{InheritedAnnotation, Model, ReadOnly};
use std::collections::HashMap;

impl<'d> Builder<'d> {
    /// `Annotations Target="ns.Type"` and `Target="ns.Type/property"` blocks: descriptions and
    /// read-only terms applied to what they name (a property a base type declares is recorded in
    /// the type's `inherited` list). Other targets are not used.
    pub(super) fn external_annotations(&mut self, model: &mut Model) {
        let doc = self.doc;
        for s in &doc.schemas {
            for block in &s.annotations {
                if block.qualifier.is_some() {
                    continue;
                }
                let (head, prop) = match block.target.split_once('/') {
                    Some((h, p)) => (h.trim(), Some(p.trim())),
                    None => (block.target.trim(), None),
                };
                let (q, _) = self.qualify(head);
                let Some(&ti) = self.type_index.get(&q) else {
                    continue;
                };
                let desc = description(&block.annotations, &self.aliases);
                let ro = read_only(&block.annotations, &self.aliases);
                // A property a base type declares: the annotation holds from this type down.
                let inherited = prop.is_some_and(|p| {
                    let t = &model.types[ti as usize];
                    !t.properties.iter().any(|x| x.name == p)
                        && !t.navigations.iter().any(|x| x.name == p)
                        && (model.property(ti, p).is_some() || model.navigation(ti, p).is_some())
                });
                let t = &mut model.types[ti as usize];
                match prop {
                    None => {
                        if desc.is_some() {
                            t.description = desc;
                        }
                    }
                    Some(p) if p.contains('/') => {}
                    Some(p) if inherited => {
                        if desc.is_none() && ro.is_none() {
                            continue;
                        }
                        let at = match t.inherited.iter().position(|x| x.property == p) {
                            Some(i) => i,
                            None => {
                                t.inherited.push(InheritedAnnotation {
                                    property: p.to_string(),
                                    read_only: None,
                                    description: None,
                                });
                                t.inherited.len() - 1
                            }
                        };
                        let x = &mut t.inherited[at];
                        if desc.is_some() {
                            x.description = desc;
                        }
                        if ro.is_some() {
                            x.read_only = ro;
                        }
                    }
                    Some(p) => {
                        if let Some(x) = t.properties.iter_mut().find(|x| x.name == p) {
                            if desc.is_some() {
                                x.description = desc;
                            }
                            if ro.is_some() {
                                x.read_only = ro;
                            }
                        } else if let Some(x) = t.navigations.iter_mut().find(|x| x.name == p) {
                            if desc.is_some() {
                                x.description = desc;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Is `term` (as written: `Core.Computed`, `Org.OData.Core.V1.Computed`) the Core term `name`?
pub(super) fn is_core(term: &str, name: &str, aliases: &HashMap<&str, &str>) -> bool {
    term.trim()
        .rsplit_once('.')
        .is_some_and(|(ns, local)| local == name && aliases.get(ns).copied().unwrap_or(ns) == CORE)
}

pub(super) fn has_term(
    annotations: &[Annotation],
    name: &str,
    aliases: &HashMap<&str, &str>,
) -> bool {
    annotations
        .iter()
        .any(|a| a.qualifier.is_none() && is_core(&a.term, name, aliases))
}

pub(super) fn term<'a>(
    annotations: &'a [Annotation],
    name: &str,
    aliases: &HashMap<&str, &str>,
) -> Option<&'a AnnotationValue> {
    annotations
        .iter()
        .find(|a| a.qualifier.is_none() && is_core(&a.term, name, aliases))
        .map(|a| &a.value)
}

pub(super) fn description(
    annotations: &[Annotation],
    aliases: &HashMap<&str, &str>,
) -> Option<Box<str>> {
    match term(annotations, "Description", aliases)? {
        AnnotationValue::String(s) => Some(s.as_str().into()),
        _ => None,
    }
}

pub(super) fn is_true(v: Option<&AnnotationValue>) -> bool {
    matches!(v, Some(AnnotationValue::Empty))
        || matches!(v, Some(AnnotationValue::Bool(b)) if b == "true")
}

/// Read-only terms: `Core.Computed`, `Core.Permissions` of `Read` alone, `Core.Immutable`.
pub(super) fn read_only(
    annotations: &[Annotation],
    aliases: &HashMap<&str, &str>,
) -> Option<ReadOnly> {
    if is_true(term(annotations, "Computed", aliases)) {
        return Some(ReadOnly::Computed);
    }
    if let Some(AnnotationValue::EnumMembers(members)) = term(annotations, "Permissions", aliases) {
        let read_only =
            !members.is_empty() && members.iter().all(|m| m.rsplit('/').next() == Some("Read"));
        if read_only {
            return Some(ReadOnly::Permissions);
        }
    }
    if is_true(term(annotations, "Immutable", aliases)) {
        return Some(ReadOnly::Immutable);
    }
    None
}
