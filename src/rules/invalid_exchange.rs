//! `invalid-exchange`: an NDJSON exchange object has a field of the wrong kind.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::input::problem::{ExchangeProblem, ExchangeValue};
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidExchange,
    severity: Severity::Error,
    summary: "An NDJSON exchange object is malformed.",
    explanation: "An exchange object describes one message: `method` and `url` (strings), \
`status` (an integer from 100 to 599), `headers` (an object of strings, or a HAR-style array of \
{name, value}), `body` (the JSON body, or a string holding it), optionally `direction` \
(\"request\" or \"response\") and `truncated` (a boolean). A field of another kind cannot be used.",
    reports: "an NDJSON exchange object has a field of the wrong kind",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file("lines.ndjson", r#"{"method": 1, "url": "/x"}"#),
        good: Example::file(
            "lines.ndjson",
            r#"{"method": "PATCH", "url": "/provisioningPolicies/p1/assignments/a1", "body": {"groupId": "g"}}"#,
        ),
        schemas: &[],
        metadata: None,
    }),
};

pub fn diagnose(at: Span, pointer: &JsonPointer, problem: &ExchangeProblem) -> Finding {
    let expected = match problem.expected {
        ExchangeValue::String => "a string",
        ExchangeValue::Status => "an HTTP status from 100 to 599",
        ExchangeValue::HeaderObject => "an object of strings",
        ExchangeValue::HeaderArray => "an array of {\"name\": …, \"value\": …} strings",
        ExchangeValue::Direction => "\"request\" or \"response\"",
        ExchangeValue::Boolean => "true or false",
    };
    let message = format!("`{}` must be {expected}", problem.field);
    INFO.finding(at, pointer.clone(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_says_what_it_must_be() {
        let at = |field: &str, expected| {
            let problem = ExchangeProblem {
                field: field.to_string(),
                expected,
            };
            diagnose(Span::new(0, 1), &JsonPointer::root().child(field), &problem).message
        };
        assert_eq!(at("method", ExchangeValue::String), "`method` must be a string");
        assert_eq!(
            at("status", ExchangeValue::Status),
            "`status` must be an HTTP status from 100 to 599"
        );
        assert_eq!(
            at("direction", ExchangeValue::Direction),
            "`direction` must be \"request\" or \"response\""
        );
        assert_eq!(at("truncated", ExchangeValue::Boolean), "`truncated` must be true or false");
    }
}
