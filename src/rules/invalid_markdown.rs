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
fence that is never closed means the example is not checked as intended.",
    reports: "an example annotation is not valid JSON, or its fence is never closed",
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
    };
    let mut d = INFO.finding(at, JsonPointer::root(), message).with_hint(hint);
    // What the docs' own tool reads is at most a warning.
    if let MarkdownProblem::AnnotationLenient { .. } = problem {
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
    }
}
