//! `invalid-value`: a value of the right JSON type that the schema does not allow (an enum
//! member that does not exist, a pattern or format that does not match, a number out of range).

use super::info::{Example, Examples, Fixes, RuleInfo};
use super::subject::{Subject, list};
use crate::diagnostic::Finding;
use crate::json::Kind;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;
use serde_json::Value;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidValue,
    severity: Severity::Error,
    summary: "A value has the right JSON type but is not allowed.",
    explanation: "The schema restricts the value beyond its type: a fixed set of members, a \
pattern, a format, a length or a range. The message says which constraint failed.",
    reports: "a value of the right type that the schema does not allow (enum, pattern, format, range)",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::body(r##"{"@odata.type": "#contoso.Widget", "color": "blue"}"##),
        good: Example::body(r##"{"@odata.type": "#contoso.Widget", "color": "red"}"##),
        schemas: &[(
            "Widget.schema.json",
            r##"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
  "properties": {"@odata.type": {"const": "#contoso.Widget"}, "color": {"enum": ["red", "green"]}}}"##,
        )],
        metadata: None,
    }),
};

/// What a value of the right JSON type failed: the schema keyword, with what the message needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `enum`: one of these members.
    Members(Vec<String>),
    /// `format`.
    Format(String),
    /// `pattern`.
    Pattern(String),
    /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`.
    Range { bound: Bound, limit: String },
    /// `minLength`, `maxLength` (in characters).
    Length { bound: Bound, limit: u64 },
    /// `minItems`, `maxItems`.
    Items { bound: Bound, limit: u64 },
    /// `minProperties`, `maxProperties`.
    Properties { bound: Bound, limit: u64 },
    /// `const` (other than `@odata.type`, which is `wrong-odata-type`'s), as JSON.
    Constant(String),
    /// `multipleOf`.
    MultipleOf(String),
    /// `uniqueItems`.
    UniqueItems,
    /// A `false` schema: nothing is allowed here.
    Nothing,
    /// Any other keyword (`oneOf`, `not`, `contains`, ...).
    Keyword(String),
}

/// Which side of a limit a value must stay on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// At least the limit (`minimum`, `minLength`, ...).
    AtLeast,
    /// At most the limit.
    AtMost,
    /// Above the limit (`exclusiveMinimum`).
    Above,
    /// Below the limit (`exclusiveMaximum`).
    Below,
}

/// Why `invalid-value` fires: the value at `pointer` has the type its schema wants, but the
/// schema's `constraint` refuses it. The message names the OData type or enum when the schema
/// says it (`x-odata-type`, `x-odata-enum`) and an example of the right form; a misspelled
/// member gets the nearest one as hint. No fix: paylint cannot know the right value.
pub fn find(subject: &Subject<'_>, pointer: &JsonPointer, constraint: &Constraint) -> Finding {
    let (message, hint) = Refused::new(subject, pointer).words(constraint);
    let d = INFO.finding(subject.place_of(pointer), pointer.clone(), message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// A value the OData model refuses (a member, a form, a range), in the model checker's words.
pub fn refused(at: Span, pointer: JsonPointer, message: String) -> Finding {
    INFO.finding(at, pointer, message)
}

/// The refused value, and how a message names it and where it is.
struct Refused<'s, 'a> {
    subject: &'s Subject<'a>,
    pointer: &'s JsonPointer,
    /// The value in backquotes (`the value` when the pointer finds nothing).
    shown: String,
    /// `` `/a/b` `` or `the body`.
    place: String,
}

impl<'s, 'a> Refused<'s, 'a> {
    fn new(subject: &'s Subject<'a>, pointer: &'s JsonPointer) -> Self {
        let value = subject.root.pointer(pointer).map(|n| match &n.kind {
            Kind::String(s) => format!("`{s}`"),
            _ => format!("`{}`", n.to_value()),
        });
        let place = if pointer.is_root() {
            "the body".to_string()
        } else {
            format!("`{pointer}`")
        };
        Refused {
            subject,
            pointer,
            shown: value.unwrap_or_else(|| "the value".to_string()),
            place,
        }
    }

    /// What the schema declares for the value under `key` (`x-odata-type`, `x-odata-enum`):
    /// beside a `$ref` too (the property's own schema, before it is resolved).
    fn declared(&self, key: &str) -> Option<String> {
        let (resource, root) = (self.subject.resource(), self.subject.root);
        let schema = resource.subschema_in(self.pointer.as_str(), Some(root));
        let (parent, token) = self.pointer.split_last()?;
        let parent = resource.subschema_in(parent.as_str(), Some(root))?;
        let own = parent
            .get("properties")
            .and_then(|p| p.get(token.as_ref()))
            .or_else(|| parent.get("items"));
        own.and_then(|s| s.get(key).or_else(|| s.get("items")?.get(key)))
            .or_else(|| schema?.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    fn not_a_member(&self, options: &[String]) -> (String, Option<String>) {
        let Refused { shown, place, .. } = self;
        let of = self
            .declared("x-odata-enum")
            .map(|e| format!(" of `{e}`"))
            .unwrap_or_default();
        let found = self.subject.root.pointer(self.pointer).and_then(|n| match &n.kind {
            Kind::String(s) => Some(s.as_str()),
            _ => None,
        });
        let hint = match found.map(|f| nearest_member(f, options)) {
            Some(Some(m)) => format!("did you mean `{m}`?"),
            _ => format!("members: {}", list(options)),
        };
        (format!("{shown} is not a member{of} at {place}"), Some(hint))
    }

    fn bad_format(&self, format: &str) -> (String, Option<String>) {
        let Refused { shown, place, .. } = self;
        match crate::catalog::edm::describe(format) {
            Some((ty, example)) => (
                format!("{shown} at {place} is not a valid {ty}"),
                Some(format!("write it like `{example}`")),
            ),
            None => (format!("{shown} at {place} is not a valid `{format}`"), None),
        }
    }

    fn no_match(&self, pattern: &str) -> (String, Option<String>) {
        let Refused { shown, place, .. } = self;
        if let Some(e) = self.declared("x-odata-enum") {
            let message = format!("{shown} at {place} is not a comma-separated list of `{e}` members");
            return (message, None);
        }
        let Some(ty) = self.declared("x-odata-type") else {
            let message = format!("{shown} at {place} does not match the pattern `{pattern}`");
            return (message, None);
        };
        let hint = match ty.as_str() {
            "Edm.Int64" => "write a number, or a string of digits",
            "Edm.Double" | "Edm.Single" => {
                "write a number, or one of the strings `INF`, `-INF`, `NaN`"
            }
            _ => "write a number, or a string holding one",
        };
        (
            format!("{shown} at {place} is not a valid {ty}"),
            Some(hint.to_string()),
        )
    }

    fn out_of_range(&self, bound: Bound, limit: &str) -> (String, Option<String>) {
        let Refused { shown, place, .. } = self;
        if let Some(ty) = self.declared("x-odata-type") {
            return (format!("{shown} at {place} is out of range for {ty}"), None);
        }
        let how = match bound {
            Bound::AtLeast => "is less than the minimum",
            Bound::AtMost => "is greater than the maximum",
            Bound::Above => "must be greater than",
            Bound::Below => "must be less than",
        };
        (format!("{shown} at {place} {how} {limit}"), None)
    }

    /// The message and hint for what `constraint` refused.
    fn words(&self, constraint: &Constraint) -> (String, Option<String>) {
        let Refused { shown, place, .. } = self;
        let counted = |bound: Bound, limit: u64, what: &str| {
            let fewer = matches!(bound, Bound::AtLeast | Bound::Above);
            let side = if fewer { "fewer" } else { "more" };
            format!("{place} has {side} than {limit} {what}")
        };
        let message = match constraint {
            Constraint::Members(options) => return self.not_a_member(options),
            Constraint::Format(format) => return self.bad_format(format),
            Constraint::Pattern(pattern) => return self.no_match(pattern),
            Constraint::Range { bound, limit } => return self.out_of_range(*bound, limit),
            Constraint::Length { bound, limit } => {
                let side = if matches!(bound, Bound::AtLeast | Bound::Above) {
                    "shorter"
                } else {
                    "longer"
                };
                let unit = if *limit == 1 { "character" } else { "characters" };
                format!("{shown} at {place} is {side} than {limit} {unit}")
            }
            Constraint::Items { bound, limit } => counted(*bound, *limit, "items"),
            Constraint::Properties { bound, limit } => counted(*bound, *limit, "properties"),
            Constraint::Constant(value) => format!("{shown} at {place} must be `{value}`"),
            Constraint::MultipleOf(n) => format!("{shown} at {place} is not a multiple of {n}"),
            Constraint::UniqueItems => format!("{place} holds the same item more than once"),
            Constraint::Nothing => "no value is allowed here".to_string(),
            Constraint::Keyword(k) => {
                format!("{shown} at {place} is not allowed by the schema's `{k}`")
            }
        };
        (message, None)
    }
}

/// The member `found` most likely meant: the same but for case, else one within a small edit
/// distance.
fn nearest_member<'o>(found: &str, options: &'o [String]) -> Option<&'o str> {
    if let Some(same) = options.iter().find(|o| o.eq_ignore_ascii_case(found)) {
        return Some(same);
    }
    options
        .iter()
        .map(|o| {
            (
                strsim::levenshtein(&found.to_ascii_lowercase(), &o.to_ascii_lowercase()),
                o,
            )
        })
        .filter(|(d, o)| *d <= 2.max(o.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::subject::testing::with_subject;

    fn message(body: &str, pointer: &str, constraint: Constraint) -> (String, Option<String>) {
        with_subject(body, None, |s| {
            let d = find(s, &JsonPointer::parse(pointer).unwrap(), &constraint);
            (d.message, d.hint)
        })
    }

    #[test]
    fn each_constraint_is_worded_by_paylint_not_by_the_validator() {
        let members = Constraint::Members(vec!["red".into(), "green".into()]);
        assert_eq!(
            message(r#"{"c": "gren"}"#, "/c", members.clone()),
            ("`gren` is not a member at `/c`".into(), Some("did you mean `green`?".into()))
        );
        assert_eq!(
            message(r#"{"c": "blue"}"#, "/c", members).1.as_deref(),
            Some("members: `red`, `green`")
        );
        let length = Constraint::Length {
            bound: Bound::AtMost,
            limit: 1,
        };
        assert_eq!(
            message(r#"{"n": "xy"}"#, "/n", length).0,
            "`xy` at `/n` is longer than 1 character"
        );
        let range = Constraint::Range {
            bound: Bound::AtLeast,
            limit: "1".into(),
        };
        assert_eq!(
            message(r#"{"n": 0}"#, "/n", range).0,
            "`0` at `/n` is less than the minimum 1"
        );
        assert_eq!(
            message(r#"{"c": "ab"}"#, "/c", Constraint::Pattern("^[A-Z]{3}$".into())).0,
            "`ab` at `/c` does not match the pattern `^[A-Z]{3}$`"
        );
        assert_eq!(
            message(r#"{"id": "x"}"#, "/id", Constraint::Format("uuid".into())).0,
            "`x` at `/id` is not a valid `uuid`"
        );
        let items = Constraint::Items {
            bound: Bound::AtLeast,
            limit: 2,
        };
        assert_eq!(message(r#"{"t": [1]}"#, "/t", items).0, "`/t` has fewer than 2 items");
        assert_eq!(
            message(r#"{"o": 1}"#, "/o", Constraint::Keyword("not".into())).0,
            "`1` at `/o` is not allowed by the schema's `not`"
        );
        assert_eq!(message("{}", "", Constraint::Nothing).0, "no value is allowed here");
    }

    #[test]
    fn a_misspelled_member_is_found_by_case_or_a_small_edit() {
        let options = ["red".to_string(), "green".to_string()];
        assert_eq!(nearest_member("RED", &options), Some("red"));
        assert_eq!(nearest_member("gren", &options), Some("green"));
        assert_eq!(nearest_member("blue", &options), None);
    }
}
