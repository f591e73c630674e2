//! `unexpected-body`: a message has a body where its exchange carries none (a `204 No Content`
//! response, a `GET` request, the answer to a `$ref` request).

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnexpectedBody,
    severity: Severity::Warning,
    summary: "The message has a body where its exchange carries none.",
    explanation: "Some messages have no body by HTTP or OData: a `204 No Content` or `304` \
response, a `GET` or `DELETE` request, the answer to adding or removing a reference (`$ref`), a \
status the catalog documents as bodiless (`\"204\": null`). A body there is ignored by the \
service, or shows that the example pairs the wrong request and response. The body is not checked \
against a resource.",
    reports: "a body where the exchange has none (a 204 response, a GET request, a status the catalog documents as `null`)",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "exchange.http",
            "PATCH /widgets/w1\nContent-Type: application/json\n\n{\"name\": \"gear\"}\n\nHTTP/1.1 204 No Content\nContent-Type: application/json\n\n{\"id\": \"w1\"}\n",
        )
        .showing("{\"id\": \"w1\"}"),
        good: Example::file(
            "exchange.http",
            "PATCH /widgets/w1\nContent-Type: application/json\n\n{\"name\": \"gear\"}\n\nHTTP/1.1 204 No Content\n",
        )
        .showing("HTTP/1.1 204 No Content"),
        schemas: &[],
        metadata: Some(METADATA),
    }),
};

/// A service with one entity set, `widgets` (the examples' `--metadata`).
const METADATA: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="example" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="widget"><Key><PropertyRef Name="id"/></Key>
<Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="name" Type="Edm.String"/></EntityType>
<EntityContainer Name="service"><EntitySet Name="widgets" EntityType="example.widget"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#;

/// `what` names the message that carries no body: "a 204 response to `PATCH /widgets/w1`",
/// "the request `DELETE /widgets/w1`".
pub fn diagnose(at: Span, what: &str) -> Finding {
    INFO.finding(
        at,
        JsonPointer::root(),
        format!("{what} carries no body, but this message has one; it was not checked against a resource"),
    )
    .with_hint("remove the body, or check that the example's request and status go together")
}
