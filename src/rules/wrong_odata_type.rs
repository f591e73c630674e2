//! `wrong-odata-type`: `@odata.type` does not name the resource the body is checked as.

use super::info::{Example, Examples, Fixes, RuleInfo};
use super::subject::{Subject, list};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::{Kind, Member};
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::WrongOdataType,
    severity: Severity::Error,
    summary: "`@odata.type` is not the type the operation expects.",
    explanation: "OData type names are case-sensitive and start with `#` followed by the \
namespace-qualified name (`#microsoft.graph.ProvisionPolicyAssignmentItem`). Services reject or \
misroute bodies whose type is misspelled, lacks the `#`, names another namespace or type, or is \
not a string. Case slips and a missing `#` are fixed safely.",
    reports: "`@odata.type` differs in case, lacks `#`, names another namespace or type, or is not a string",
    fix: Fixes::SafeOrDiff,
    examples: Some(Examples {
        bad: Example::body(
            r##"{"@odata.type": "#microsoft.graph.provisionPolicyAssignmentItem", "groupId": "g"}"##,
        ),
        good: Example::body(
            r##"{"@odata.type": "#microsoft.graph.ProvisionPolicyAssignmentItem", "groupId": "g"}"##,
        ),
        schemas: &[],
        metadata: None,
    }),
};

/// Why `wrong-odata-type` fires: the schema allows only the `expected` types at `pointer`
/// (an `@odata.type`), and the body has another value. The finding proposes the allowed type
/// nearest to what was written; inside the body (a property whose type may be a derived one)
/// a value naming another type is told which ones the property takes.
pub fn find(subject: &Subject<'_>, pointer: &JsonPointer, expected: &[String]) -> Option<Finding> {
    let member = subject.root.member(pointer)?;
    let nearest = nearest_type(&member.value.kind, expected)?;
    let d = diagnose(member, pointer, &nearest, &subject.resource().name);
    let inside = pointer
        .as_str()
        .strip_suffix("/@odata.type")
        .filter(|o| !o.is_empty());
    let Some(object) = inside else {
        return Some(d);
    };
    let other = matches!(
        classify(&member.value.kind, &nearest),
        Mismatch::OtherType | Mismatch::OtherNamespace
    );
    if !other {
        return Some(d);
    }
    let takes = list(&canonical(expected));
    Some(d.with_hint(format!("`{object}` takes one of {takes}")))
}

/// Of the allowed `@odata.type` values, the one closest to what was found (so the hint and the
/// fix propose the likely intended type).
fn nearest_type(found: &Kind, expected: &[String]) -> Option<String> {
    let (Kind::String(found), [_, _, ..]) = (found, expected) else {
        return expected.first().cloned();
    };
    let bare = found.trim_start_matches('#').to_ascii_lowercase();
    expected
        .iter()
        .min_by_key(|e| strsim::levenshtein(&bare, &e.trim_start_matches('#').to_ascii_lowercase()))
        .cloned()
}

/// Type names without their alias-qualified twins (`#graph.x` beside `#microsoft.graph.x`).
fn canonical(names: &[String]) -> Vec<String> {
    let last = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    names
        .iter()
        .filter(|n| {
            !names
                .iter()
                .any(|m| m.len() > n.len() && last(m) == last(n))
        })
        .cloned()
        .collect()
}

/// How a found `@odata.type` relates to the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    CaseOnly,
    MissingHash,
    MissingHashAndCase,
    OtherNamespace,
    OtherType,
    NotAString,
}

pub fn classify(found: &Kind, expected: &str) -> Mismatch {
    let Kind::String(found) = found else {
        return Mismatch::NotAString;
    };
    let exp_bare = expected.trim_start_matches('#');
    let has_hash = found.starts_with('#');
    let bare = found.trim_start_matches('#');
    if bare == exp_bare && !has_hash {
        return Mismatch::MissingHash;
    }
    if bare.eq_ignore_ascii_case(exp_bare) {
        return if has_hash {
            Mismatch::CaseOnly
        } else {
            Mismatch::MissingHashAndCase
        };
    }
    let (exp_ns, exp_name) = split_qualified(exp_bare);
    let (ns, name) = split_qualified(bare);
    if name.eq_ignore_ascii_case(exp_name) && !ns.eq_ignore_ascii_case(exp_ns) {
        Mismatch::OtherNamespace
    } else {
        Mismatch::OtherType
    }
}

fn split_qualified(name: &str) -> (&str, &str) {
    name.rsplit_once('.').unwrap_or(("", name))
}

pub fn diagnose(member: &Member, pointer: &JsonPointer, expected: &str, resource: &str) -> Finding {
    let mismatch = classify(&member.value.kind, expected);
    let found = match &member.value.kind {
        Kind::String(s) => format!("`{s}`"),
        _ => member.value.type_name().to_string(),
    };
    let message = format!("`@odata.type` is {found}, expected `{expected}`");
    let hint = match mismatch {
        Mismatch::CaseOnly => "it differs only in case; OData type names are case-sensitive".to_string(),
        Mismatch::MissingHash => "an `@odata.type` value starts with `#`".to_string(),
        Mismatch::MissingHashAndCase => {
            "it lacks the leading `#` and differs in case; OData type names are case-sensitive".to_string()
        }
        Mismatch::OtherNamespace => {
            let (exp_ns, _) = split_qualified(expected.trim_start_matches('#'));
            format!("the type name is right but the namespace is not: {resource} lives in `{exp_ns}`")
        }
        Mismatch::OtherType => format!(
            "that names another type; this body is checked as {resource} (pass --resource to choose another)"
        ),
        Mismatch::NotAString => "`@odata.type` must be a string such as `#namespace.TypeName`".to_string(),
    };
    let safety = match mismatch {
        Mismatch::CaseOnly | Mismatch::MissingHash | Mismatch::MissingHashAndCase => Safety::Safe,
        _ => Safety::Unsafe,
    };
    INFO.finding(member.key_span, pointer.clone(), message)
        .with_hint(hint)
        .with_fix(
            safety,
            FixAction::ReplaceValue {
                span: member.value.span,
                new_json: serde_json::to_string(expected).expect("strings serialize"),
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::subject::testing::with_subject;

    #[test]
    fn the_nearest_allowed_type_is_proposed_and_a_case_slip_is_a_safe_fix() {
        let body = r##"{"@odata.type": "#microsoft.graph.provisionpolicyassignmentitem"}"##;
        with_subject(body, None, |s| {
            let pointer = JsonPointer::root().child("@odata.type");
            let expected = [T.to_string(), "#microsoft.graph.group".to_string()];
            let d = find(s, &pointer, &expected).unwrap();
            assert_eq!(
                d.message,
                format!("`@odata.type` is `#microsoft.graph.provisionpolicyassignmentitem`, expected `{T}`")
            );
            assert_eq!(d.fix.unwrap().safety, Safety::Safe);
        });
    }
    const T: &str = "#microsoft.graph.ProvisionPolicyAssignmentItem";

    fn s(v: &str) -> Kind {
        Kind::String(v.into())
    }

    #[test]
    fn classifies_each_kind_of_mistake() {
        assert_eq!(
            classify(&s("#microsoft.graph.provisionPolicyAssignmentItem"), T),
            Mismatch::CaseOnly
        );
        assert_eq!(
            classify(&s("microsoft.graph.ProvisionPolicyAssignmentItem"), T),
            Mismatch::MissingHash
        );
        assert_eq!(
            classify(&s("microsoft.graph.provisionpolicyassignmentitem"), T),
            Mismatch::MissingHashAndCase
        );
        assert_eq!(
            classify(&s("#microsoft.intune.ProvisionPolicyAssignmentItem"), T),
            Mismatch::OtherNamespace
        );
        assert_eq!(
            classify(&s("#microsoft.graph.group"), T),
            Mismatch::OtherType
        );
        assert_eq!(classify(&Kind::Null, T), Mismatch::NotAString);
        assert_eq!(classify(&Kind::Bool(true), T), Mismatch::NotAString);
    }
}
