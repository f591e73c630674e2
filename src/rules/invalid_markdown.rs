//! `invalid-markdown`: an example annotation in an API doc cannot be read.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::input::problem::MarkdownProblem;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidMarkdown,
    severity: Severity::Error,
    summary: "An example annotation or fence in an API doc is malformed.",
    explanation: "Microsoft Graph docs mark each example with an HTML comment holding JSON, \
`<!-- { \"blockType\": \"request\", \"name\": \"...\" } -->`, directly before a fenced ```http \
or ```json block. An annotation whose JSON does not parse, an unknown blockType, or an annotated \
fence that is never closed means the example is not checked as intended. So, as warnings, does \
a JSON body with no annotation (and no message right before it whose body it is) in a doc that \
annotates its examples, and an `http` block there that holds a body but no message: neither is \
checked. A JSON fragment (`\"name\": value`), a header or a URL alone in a fence illustrates, and \
is not reported.",
    reports: "an example annotation is not valid JSON, its fence is never closed, or an example is left unchecked",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "doc.md",
            "<!-- { \"blockType\": \"request\", } -->\n```http\nPATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n```\n",
        )
        .showing("<!-- { \"blockType\": \"request\", } -->"),
        good: Example::file(
            "doc.md",
            "<!-- { \"blockType\": \"request\" } -->\n```http\nPATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n```\n",
        )
        .showing("<!-- { \"blockType\": \"request\" } -->"),
        schemas: &[],
        metadata: None,
    }),
};

const ANNOTATION_HINT: &str =
    "write the annotation as a JSON object: <!-- { \"blockType\": \"request\", \"name\": \"...\" } -->";

pub fn diagnose(at: Span, problem: &MarkdownProblem) -> Finding {
    let (message, hint) = match problem {
        MarkdownProblem::UnclosedAnnotation => (
            "this example annotation's comment is never closed: the rest of the doc is hidden in it"
                .to_string(),
            "end the annotation with `-->`",
        ),
        MarkdownProblem::AnnotationNotJson { message } => (
            format!("the example annotation is not valid JSON: {message}"),
            ANNOTATION_HINT,
        ),
        MarkdownProblem::BlockTypeNotAString => (
            "`blockType` must be a string such as \"request\", \"response\" or \"ignored\""
                .to_string(),
            ANNOTATION_HINT,
        ),
        MarkdownProblem::UnclosedFence { direction } => (
            format!("this {direction} example's fence is never closed"),
            "close the block with a line holding the same fence (```)",
        ),
        MarkdownProblem::AnnotationLenient { what } => (
            format!("the example annotation is not valid JSON: it has {what}"),
            "apidoctor reads it anyway; write it as plain JSON",
        ),
        MarkdownProblem::ResponseHoldsRequest => (
            "this `response` example holds a request".to_string(),
            "put the response here, or mark the block `\"blockType\": \"request\"`",
        ),
        MarkdownProblem::UnannotatedJson => (
            "this JSON block has no example annotation, so it is not checked: nothing says \
             whether it is a request, a response or a resource"
                .to_string(),
            "put `<!-- { \"blockType\": \"request\" } -->` (or `response`, or `example` with an \
             `@odata.type`) on the line before it, or `<!-- { \"blockType\": \"ignored\" } -->` if \
             it is not an example",
        ),
        MarkdownProblem::NoHttpMessage => (
            "this `http` block holds a body but no HTTP message, so it is not checked: it does \
             not start with a request line or a status line"
                .to_string(),
            "put the request line (`POST /me/events`) or status line (`HTTP/1.1 200 OK`), its \
             headers and a blank line before the body",
        ),
    };
    let mut d = INFO.finding(at, JsonPointer::root(), message).with_hint(hint);
    // What the docs' own tool reads is at most a warning, and so is an example left unchecked.
    if let MarkdownProblem::AnnotationLenient { .. }
    | MarkdownProblem::UnannotatedJson
    | MarkdownProblem::NoHttpMessage = problem
    {
        d.severity = crate::rule::Severity::Warning;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::direction::Direction;

    #[test]
    fn each_problem_has_its_words() {
        let at = Span::new(0, 1);
        let d = diagnose(at, &MarkdownProblem::AnnotationNotJson {
            message: "expected a JSON value".into(),
        });
        assert_eq!(
            d.message,
            "the example annotation is not valid JSON: expected a JSON value"
        );
        assert_eq!(d.hint.as_deref(), Some(ANNOTATION_HINT));
        let d = diagnose(at, &MarkdownProblem::UnclosedFence {
            direction: Direction::Response,
        });
        assert_eq!(d.message, "this response example's fence is never closed");
        let d = diagnose(at, &MarkdownProblem::UnclosedAnnotation);
        assert_eq!(d.hint.as_deref(), Some("end the annotation with `-->`"));
        // An example left unchecked is a warning, and says how to have it checked.
        for problem in [MarkdownProblem::UnannotatedJson, MarkdownProblem::NoHttpMessage] {
            let d = diagnose(at, &problem);
            assert_eq!(d.severity, Severity::Warning, "{problem:?}");
            assert!(d.message.contains("so it is not checked"), "{}", d.message);
        }
        assert_eq!(
            diagnose(at, &MarkdownProblem::ResponseHoldsRequest).severity,
            Severity::Error
        );
    }
}
