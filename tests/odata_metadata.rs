//! Metadata is read as a compiler reads its input: each broken or hostile document below is
//! refused (or warned about) with its line, column and a hint, never accepted silently, and
//! costs time and memory in proportion to its size.

use paylint::odata::build::Options;
use paylint::odata::cache::{self, LoadError, Placed};
use std::path::Path;
use std::time::{Duration, Instant};

fn edmx(schema_body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/>
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="ns" Alias="self" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{schema_body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    )
}

const ENTITY: &str = r#"      <EntityType Name="thing">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>"#;

fn compile(text: &str, options: &Options) -> Result<(usize, Vec<Placed>), LoadError> {
    cache::compile(Path::new("m.xml"), text, options).map(|l| (l.model.types.len(), l.warnings))
}

/// The problems of a refused document, one line each: `L:C: error: message (hint)`.
fn refused(text: &str) -> Vec<String> {
    match compile(text, &Options::default()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(LoadError::Invalid { problems, .. }) => {
            problems.iter().map(ToString::to_string).collect()
        }
        Err(e) => vec![e.to_string()],
    }
}

fn assert_refused(text: &str, needles: &[&str]) {
    let problems = refused(text);
    let joined = problems.join("\n");
    for n in needles {
        assert!(joined.contains(n), "`{n}` not in:\n{joined}");
    }
}

#[test]
fn a_document_cut_short_is_refused_where_it_ends() {
    let whole = edmx(ENTITY);
    let cut = &whole[..whole.find("<Key>").unwrap()];
    assert_refused(
        cut,
        &["ends inside `<EntityType>` (opened on line 8)", "cut short"],
    );
    // Cut between elements: still inside the schema.
    let cut = &whole[..whole.find("</Schema>").unwrap()];
    assert_refused(cut, &["ends inside `<Schema>`"]);
    // Not XML at all.
    assert_refused("<edmx:Edmx Version=\"4.0\"><a></b>", &["not well-formed"]);
}

#[test]
fn unknown_and_non_v4_types_are_errors_with_the_nearest_name() {
    let body = format!(
        r#"{ENTITY}
      <ComplexType Name="address">
        <Property Name="a" Type="Edm.Strnig"/>
        <Property Name="b" Type="Edm.DateTime"/>
        <Property Name="c" Type="self.thingg"/>
        <Property Name="d" Type="other.x"/>
        <Property Name="e" Type="thing"/>
      </ComplexType>"#
    );
    let p = refused(&edmx(&body));
    let all = p.join("\n");
    assert!(all.contains("13:9: error: property `a` of `ns.address` has type `Edm.Strnig`, which is not an OData V4 primitive type (did you mean `Edm.String`?)"), "{all}");
    assert!(
        all.contains("`Edm.DateTime` is OData V2/V3; V4 has `Edm.DateTimeOffset`"),
        "{all}"
    );
    assert!(all.contains("has type `self.thingg`, which this document does not declare (did you mean `self.thing`?)"), "{all}");
    assert!(
        all.contains("`other` is no namespace or alias of this document"),
        "{all}"
    );
    assert!(all.contains("has type `thing`, a name without its namespace (qualify the name with its namespace or alias)"), "{all}");
}

#[test]
fn allow_unresolved_turns_them_into_warnings_never_silence() {
    let body = format!(
        r#"{ENTITY}
      <ComplexType Name="address"><Property Name="a" Type="Edm.Strnig"/></ComplexType>"#
    );
    let options = Options {
        allow_unresolved: true,
        ..Options::default()
    };
    let (types, warnings) = compile(&edmx(&body), &options).unwrap();
    assert_eq!(types, 2);
    assert_eq!(warnings.len(), 1);
    assert!(!warnings[0].error && warnings[0].message.contains("Edm.Strnig"));
}

#[test]
fn duplicates_are_errors() {
    let body = format!(
        r#"{ENTITY}
      <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
      <ComplexType Name="c">
        <Property Name="x" Type="Edm.String"/>
        <Property Name="x" Type="Edm.Int32"/>
      </ComplexType>
      <EnumType Name="e"><Member Name="a"/><Member Name="a"/></EnumType>
      <EntityContainer Name="svc">
        <EntitySet Name="things" EntityType="self.thing"/>
        <EntitySet Name="things" EntityType="self.thing"/>
      </EntityContainer>"#
    );
    assert_refused(
        &edmx(&body),
        &[
            "`ns.thing` is declared twice (first on line 8)",
            "`ns.c` declares `x` twice",
            "member `a` of `ns.e` is declared twice",
            "the entity container declares `things` twice",
        ],
    );
}

#[test]
fn a_property_repeating_a_base_property_is_an_error() {
    let body = format!(
        r#"{ENTITY}
      <EntityType Name="sub" BaseType="self.thing"><Property Name="id" Type="Edm.String"/></EntityType>"#
    );
    assert_refused(
        &edmx(&body),
        &["`ns.sub` declares `id`, which its base type `ns.thing` already declares"],
    );
}

#[test]
fn aliases_that_collide_or_hide_a_namespace_are_errors() {
    // Two namespaces, one alias.
    let text = edmx(ENTITY).replace(
        "    </Schema>\n",
        "    </Schema>\n    <Schema Namespace=\"ns2\" Alias=\"self\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"/>\n",
    );
    assert_refused(&text, &["alias `self` names both `ns` and `ns2`"]);
    // An alias that is another schema's namespace.
    let text = edmx(ENTITY).replace(
        "    </Schema>\n",
        "    </Schema>\n    <Schema Namespace=\"ns2\" Alias=\"ns\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"/>\n",
    );
    assert_refused(
        &text,
        &["alias `ns` of `ns2` is also the name of a namespace"],
    );
    // A schema aliased `Core` hides the Core vocabulary's alias.
    let text = edmx(ENTITY).replace("Alias=\"self\"", "Alias=\"Core\"");
    assert_refused(
        &text,
        &["alias `Core` names both `Org.OData.Core.V1` and `ns`"],
    );
}

#[test]
fn the_core_vocabulary_is_known_by_its_namespace_whatever_its_alias() {
    let body = r#"      <EntityType Name="thing">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="created" Type="Edm.DateTimeOffset"><Annotation Term="Vocab.Computed"/></Property>
        <Property Name="full" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.Computed" Bool="true"/></Property>
      </EntityType>"#;
    let text = edmx(body).replace("Alias=\"Core\"", "Alias=\"Vocab\"");
    let l = cache::compile(Path::new("m.xml"), &text, &Options::default()).unwrap();
    let t = &l.model.types[0];
    assert!(t
        .properties
        .iter()
        .filter(|p| p.name != "id")
        .all(|p| p.read_only.is_some()));
}

#[test]
fn a_key_naming_no_property_is_an_error() {
    let body = r#"      <EntityType Name="thing"><Key><PropertyRef Name="ID"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>"#;
    assert_refused(
        &edmx(body),
        &["the key of `ns.thing` names `ID`, which is no property of it (did you mean `id`?)"],
    );
}

#[test]
fn an_empty_document_is_an_error() {
    assert_refused(
        &edmx(""),
        &["declares no entity type, complex type or entity container"],
    );
    assert_refused(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"/>",
        &["no `Schema` element"],
    );
}

#[test]
fn inheritance_cycles_are_errors() {
    let body = r#"      <ComplexType Name="a" BaseType="self.b"/>
      <ComplexType Name="b" BaseType="self.a"/>"#;
    assert_refused(&edmx(body), &["derives from itself"]);
}

#[test]
fn non_ascii_names_compile() {
    let body = r#"      <EntityType Name="Straße"><Key><PropertyRef Name="Größe"/></Key><Property Name="Größe" Type="Edm.Int32" Nullable="false"/></EntityType>
      <EntityContainer Name="c"><EntitySet Name="Straßen" EntityType="self.Straße"/></EntityContainer>"#;
    let l = cache::compile(Path::new("m.xml"), &edmx(body), &Options::default()).unwrap();
    assert_eq!(l.model.types[0].name, "ns.Straße");
    assert_eq!(l.model.entity_sets[0].name, "Straßen");
}

#[test]
fn names_that_are_not_identifiers_are_refused() {
    for bad in ["../../evil", "/victim/Foo", "a b", "x.y"] {
        let body = format!(r#"      <ComplexType Name="{bad}"/>{ENTITY}"#);
        assert_refused(&edmx(&body), &["is not a name"]);
    }
    let text = edmx(ENTITY).replace("Namespace=\"ns\"", "Namespace=\"../../evil\"");
    assert_refused(&text, &["is not a namespace"]);
    let long = "n".repeat(10_000);
    let body = format!(r#"      <ComplexType Name="{long}"/>{ENTITY}"#);
    let p = refused(&edmx(&body)).join("\n");
    assert!(
        p.contains("at most 128 characters") && p.len() < 1_000,
        "{}",
        p.len()
    );
}

#[test]
fn entities_dtds_and_references_are_never_expanded_or_fetched() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<ComplexType Name="c"><Annotation Term="Org.OData.Core.V1.Description"><String>&lol2;</String></Annotation></ComplexType>
</Schema></edmx:DataServices></edmx:Edmx>"#;
    assert_refused(bomb, &["unknown entity `&lol2;`"]);
    let external = bomb.replace(
        "<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">",
        "<!ENTITY lol2 SYSTEM \"file:///etc/passwd\">",
    );
    assert_refused(&external, &["unknown entity `&lol2;`"]);
    // References are only names: the document referenced is not read (a type from it is
    // accepted, with a warning saying so).
    let body = format!(
        r#"{ENTITY}
      <ComplexType Name="c"><Property Name="tag" Type="Core.Tag"/></ComplexType>"#
    );
    let (_, warnings) = compile(&edmx(&body), &Options::default()).unwrap();
    assert!(
        warnings[0]
            .message
            .contains("referenced namespace `Org.OData.Core.V1`, which paylint does not read"),
        "{:?}",
        warnings
    );
}

#[test]
fn deep_nesting_is_read_without_recursion() {
    let deep = format!("{}{}", "<x>".repeat(1_000_000), "</x>".repeat(1_000_000));
    let body = format!("{ENTITY}\n<Annotation Term=\"a.b\">{deep}</Annotation>");
    let t = Instant::now();
    let (types, _) = compile(&edmx(&body), &Options::default()).unwrap();
    assert_eq!(types, 1);
    assert!(t.elapsed() < Duration::from_secs(20));
}

/// Time that must grow in proportion to the input: 8,000 types deep and 2,000 derived types
/// used by 2,000 properties compile in well under a second each in a release build.
#[test]
fn cost_is_linear_in_deep_chains_and_wide_fan_out() {
    let mut chain = String::from(ENTITY);
    chain.push_str("\n      <ComplexType Name=\"t0\"><Property Name=\"p0\" Type=\"Edm.String\"/></ComplexType>\n");
    for i in 1..8_000 {
        chain.push_str(&format!(
            "      <ComplexType Name=\"t{i}\" BaseType=\"self.t{}\"><Property Name=\"p{i}\" Type=\"Edm.String\"/></ComplexType>\n",
            i - 1
        ));
    }
    let t = Instant::now();
    let (types, _) = compile(&edmx(&chain), &Options::default()).unwrap();
    assert_eq!(types, 8_001);
    let deep = t.elapsed();
    let mut wide = String::from(ENTITY);
    wide.push_str("\n      <ComplexType Name=\"base\"/>\n");
    for i in 0..2_000 {
        wide.push_str(&format!(
            "      <ComplexType Name=\"d{i}\" BaseType=\"self.base\"/>\n"
        ));
    }
    wide.push_str("      <ComplexType Name=\"user\">\n");
    for i in 0..2_000 {
        wide.push_str(&format!(
            "        <Property Name=\"p{i}\" Type=\"self.base\"/>\n"
        ));
    }
    wide.push_str("      </ComplexType>\n");
    let t = Instant::now();
    let (types, _) = compile(&edmx(&wide), &Options::default()).unwrap();
    assert_eq!(types, 2_003);
    let fan = t.elapsed();
    // Debug builds are ~20x slower than release; quadratic cost would take minutes here.
    let bound = Duration::from_secs(if cfg!(debug_assertions) { 30 } else { 2 });
    assert!(
        deep < bound && fan < bound,
        "deep {deep:?}, fan-out {fan:?}"
    );
}

#[test]
fn a_boolean_attribute_with_another_value_is_an_error() {
    for (attr, element) in [
        (r#"Abstract="yes""#, "EntityType"),
        (r#"OpenType="maybe""#, "EntityType"),
    ] {
        let body = format!(
            r#"      <EntityType Name="thing" {attr}><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>"#
        );
        let name = attr.split('=').next().unwrap();
        assert_refused(
            &edmx(&body),
            &[&format!("`{name}` of <{element}>"), "`true` or `false`"],
        );
    }
    let body = r#"      <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="no"/></EntityType>"#;
    assert_refused(&edmx(body), &["`Nullable` of <Property> is `no`"]);
    // `1` and `0` are XML Schema booleans too.
    let body = r#"      <EntityType Name="thing" Abstract="0"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="0"/></EntityType>"#;
    assert!(compile(&edmx(body), &Options::default()).is_ok());
}
