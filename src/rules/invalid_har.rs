//! `invalid-har`: a HAR capture does not have the shape HAR 1.2 gives it.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::input::problem::{HarProblem, HarValue};
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidHar,
    severity: Severity::Error,
    summary: "A HAR capture is malformed.",
    explanation: "A HAR 1.2 file is `{\"log\": {\"entries\": [...]}}`; each entry has a request \
(method, url, headers, postData.text) and a response (status, headers, content.text, with \
`\"encoding\": \"base64\"` when the text is base64). A missing or mistyped field, or content that \
is not valid base64, is reported at its place and the other entries are still checked.",
    reports: "a HAR capture lacks `log.entries`, has a mistyped field, or bad base64 content",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "capture.har",
            r#"{"log": {"entries": [{"request": {"method": "PATCH", "url": "/provisioningPolicies/p1/assignments/a1", "postData": {"mimeType": "application/json", "encoding": "base64", "text": "%%%"}}, "response": {"status": 0}}]}}"#,
        )
        .showing(r#""encoding": "base64", "text": "%%%""#),
        good: Example::file(
            "capture.har",
            r#"{"log": {"entries": [{"request": {"method": "PATCH", "url": "/provisioningPolicies/p1/assignments/a1", "postData": {"mimeType": "application/json", "encoding": "base64", "text": "eyJncm91cElkIjogImcifQ=="}}, "response": {"status": 0}}]}}"#,
        )
        .showing(r#""encoding": "base64", "text": "eyJncm91cElkIjogImcifQ==""#),
        schemas: &[],
        metadata: None,
    }),
};

const SHAPE: &str = "a HAR file is `{\"log\": {\"entries\": [...]}}`";
const BASE64_HINT: &str =
    "store the body as base64 of UTF-8 text, or as plain text without `encoding`";

pub fn diagnose(at: Span, pointer: &JsonPointer, problem: &HarProblem) -> Finding {
    let (message, hint) = wording(problem);
    let d = INFO.finding(at, pointer.clone(), message);
    match hint {
        Some(hint) => d.with_hint(hint),
        None => d,
    }
}

fn wording(problem: &HarProblem) -> (String, Option<&'static str>) {
    let message = match problem {
        HarProblem::NotAnObject { found } => format!("{SHAPE}, not {found}"),
        HarProblem::NoLog => format!("no `log` object: {SHAPE}"),
        HarProblem::LogNotAnObject { found } => format!("`log` must be an object, not {found}"),
        HarProblem::NoEntries => format!("`log` has no `entries` array: {SHAPE}"),
        HarProblem::EntriesNotAnArray { found } => {
            format!("`entries` must be an array of entries, not {found}")
        }
        HarProblem::EntryNotAnObject { found } => {
            format!("an entry must be an object with `request` and `response`, not {found}")
        }
        HarProblem::NoRequest => "the entry has no `request`".to_string(),
        HarProblem::NoResponse => {
            return (
                "the entry has no `response`".to_string(),
                Some("a HAR 1.2 entry has a response; status 0 means none came"),
            )
        }
        HarProblem::NoStatus => "`response` has no `status`".to_string(),
        HarProblem::BadStatus { number } => format!(
            "`status` must be an HTTP status from 100 to 599 (or 0 for no response), not {number}"
        ),
        HarProblem::Missing { parent, key } => format!("`{parent}` has no `{key}`"),
        HarProblem::Empty { key } => format!("`{key}` is empty"),
        HarProblem::Mistyped {
            key,
            expected,
            found,
        } => format!("`{key}` must be {}, not {found}", expected_value(*expected)),
        HarProblem::BadHeader => {
            "a header must be an object with a string `name` and a string `value`".to_string()
        }
        HarProblem::NotBase64 => {
            return (
                "`text` is not valid base64, but `encoding` says \"base64\"".to_string(),
                Some(BASE64_HINT),
            )
        }
        HarProblem::DecodedNotUtf8 { offset } => {
            return (
                format!(
                    "`text` decodes to bytes that are not UTF-8 text (invalid byte at offset \
                     {offset} of the decoded body)"
                ),
                Some(BASE64_HINT),
            )
        }
        HarProblem::UnknownEncoding { encoding } => {
            format!("unknown `encoding` `{encoding}`: paylint reads plain text and \"base64\"")
        }
    };
    (message, None)
}

fn expected_value(value: HarValue) -> &'static str {
    match value {
        HarValue::Object => "an object",
        HarValue::String => "a string",
        HarValue::Number => "a number",
        HarValue::Headers => "an array of {\"name\": …, \"value\": …} objects",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_problems_say_so_and_how_to_store_the_body() {
        let at = Span::new(0, 1);
        let p = JsonPointer::root();
        let d = diagnose(at, &p, &HarProblem::NotBase64);
        assert!(d.message.contains("base64"), "{}", d.message);
        assert_eq!(d.hint.as_deref(), Some(BASE64_HINT));
        let d = diagnose(at, &p, &HarProblem::DecodedNotUtf8 { offset: 0 });
        assert!(d.message.contains("UTF-8"), "{}", d.message);
        assert!(d.message.contains("offset 0"), "{}", d.message);
    }

    #[test]
    fn a_mistyped_field_names_what_it_must_be_and_what_it_is() {
        let problem = HarProblem::Mistyped {
            key: "status".into(),
            expected: HarValue::Number,
            found: "a string",
        };
        let d = diagnose(Span::new(0, 1), &JsonPointer::root(), &problem);
        assert_eq!(d.message, "`status` must be a number, not a string");
        assert_eq!(d.rule, Rule::InvalidHar);
        assert!(d.hint.is_none());
    }
}
