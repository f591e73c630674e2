//! The positioned JSON tree as the schema validator's instance: jsonschema's validator is
//! generic over how a JSON value is represented, and this is the representation for
//! [`json::Node`]. Bodies are validated where they were parsed, without first copying them into
//! a `serde_json::Value` (which cost as much per file as the parse itself).
//!
//! Objects are read as the parser keeps them, every occurrence of a repeated key included; a
//! tree with repeated keys is validated through [`json::Node::without_repeated_keys`] so that,
//! as in serde_json, the last occurrence is the one that counts.

use crate::json::{self, Kind, Member};
use jsonschema::json::{cmp, Array, Json, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::Value;
use std::borrow::Cow;
use std::cell::Cell;

/// The [`Json`] representation whose nodes are `&json::Node`.
pub struct Positioned;

/// A validator for bodies parsed by [`json::parse_range`].
pub type Validator = jsonschema::Validator<Positioned>;

impl Json for Positioned {
    type Node<'a> = &'a json::Node;
    type PreparedKey = String;
    type StringBuffer = ();

    // A lookup is a scan of the members, so a members pass is never dearer than a few lookups.
    const KEYS_PER_LOOKUP: usize = 64;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(&json::Node) -> T) -> T {
        thread_local! {
            // Backs every property-name node on this thread, so names allocate only to grow.
            static NAME: Cell<String> = const { Cell::new(String::new()) };
        }
        let mut name = NAME.take();
        name.clear();
        name.push_str(string);
        let node = json::Node {
            span: crate::source::Span::default(),
            kind: Kind::String(name),
        };
        let result = f(&node);
        if let Kind::String(name) = node.kind {
            NAME.set(name);
        }
        result
    }
}

impl<'a> Node<'a, Positioned> for &'a json::Node {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = &'a serde_json::Number;

    fn as_object(&self) -> Option<Members<'a>> {
        match &self.kind {
            Kind::Object(members) => Some(Members(members)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Items<'a>> {
        match &self.kind {
            Kind::Array(items) => Some(Items(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.kind {
            Kind::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<&'a serde_json::Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.kind {
            Kind::Null => JsonType::Null,
            Kind::Bool(_) => JsonType::Boolean,
            Kind::Number(_) => JsonType::Number,
            Kind::String(_) => JsonType::String,
            Kind::Array(_) => JsonType::Array,
            Kind::Object(_) => JsonType::Object,
        }
    }

    // `const` and `enum` (every `@odata.type` check) compare scalars without building a value.
    fn equals_value(&self, expected: &Value) -> bool {
        match (&self.kind, expected) {
            (Kind::String(s), Value::String(e)) => s == e,
            (Kind::Number(n), Value::Number(e)) => cmp::equal_numbers(n, e),
            (Kind::Bool(b), Value::Bool(e)) => b == e,
            (Kind::Null, Value::Null) => true,
            (Kind::Array(_) | Kind::Object(_), Value::Array(_) | Value::Object(_)) => {
                cmp::equal(&json::Node::to_value(self), expected)
            }
            _ => false,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(json::Node::to_value(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<json::Node>(self) as usize
        ))
    }
}

/// An object's members, in file order.
#[derive(Clone, Copy)]
pub struct Members<'a>(&'a [Member]);

impl<'a> Object<'a, Positioned> for Members<'a> {
    type Node = &'a json::Node;
    type MemberName = &'a str;
    type MembersIter = MembersIter<'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &String) -> Option<&'a json::Node> {
        // The last occurrence, as `json::Node::pointer` has it.
        self.0
            .iter()
            .rev()
            .find(|m| m.key == *key)
            .map(|m| &m.value)
    }

    fn members(&self) -> MembersIter<'a> {
        MembersIter(self.0.iter())
    }
}

pub struct MembersIter<'a>(std::slice::Iter<'a, Member>);

impl<'a> Iterator for MembersIter<'a> {
    type Item = (&'a str, &'a json::Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|m| (m.key.as_str(), &m.value))
    }
}

/// An array's items.
#[derive(Clone, Copy)]
pub struct Items<'a>(&'a [json::Node]);

impl<'a> Array<'a, Positioned> for Items<'a> {
    type Node = &'a json::Node;
    type ElementsIter = std::slice::Iter<'a, json::Node>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> std::slice::Iter<'a, json::Node> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonschema::error::ValidationErrorKind;
    use serde_json::json;

    /// Validates `text` with the positioned representation and with serde_json's, which must
    /// agree.
    fn both(schema: &Value, text: &str) -> (bool, bool) {
        let positioned: Validator = jsonschema::options_for::<Positioned>()
            .build(schema)
            .unwrap();
        let serde = jsonschema::validator_for(schema).unwrap();
        let doc = json::parse(text).unwrap();
        let root = if doc.duplicates.is_empty() {
            doc.root
        } else {
            doc.root.without_repeated_keys()
        };
        let value: Value = serde_json::from_str(text).unwrap();
        (positioned.is_valid(&root), serde.is_valid(&value))
    }

    #[test]
    fn agrees_with_serde_json_on_every_keyword_family() {
        let schema = json!({
            "type": "object",
            "properties": {
                "@odata.type": {"const": "#x.y"},
                "n": {"type": "integer", "minimum": 1, "multipleOf": 2},
                "f": {"type": "number", "exclusiveMaximum": 1.5},
                "s": {"type": "string", "maxLength": 3, "pattern": "^a"},
                "e": {"enum": ["a", 1, null, true, [1], {"k": 1}]},
                "a": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                "o": {"type": "object", "required": ["k"], "additionalProperties": false,
                      "properties": {"k": {"type": "boolean"}}},
            },
            "propertyNames": {"maxLength": 11},
            "required": ["n"],
            "additionalProperties": false,
        });
        let cases = [
            r#"{"n": 2}"#,
            r#"{"n": 3}"#,
            r#"{"n": 2.0}"#,
            r#"{"n": 0}"#,
            r#"{}"#,
            r##"{"n": 2, "@odata.type": "#x.y"}"##,
            r##"{"n": 2, "@odata.type": "#x.z"}"##,
            r#"{"n": 2, "f": 1.4}"#,
            r#"{"n": 2, "f": 1.5}"#,
            r#"{"n": 2, "s": "ab"}"#,
            r#"{"n": 2, "s": "abcd"}"#,
            r#"{"n": 2, "s": "ba"}"#,
            r#"{"n": 2, "s": "é"}"#,
            r#"{"n": 2, "e": "a"}"#,
            r#"{"n": 2, "e": 1.0}"#,
            r#"{"n": 2, "e": null}"#,
            r#"{"n": 2, "e": true}"#,
            r#"{"n": 2, "e": false}"#,
            r#"{"n": 2, "e": [1]}"#,
            r#"{"n": 2, "e": {"k": 1}}"#,
            r#"{"n": 2, "e": {"k": 2}}"#,
            r#"{"n": 2, "a": ["x", "y"]}"#,
            r#"{"n": 2, "a": ["x", "x"]}"#,
            r#"{"n": 2, "a": ["x", 1]}"#,
            r#"{"n": 2, "o": {"k": true}}"#,
            r#"{"n": 2, "o": {}}"#,
            r#"{"n": 2, "o": {"k": true, "z": 1}}"#,
            r#"{"n": 2, "unknown": 1}"#,
            r#"{"n": 2, "averyverylongname": 1}"#,
            r#"{"n": 2, "n": 3}"#,
            r#"{"n": 3, "n": 2}"#,
            r#"{"n": 2, "o": {"k": 1, "k": false}}"#,
            r#"[1]"#,
            r#""text""#,
        ];
        for text in cases {
            let (ours, serde) = both(&schema, text);
            assert_eq!(ours, serde, "{text}");
        }
        // The cases do exercise both outcomes.
        assert!(both(&schema, r#"{"n": 2}"#).0);
        assert!(!both(&schema, r#"{"n": 3}"#).0);
    }

    #[test]
    fn errors_carry_the_same_kinds_and_pointers() {
        let schema = json!({
            "type": "object",
            "properties": {"groupId": {"type": "string"}, "o": {"properties": {"x": false}}},
            "required": ["groupId"],
            "additionalProperties": false,
        });
        let text = r#"{"groupID": "g", "o": {"x": 1}, "extra": [1]}"#;
        let positioned: Validator = jsonschema::options_for::<Positioned>()
            .build(&schema)
            .unwrap();
        let serde = jsonschema::validator_for(&schema).unwrap();
        let doc = json::parse(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        // Unknown names come in file order here, in key order from serde_json's map.
        let describe = |e: jsonschema::ValidationError<'_>| match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let mut names = unexpected.clone();
                names.sort();
                format!("{} unexpected {names:?}", e.instance_path().as_str())
            }
            kind => format!("{} {kind:?}", e.instance_path().as_str()),
        };
        let mut ours: Vec<String> = positioned.iter_errors(&doc.root).map(describe).collect();
        let mut theirs: Vec<String> = serde.iter_errors(&value).map(describe).collect();
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 3, "{ours:?}");
    }
}
