//! `omitted-property`: a type's declaration in docs (a resource page's JSON representation)
//! leaves out a structural property the metadata declares.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::OmittedProperty,
    severity: Severity::Warning,
    summary:
        "A resource's documented JSON representation leaves out a property the metadata declares.",
    explanation: "A resource page's JSON block (`\"blockType\": \"resource\"`) is the type's \
declaration: readers and SDK writers take it as the list of the type's properties. A structural \
property the metadata declares but the block omits is undocumented. List it with a placeholder \
value (`\"String\"`, `\"String (timestamp)\"`), or name it in the annotation's \
`optionalProperties` when leaving it out is deliberate.",
    reports: "a resource block (`\"blockType\": \"resource\"`) leaves out a structural property the metadata declares",
    fix: Fixes::DiffOnly,
    examples: Some(Examples {
        bad: Example::file("resource.md", OMITS).showing("{ \"id\": \"String (identifier)\" }"),
        good: Example::file("resource.md", LISTS)
            .showing("{ \"id\": \"String (identifier)\", \"groupId\": \"String\" }"),
        schemas: &[],
        metadata: Some(METADATA),
    }),
};

/// A resource block of the seed resource that leaves out `groupId` (what the examples need: the
/// model comes from the examples' `--metadata`).
const OMITS: &str = "<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.ProvisionPolicyAssignmentItem\" } -->\n```json\n{ \"id\": \"String (identifier)\" }\n```\n";
/// The seed resource as OData metadata.
const METADATA: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="ProvisionPolicyAssignmentItem"><Key><PropertyRef Name="id"/></Key>
<Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="groupId" Type="Edm.String"/></EntityType>
</Schema></edmx:DataServices></edmx:Edmx>"#;
const LISTS: &str = "<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.ProvisionPolicyAssignmentItem\" } -->\n```json\n{ \"id\": \"String (identifier)\", \"groupId\": \"String\" }\n```\n";

/// `object` is the declaration's `{`; `edm_type` the property's type (`Edm.String`).
pub fn diagnose(
    object: Span,
    object_pointer: &JsonPointer,
    property: &str,
    edm_type: &str,
    owner: &str,
    placeholder: String,
) -> Finding {
    INFO.finding(
        Span::new(object.start, object.start + 1),
        object_pointer.child(property),
        format!("the declaration of `{owner}` omits `{property}` ({edm_type}), which the metadata declares"),
    )
    .with_hint(format!(
        "add `\"{property}\": {placeholder}`, or list `{property}` in the annotation's `optionalProperties`"
    ))
    .with_fix(
        Safety::Unsafe,
        FixAction::InsertMember {
            object: object_pointer.clone(),
            key: property.to_string(),
            value_json: placeholder,
        },
    )
}
