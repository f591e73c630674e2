//! `unchecked-body`: a JSON body with no type to check it against: its exchange carries a
//! stream (a `$value`, a stream property, a function returning `Edm.Stream`), or a body the
//! metadata leaves open (a `202 Accepted`, a redirect).

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UncheckedBody,
    severity: Severity::Warning,
    summary: "A JSON body was not checked: its exchange carries a stream, or a body the metadata leaves open.",
    explanation: "Some exchanges carry raw content, not JSON of a type: a media resource's or a \
stream property's content, `$value`, an action or function that returns `Edm.Stream`. A JSON body \
there has no type to be checked against, so it is not; this warning says so, once per body, so \
that no example goes unchecked in silence. Often the content is JSON by design (a file uploaded \
as it is); sometimes the example shows what the URL does not return (the entity, where the URL \
addresses its stream), or the metadata is wrong. A body that is not JSON, and not labelled JSON by \
its Content-Type, is not reported. So, too, is a body where the metadata says nothing of one: a \
`202 Accepted` or a redirect answering an operation, whose body the protocol leaves to the \
service.",
    reports: "a JSON body where the exchange carries a stream, or a body the metadata leaves open (not checked)",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "exchange.http",
            "GET /widgets/w1/photo\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"w1\"}\n",
        )
        .showing("HTTP/1.1 200 OK"),
        good: Example::file(
            "exchange.http",
            "GET /widgets/w1\n\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"w1\"}\n",
        )
        .showing("GET /widgets/w1"),
        schemas: &[],
        metadata: Some(METADATA),
    }),
};

/// A service with one entity set, `widgets`, whose widgets have a stream property, `photo`.
const METADATA: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="example" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="widget"><Key><PropertyRef Name="id"/></Key>
<Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="photo" Type="Edm.Stream"/></EntityType>
<EntityContainer Name="service"><EntitySet Name="widgets" EntityType="example.widget"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;

/// `what` names the message: "a 200 response to `GET /widgets/w1/photo`", "the request `PUT
/// /widgets/w1/photo`".
pub fn stream(at: Span, what: &str) -> Finding {
    INFO.finding(
        at,
        JsonPointer::root(),
        format!(
            "{what} carries a stream by the metadata, not JSON of a type: this JSON body was not checked"
        ),
    )
    .with_hint(
        "nothing to do if the content is JSON by design; if the example means the entity or its \
         properties, drop the stream segment (`/$value`, the stream property) from the URL",
    )
}

/// `what` names the message whose body the metadata leaves open: "a 202 response to `POST
/// /widgets/w1/ship`".
pub fn undescribed(at: Span, what: &str) -> Finding {
    INFO.finding(
        at,
        JsonPointer::root(),
        format!("the metadata does not say what {what} carries: this body was not checked"),
    )
    .with_hint(
        "nothing to do if the service documents the body elsewhere (a 202's status monitor, a \
         redirect); a success status the operation returns (200, 201) is checked",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_exchange() {
        let d = stream(Span::new(0, 1), "a 200 response to `GET /widgets/w1/photo`");
        assert_eq!(
            d.message,
            "a 200 response to `GET /widgets/w1/photo` carries a stream by the metadata, not JSON of a type: this JSON body was not checked"
        );
        assert_eq!(d.severity, Severity::Warning);
        let d = undescribed(Span::new(0, 1), "a 202 response to `POST /widgets/w1/ship`");
        assert_eq!(
            d.message,
            "the metadata does not say what a 202 response to `POST /widgets/w1/ship` carries: this body was not checked"
        );
    }
}
