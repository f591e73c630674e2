//! The body checker against an OData model, in-process: each precision rule of the OData JSON
//! format fires where it should and stays silent where the service accepts the body.

use paylint::check::edm::{self, EdmTarget};
use paylint::diagnostic::Finding;
use paylint::direction::Direction;
use paylint::json;
use paylint::odata::build::Options;
use paylint::odata::exchange::{Expect, Purpose};
use paylint::odata::{cache, Model};
use paylint::rule::Severity;
use std::path::Path;
use std::sync::OnceLock;

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color"><Member Name="red"/><Member Name="darkBlue"/></EnumType>
      <EnumType Name="days" IsFlags="true"><Member Name="monday"/><Member Name="tuesday"/></EnumType>
      <ComplexType Name="Json"/>
      <ComplexType Name="dictionary" OpenType="true"/>
      <ComplexType Name="address">
        <Property Name="city" Type="Edm.String"/>
        <Property Name="street" Type="Edm.String" Nullable="false"/>
      </ComplexType>
      <ComplexType Name="target" Abstract="true"/>
      <ComplexType Name="groupTarget" BaseType="graph.target"><Property Name="groupId" Type="Edm.Guid"/></ComplexType>
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="place" BaseType="graph.entity">
        <Property Name="displayName" Type="Edm.String"/>
        <Property Name="created" Type="Edm.DateTimeOffset">
          <Annotation Term="Org.OData.Core.V1.Computed" Bool="true"/>
        </Property>
        <Property Name="code" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Immutable" Bool="true"/>
        </Property>
        <Property Name="capacity" Type="Edm.Int32"/>
        <Property Name="color" Type="graph.color"/>
        <Property Name="days" Type="graph.days"/>
        <Property Name="address" Type="graph.address"/>
        <Property Name="tags" Type="Collection(Edm.String)" Nullable="false"/>
        <Property Name="settings" Type="graph.Json"/>
        <Property Name="extra" Type="graph.dictionary"/>
        <Property Name="target" Type="graph.target"/>
        <Property Name="teamsAppId" Type="Edm.String"/>
        <NavigationProperty Name="teamsApp" Type="graph.place"/>
        <NavigationProperty Name="members" Type="Collection(graph.place)"/>
      </EntityType>
      <EntityType Name="room" BaseType="graph.place">
        <Property Name="seats" Type="Edm.Int32"/>
      </EntityType>
      <EntityType Name="building" BaseType="graph.entity"/>
      <Action Name="book" IsBound="true">
        <Parameter Name="bindingParameter" Type="graph.place"/>
        <Parameter Name="when" Type="Edm.DateTimeOffset" Nullable="false"/>
        <Parameter Name="note" Type="Edm.String"/>
      </Action>
      <EntityContainer Name="svc">
        <EntitySet Name="places" EntityType="graph.place"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        cache::compile(Path::new("t.xml"), CSDL, &Options::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .model
    })
}

fn ty(name: &str) -> u32 {
    model().structured(name).unwrap()
}

fn run(body: &str, expect: Expect, direction: Option<Direction>) -> Vec<Finding> {
    run_on(model(), body, expect, direction)
}

fn run_on(model: &Model, body: &str, expect: Expect, direction: Option<Direction>) -> Vec<Finding> {
    let doc = json::parse(body).unwrap();
    let target = EdmTarget {
        model,
        expect,
        direction,
        truncated: false,
        select: None,
        optional: Vec::new(),
    };
    let mut out = Vec::new();
    edm::check(&doc.root, &target, &mut out);
    out
}

fn place(purpose: Purpose) -> Expect {
    Expect::Structured {
        ty: ty("microsoft.graph.place"),
        collection: false,
        purpose,
    }
}

/// `rule pointer (severity)` per finding.
fn findings(body: &str, expect: Expect, direction: Option<Direction>) -> Vec<String> {
    run(body, expect, direction)
        .iter()
        .map(|d| {
            format!(
                "{} {}{}",
                d.rule,
                d.pointer,
                if d.severity == Severity::Warning {
                    " (warning)"
                } else {
                    ""
                }
            )
        })
        .collect()
}

fn request(body: &str, purpose: Purpose) -> Vec<String> {
    findings(body, place(purpose), Some(Direction::Request))
}

fn response(body: &str) -> Vec<String> {
    findings(body, place(Purpose::Read), Some(Direction::Response))
}

#[test]
fn a_type_or_enum_the_cache_could_not_read_back_accepts_any_value() {
    use paylint::odata::model::{EnumType, StructuredType};
    use paylint::odata::table::Item;
    let body = r#"{"color": "purple", "address": {"town": 1}}"#;
    let rules = |m: &Model| -> Vec<String> {
        run_on(m, body, place(Purpose::Update), Some(Direction::Request))
            .iter()
            .map(|d| format!("{} {}", d.rule, d.pointer))
            .collect()
    };
    assert_eq!(
        rules(model()),
        ["invalid-value /color", "unknown-field /address/town"]
    );
    let mut m = model().clone();
    let color = m.enumeration("graph.color").unwrap() as usize;
    m.enums[color] = EnumType::unreadable("microsoft.graph.color");
    let address = m.structured("graph.address").unwrap() as usize;
    m.types[address] = StructuredType::unreadable("microsoft.graph.address");
    assert_eq!(rules(&m), Vec::<String>::new());
}

#[test]
fn a_valid_body_is_silent_in_both_directions() {
    let body = r##"{"@odata.type": "#microsoft.graph.place", "displayName": "A", "capacity": 3,
        "color": "darkBlue", "days": "monday,tuesday", "address": {"city": "x", "street": "y"},
        "tags": ["a"], "settings": {"any": [1, {"thing": null}]}, "extra": {"free": 1},
        "target": {"@odata.type": "#microsoft.graph.groupTarget", "groupId": "01234567-89ab-cdef-0123-456789abcdef"},
        "members@odata.bind": ["https://x/places/1"], "@odata.etag": "W/\"1\"", "displayName@odata.type": "#String",
        "#microsoft.graph.book": {"target": "https://x/places/1/book"}}"##;
    assert_eq!(request(body, Purpose::Create), Vec::<String>::new());
    let with_id = body.replacen('{', "{\"id\": \"1\", ", 1);
    assert_eq!(response(&with_id), Vec::<String>::new());
}

#[test]
fn a_derived_type_named_in_odata_type_selects_it_with_or_without_hash() {
    assert_eq!(
        response(r##"{"id": "1", "@odata.type": "#microsoft.graph.room", "seats": 4}"##),
        Vec::<String>::new()
    );
    // No `#`: the service accepts it; one warning with a safe fix, and no cascade.
    let d = run(
        r#"{"id": "1", "@odata.type": "microsoft.graph.room", "seats": 4}"#,
        place(Purpose::Read),
        Some(Direction::Response),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule.to_string(), "wrong-odata-type");
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(d[0]
        .fix
        .as_ref()
        .is_some_and(|f| f.safety == paylint::diagnostic::Safety::Safe));
    // A type that is not derived from the route's: one error, nothing checked under it.
    assert_eq!(
        response(r##"{"id": "1", "@odata.type": "#microsoft.graph.building", "whatever": 1}"##),
        ["wrong-odata-type /@odata.type"]
    );
    // An abstract base without `@odata.type`.
    assert_eq!(
        response(r#"{"id": "1", "target": {}}"#),
        ["missing-required /target/@odata.type"]
    );
}

#[test]
fn unknown_fields_hint_and_never_rename_into_a_navigation_property() {
    let d = run(
        r#"{"displayname": "x"}"#,
        place(Purpose::Update),
        Some(Direction::Request),
    );
    assert_eq!(d.len(), 1);
    assert!(d[0].hint.as_deref().unwrap().contains("`displayName`"));
    assert!(d[0]
        .fix
        .as_ref()
        .is_some_and(|f| f.safety == paylint::diagnostic::Safety::Safe));
    // `teamApp` is near the navigation property `teamsApp`: no safe rename, a bind hint.
    let d = run(
        r#"{"teamApp": "x"}"#,
        place(Purpose::Update),
        Some(Direction::Request),
    );
    assert_eq!(d.len(), 1);
    assert!(
        d[0].hint
            .as_deref()
            .unwrap()
            .contains("teamsApp@odata.bind"),
        "{:?}",
        d[0].hint
    );
    assert!(d[0]
        .fix
        .as_ref()
        .is_some_and(|f| f.safety == paylint::diagnostic::Safety::Unsafe));
    // A property of a derived type without `@odata.type`.
    let d = run(
        r#"{"seats": 4}"#,
        place(Purpose::Update),
        Some(Direction::Request),
    );
    assert!(
        d[0].hint
            .as_deref()
            .unwrap()
            .contains("`microsoft.graph.room`"),
        "{:?}",
        d[0].hint
    );
    // Binding a navigation property that does not exist.
    assert_eq!(
        request(r#"{"memberz@odata.bind": []}"#, Purpose::Create),
        ["unknown-field /memberz@odata.bind"]
    );
}

#[test]
fn read_only_means_computed_or_immutable_on_update_or_a_key_on_update() {
    assert_eq!(
        request(r#"{"id": "1", "code": "c"}"#, Purpose::Create),
        Vec::<String>::new()
    );
    assert_eq!(
        request(r#"{"created": "2024-01-01T00:00:00Z"}"#, Purpose::Create),
        ["read-only-field /created (warning)"]
    );
    assert_eq!(
        request(r#"{"id": "1", "code": "c"}"#, Purpose::Update),
        [
            "read-only-field /id (warning)",
            "read-only-field /code (warning)"
        ]
    );
    // Responses carry them by design.
    assert_eq!(
        response(r#"{"id": "1", "created": "2024-01-01T00:00:00Z"}"#),
        Vec::<String>::new()
    );
}

#[test]
fn values_in_their_odata_forms() {
    for (body, want) in [
        (r#"{"capacity": "3"}"#, vec!["type-mismatch /capacity"]),
        (
            r#"{"capacity": 3000000000}"#,
            vec!["invalid-value /capacity"],
        ),
        (
            r#"{"created": "yesterday"}"#,
            vec![
                "invalid-value /created",
                "read-only-field /created (warning)",
            ],
        ),
        (r#"{"color": "green"}"#, vec!["invalid-value /color"]),
        (
            r#"{"color": "darkblue"}"#,
            vec!["invalid-value /color (warning)"],
        ),
        (r#"{"days": "monday,friday"}"#, vec!["invalid-value /days"]),
        (r#"{"tags": null}"#, vec!["type-mismatch /tags"]),
        (r#"{"tags": "a"}"#, vec!["type-mismatch /tags"]),
        (
            r#"{"address": {"street": null}}"#,
            vec!["type-mismatch /address/street"],
        ),
        (
            r#"{"address": {"town": "x"}}"#,
            vec!["unknown-field /address/town"],
        ),
        (
            r##"{"target": {"@odata.type": "#microsoft.graph.groupTarget", "groupId": "x"}}"##,
            vec!["invalid-value /target/groupId"],
        ),
    ] {
        assert_eq!(request(body, Purpose::Update), want, "{body}");
    }
}

#[test]
fn responses_require_the_key_unless_truncated_or_not_selected() {
    assert_eq!(
        response(r#"{"displayName": "x"}"#),
        ["missing-required /id (warning)"]
    );
    let doc = json::parse(r#"{"displayName": "x"}"#).unwrap();
    let mut out = Vec::new();
    let target = EdmTarget {
        model: model(),
        expect: place(Purpose::Read),
        direction: Some(Direction::Response),
        truncated: false,
        select: Some(vec!["displayName".into()]),
        optional: Vec::new(),
    };
    edm::check(&doc.root, &target, &mut out);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn collections_parameters_and_references() {
    let list = Expect::Structured {
        ty: ty("microsoft.graph.place"),
        collection: true,
        purpose: Purpose::Read,
    };
    assert_eq!(
        findings(
            r#"{"@odata.context": "x", "value": [{"id": "1"}, {"id": "2", "nope": 1}]}"#,
            list.clone(),
            Some(Direction::Response)
        ),
        ["unknown-field /value/1/nope"]
    );
    assert_eq!(
        findings(r#"[{"id": "1"}]"#, list, Some(Direction::Response)),
        ["type-mismatch "]
    );
    let op = model()
        .operations
        .iter()
        .position(|o| o.name == "microsoft.graph.book")
        .unwrap() as u32;
    let params = Expect::Parameters { op };
    assert_eq!(
        findings(
            r#"{"when": "2024-01-01T00:00:00Z"}"#,
            params.clone(),
            Some(Direction::Request)
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        findings(r#"{"note": "x"}"#, params.clone(), Some(Direction::Request)),
        ["missing-required /when"]
    );
    assert_eq!(
        findings(
            r#"{"when": "2024-01-01T00:00:00Z", "whn": 1}"#,
            params,
            Some(Direction::Request)
        ),
        ["unknown-field /whn"]
    );
    let reference = Expect::Reference { collection: false };
    assert_eq!(
        findings(
            r#"{"@odata.id": "https://x/places/1"}"#,
            reference.clone(),
            Some(Direction::Request)
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        findings(r#"{"id": "1"}"#, reference, Some(Direction::Request)),
        ["missing-required /@odata.id"]
    );
}

#[test]
fn declarations_accept_placeholders_and_list_every_property() {
    let declare = place(Purpose::Declare);
    let full = r#"{"@odata.type": "microsoft.graph.place", "id": "String (identifier)", "displayName": "String",
        "created": "String (timestamp)", "code": "string", "capacity": "Int32", "color": "red | darkBlue",
        "days": "String", "address": {"@odata.type": "microsoft.graph.address"}, "tags": ["String"],
        "settings": {"@odata.type": "microsoft.graph.Json"}, "extra": {}, "target": {"@odata.type": "microsoft.graph.groupTarget"},
        "teamsAppId": "String", "members": [{"@odata.type": "microsoft.graph.place"}]}"#;
    assert_eq!(findings(full, declare.clone(), None), Vec::<String>::new());
    let short =
        r#"{"id": "String", "displayName": "String", "capacity": "Boolean", "colour": "red"}"#;
    let got = findings(short, declare, None);
    assert!(
        got.contains(&"type-mismatch /capacity".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"unknown-field /colour".to_string()),
        "{got:?}"
    );
    assert!(
        got.contains(&"omitted-property /created (warning)".to_string()),
        "{got:?}"
    );
    // `colour` is the misspelt `color`: no second finding for omitting it.
    assert!(
        !got.contains(&"omitted-property /color (warning)".to_string()),
        "{got:?}"
    );
}

#[test]
fn one_entity_wrapped_in_value_is_one_finding_and_its_inside_is_checked() {
    // `{"value": {...}}`: one finding at `/value`, the object inside checked as the entity.
    let one = run(
        r#"{"value": {"id": "1", "displayName": "A", "nope": 1}}"#,
        place(Purpose::Read),
        Some(Direction::Response),
    );
    let at: Vec<(String, String)> = one
        .iter()
        .map(|d| (d.rule.to_string(), d.pointer.to_string()))
        .collect();
    assert_eq!(
        at,
        [
            ("unknown-field".to_string(), "/value".to_string()),
            ("unknown-field".to_string(), "/value/nope".to_string())
        ]
    );
    assert!(
        one[0]
            .message
            .contains("wraps one `microsoft.graph.place` in `value`"),
        "{}",
        one[0].message
    );
    // `{"value": [{...}]}`: the same, each item checked.
    let many = run(
        r#"{"value": [{"id": "1"}, {"id": "2", "nope": 1}]}"#,
        place(Purpose::Read),
        Some(Direction::Response),
    );
    let at: Vec<String> = many.iter().map(|d| d.pointer.to_string()).collect();
    assert_eq!(at, ["/value", "/value/1/nope"]);
    assert!(
        many[0]
            .message
            .contains("is a collection of `microsoft.graph.place`"),
        "{}",
        many[0].message
    );
    // A value that is not objects, or other members beside it: the usual unknown field.
    assert_eq!(
        response(r#"{"id": "1", "value": [1]}"#),
        ["unknown-field /value"]
    );
    // A real single entity is silent.
    assert!(response(r#"{"id": "1", "displayName": "A"}"#).is_empty());
}

#[test]
fn on_an_open_type_value_is_a_wrapper_only_when_it_plainly_holds_the_entity() {
    // Graph's `user` is open (it derives from the open `directoryObject`); Intune's pages send
    // `{"value": {"@odata.type": "#microsoft.graph.user", "id": ...}}` for one user.
    let csdl = CSDL.replace(
        r#"<EntityType Name="building" BaseType="graph.entity"/>"#,
        r#"<EntityType Name="building" BaseType="graph.entity"/>
      <EntityType Name="person" BaseType="graph.entity" OpenType="true">
        <Property Name="name" Type="Edm.String"/>
      </EntityType>
      <EntityType Name="employee" BaseType="graph.person"/>"#,
    );
    let open = cache::compile(Path::new("open.xml"), &csdl, &Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .model;
    let person = Expect::Structured {
        ty: open.structured("microsoft.graph.person").unwrap(),
        collection: false,
        purpose: Purpose::Read,
    };
    let got = |body: &str| -> Vec<String> {
        run_on(&open, body, person.clone(), Some(Direction::Response))
            .iter()
            .map(|d| format!("{} {}", d.rule, d.pointer))
            .collect()
    };
    // Fires: the inside names the type (or a derived one), or has only its properties.
    for body in [
        r##"{"value": {"@odata.type": "#microsoft.graph.person", "id": "1"}}"##,
        r##"{"value": {"@odata.type": "#microsoft.graph.employee", "id": "1"}}"##,
        r#"{"value": {"id": "1", "name": "A"}}"#,
        r#"{"value": [{"id": "1"}, {"id": "2"}]}"#,
    ] {
        assert_eq!(got(body), ["unknown-field /value"], "{body}");
    }
    // Silent about `value`: a dynamic property that happens to be called that (the body is
    // then a person without its key).
    for body in [
        r#"{"value": {"score": 1}}"#,
        r##"{"value": {"@odata.type": "#microsoft.graph.address", "city": "x"}}"##,
        r#"{"value": [{"id": "1", "score": 1}]}"#,
    ] {
        assert_eq!(got(body), ["missing-required /id"], "{body}");
    }
    assert_eq!(
        got(r#"{"id": "1", "value": {"id": "2"}}"#),
        Vec::<String>::new()
    );
}
