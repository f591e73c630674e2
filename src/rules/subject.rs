//! What the schema rules look at: a body (or an item of a collection in it) and what it is
//! checked as, with the words every rule uses to name it, and the small wording helpers
//! they share.

use crate::catalog::Resource;
use crate::json::Node;
use crate::pointer::JsonPointer;
use crate::route::Target;
use crate::source::Span;

/// A body that a schema refused part of, and what it is checked as.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    /// The body, or the collection item (at `target.at` of the body).
    pub root: &'a Node,
    pub target: &'a Target<'a>,
}

impl<'a> Subject<'a> {
    pub fn resource(&self) -> &'a Resource {
        self.target.resource
    }

    /// `the X request body`, or `` `/a/b` of the X request body `` below the top (or in an
    /// item of a collection).
    pub fn describe(&self, object: &JsonPointer) -> String {
        let target = self.target;
        let name = &target.resource.name;
        let mut out = String::with_capacity(name.len() + object.as_str().len() + 40);
        if target.at.is_root() && object.is_root() {
            out.push_str("the ");
        } else {
            out.push('`');
            out.push_str(target.at.as_str());
            out.push_str(object.as_str());
            out.push_str("` of the ");
        }
        out.push_str(name);
        if let Some(d) = target.direction() {
            out.push(' ');
            out.push_str(d.as_str());
        }
        out.push_str(" body");
        out
    }

    /// The span of the key of the member at `pointer`, when the pointer names an object member.
    pub fn key_span(&self, pointer: &JsonPointer) -> Option<Span> {
        self.root.member(pointer).map(|m| m.key_span)
    }

    /// Where a finding about the value at `pointer` points: its key, else the value, else the
    /// body.
    pub fn place_of(&self, pointer: &JsonPointer) -> Span {
        self.key_span(pointer)
            .or_else(|| self.root.pointer(pointer).map(|n| n.span))
            .unwrap_or(self.root.span)
    }
}

/// Up to eight names in backquotes, and how many more there are.
pub fn list(names: &[String]) -> String {
    let shown: Vec<String> = names.iter().take(8).map(|o| format!("`{o}`")).collect();
    let more = names.len().saturating_sub(8);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// A placeholder value of a JSON Schema type, for the conformant body of a diff.
pub fn placeholder(json_type: &str, name: &str) -> String {
    match json_type {
        "integer" | "number" => "0".into(),
        "boolean" => "false".into(),
        "object" => "{}".into(),
        "array" => "[]".into(),
        "null" => "null".into(),
        _ => serde_json::to_string(&format!("<{name}>")).expect("strings serialize"),
    }
}

/// What the rules' tests check against: bodies of the built-in resource.
#[cfg(test)]
pub(crate) mod testing {
    use super::Subject;
    use crate::catalog::{Catalog, Exchange};
    use crate::direction::Direction;
    use crate::pointer::JsonPointer;
    use crate::route::Target;
    use std::sync::OnceLock;

    /// The built-in catalog, loaded once.
    pub fn catalog() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::load(&[]).expect("the built-in catalog loads"))
    }

    /// `f` on `body` as a ProvisionPolicyAssignmentItem body of `direction`.
    pub fn with_subject<R>(
        body: &str,
        direction: Option<Direction>,
        f: impl FnOnce(&Subject<'_>) -> R,
    ) -> R {
        let doc = crate::json::parse(body).expect("a JSON body");
        let target = Target {
            resource: &catalog().resources()[0],
            exchange: Exchange {
                direction,
                ..Exchange::default()
            },
            truncated: false,
            at: JsonPointer::root(),
        };
        f(&Subject {
            root: &doc.root,
            target: &target,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::testing::with_subject;
    use crate::direction::Direction;

    #[test]
    fn a_subject_is_named_by_resource_direction_and_place() {
        let p = |s: &str| JsonPointer::parse(s).unwrap();
        with_subject(r#"{"a": {"b": 1}}"#, Some(Direction::Request), |s| {
            assert_eq!(
                s.describe(&JsonPointer::root()),
                "the ProvisionPolicyAssignmentItem request body"
            );
            assert_eq!(
                s.describe(&p("/a")),
                "`/a` of the ProvisionPolicyAssignmentItem request body"
            );
            // A member points at its key, a value at itself, nothing at the body.
            assert_eq!(s.place_of(&p("/a/b")), s.key_span(&p("/a/b")).unwrap());
            assert_eq!(s.place_of(&p("/x")), s.root.span);
        });
        with_subject("{}", None, |s| {
            assert_eq!(
                s.describe(&JsonPointer::root()),
                "the ProvisionPolicyAssignmentItem body"
            );
        });
    }

    #[test]
    fn lists_show_eight_names_and_count_the_rest() {
        let names: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
        assert_eq!(list(&names[..2]), "`m0`, `m1`");
        assert!(list(&names).ends_with("`m7` and 2 more"));
    }

    #[test]
    fn placeholders_have_the_expected_type() {
        assert_eq!(placeholder("string", "groupId"), "\"<groupId>\"");
        assert_eq!(placeholder("integer", "n"), "0");
        assert_eq!(placeholder("array", "a"), "[]");
        assert_eq!(placeholder("boolean", "b"), "false");
    }
}
