//! Compiles the declarations of a CSDL document into a [`Model`], checking them as a compiler
//! checks its input: every name resolved (aliases, namespaces, `Edm` types of the document's
//! OData version), no duplicate, no alias that hides another, no inheritance cycle, keys that
//! name properties. Each problem has its place in the document and, where one helps, a hint
//! (the nearest known name).
//!
//! Cost is linear in the document: names are looked up in hash maps, inheritance is walked once
//! per type with memoised results, and properties redeclared from a base are found in one
//! depth-first pass over the inheritance forest.

use super::csdl::Document;
use super::model::{Model, Namespace, Table, Version};
use std::collections::HashMap;

mod annotations;
mod names;
mod operations;
mod types;

/// The Core vocabulary's namespace, whatever alias a document gives it.
pub const CORE: &str = "Org.OData.Core.V1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemSeverity {
    Warning,
    Error,
}

/// Something wrong with the document, at a byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: ProblemSeverity,
    pub at: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Bounds on what a document may hold, so that hostile metadata costs bounded time and memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Characters in a simple name (CSDL allows 128) and in a namespace (511).
    pub name: usize,
    pub namespace: usize,
    /// Problems reported before the rest are counted only.
    pub problems: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            name: 128,
            namespace: 511,
            problems: 50,
        }
    }
}

/// How to compile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Names that resolve to nothing are warnings (and accept any value), not errors.
    pub allow_unresolved: bool,
    pub limits: Limits,
}

/// The model, or the problems that keep it from being built; warnings come with the model.
pub fn compile(
    doc: &Document,
    text: &str,
    options: &Options,
) -> Result<(Model, Vec<Problem>), Vec<Problem>> {
    let mut b = Builder::new(doc, text, *options);
    let model = b.build();
    let errors = b
        .problems
        .iter()
        .any(|p| p.severity == ProblemSeverity::Error);
    b.close_problems();
    match model {
        Some(m) if !errors => Ok((m, b.problems)),
        _ => Err(b.problems),
    }
}

/// What a qualified name declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decl {
    Type(usize, usize),
    Enum(usize, usize),
    Definition(usize, usize),
    Term,
    Container,
}

struct Builder<'d> {
    doc: &'d Document,
    /// The document's text, for the positions some messages name.
    text: &'d str,
    options: Options,
    version: Version,
    problems: Vec<Problem>,
    dropped: usize,
    /// Alias -> namespace (the document's schemas and its references' includes).
    aliases: HashMap<&'d str, &'d str>,
    /// The document's own namespaces.
    own: HashMap<&'d str, usize>,
    /// Namespaces of referenced documents (not read: paylint never fetches).
    referenced: HashMap<&'d str, usize>,
    /// Qualified name -> declaration and where it is.
    decls: HashMap<String, (Decl, usize)>,
    /// Qualified type name -> index in the model, once sorted.
    type_index: HashMap<String, u32>,
    enum_index: HashMap<String, u32>,
    /// Referenced namespaces already reported as not read.
    warned_referenced: Vec<String>,
}

fn short_at(qualified: &str) -> u32 {
    qualified.rfind('.').map_or(0, |i| i as u32 + 1)
}

fn nearest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = wanted.to_lowercase();
    candidates
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 3.max(c.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn did_you_mean(found: Option<&str>) -> Option<String> {
    found.map(|n| format!("did you mean `{n}`?"))
}

/// A CSDL simple identifier: a letter or `_`, then letters, digits and `_` (Unicode allowed).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

impl<'d> Builder<'d> {
    fn new(doc: &'d Document, text: &'d str, options: Options) -> Self {
        Builder {
            doc,
            text,
            options,
            version: Version::V4,
            problems: Vec::new(),
            dropped: 0,
            aliases: HashMap::new(),
            own: HashMap::new(),
            referenced: HashMap::new(),
            decls: HashMap::new(),
            type_index: HashMap::new(),
            enum_index: HashMap::new(),
            warned_referenced: Vec::new(),
        }
    }

    fn push(
        &mut self,
        severity: ProblemSeverity,
        at: usize,
        message: String,
        hint: Option<String>,
    ) {
        if self.problems.len() >= self.options.limits.problems {
            self.dropped += 1;
            return;
        }
        self.problems.push(Problem {
            severity,
            at,
            message,
            hint,
        });
    }

    fn error(&mut self, at: usize, message: String, hint: Option<String>) {
        self.push(ProblemSeverity::Error, at, message, hint);
    }

    /// An unresolved name: an error, or a warning with `--allow-unresolved`.
    fn unresolved(&mut self, at: usize, message: String, hint: Option<String>) {
        let severity = if self.options.allow_unresolved {
            ProblemSeverity::Warning
        } else {
            ProblemSeverity::Error
        };
        self.push(severity, at, message, hint);
    }

    fn close_problems(&mut self) {
        if self.dropped > 0 {
            let at = self.problems.last().map_or(0, |p| p.at);
            self.problems.push(Problem {
                severity: ProblemSeverity::Error,
                at,
                message: format!("and {} more problems", self.dropped),
                hint: None,
            });
        }
    }

    fn build(&mut self) -> Option<Model> {
        let doc = self.doc;
        if doc.schemas.is_empty() {
            self.error(
                doc.root_at,
                "no `Schema` element: not an OData CSDL (EDMX) document, or cut short".into(),
                Some("export the whole `$metadata` document".into()),
            );
            return None;
        }
        self.version = self.version_of();
        self.namespaces();
        self.declarations();
        let types = self.structured_types();
        let enums = self.enums();
        let mut model = Model {
            version: self.version,
            namespaces: doc
                .schemas
                .iter()
                .map(|s| Namespace {
                    name: s.namespace.clone(),
                    alias: s.alias.clone(),
                })
                .collect(),
            types: types.into(),
            enums: enums.into(),
            operations: Table::default(),
            entity_sets: Vec::new(),
            singletons: Vec::new(),
            imports: Vec::new(),
        };
        self.members(&mut model);
        self.redeclared(&model);
        self.external_annotations(&mut model);
        self.operations(&mut model);
        self.container(&mut model);
        if model.types.is_empty() && model.entity_sets.is_empty() && model.singletons.is_empty() {
            self.error(
                doc.root_at,
                "the document declares no entity type, complex type or entity container: there is nothing to check payloads against".into(),
                Some("is this a vocabulary, or a `$metadata` cut short?".into()),
            );
        }
        Some(model)
    }

    fn version_of(&mut self) -> Version {
        let doc = self.doc;
        match doc.edmx_version.as_deref() {
            Some("4.0" | "4.01") => Version::V4,
            Some("1.0" | "2.0" | "3.0") => match doc.data_service_version.as_deref() {
                Some(v) if v.starts_with('3') => Version::V3,
                _ => Version::V2,
            },
            Some(other) => {
                self.error(
                    doc.root_at,
                    format!("EDMX version `{other}` is not one paylint reads"),
                    Some("OData V4 documents say `Version=\"4.0\"` or `\"4.01\"`; V2 and V3 say `\"1.0\"`".into()),
                );
                Version::V4
            }
            None => Version::V4,
        }
    }

    fn once(&mut self, seen: &mut HashMap<String, usize>, name: &str, at: usize) -> bool {
        if !self.check_name(name, "container element", at) {
            return false;
        }
        if seen.contains_key(name) {
            self.error(
                at,
                format!("the entity container declares `{name}` twice"),
                None,
            );
            return false;
        }
        seen.insert(name.to_string(), at);
        true
    }
}

const EDM_NAMES: &[&str] = &[
    "Edm.Binary",
    "Edm.Boolean",
    "Edm.Byte",
    "Edm.Date",
    "Edm.DateTimeOffset",
    "Edm.Decimal",
    "Edm.Double",
    "Edm.Duration",
    "Edm.Guid",
    "Edm.Int16",
    "Edm.Int32",
    "Edm.Int64",
    "Edm.SByte",
    "Edm.Single",
    "Edm.Stream",
    "Edm.String",
    "Edm.TimeOfDay",
    "Edm.Untyped",
    "Edm.DateTime",
    "Edm.Time",
    "Edm.GeographyPoint",
    "Edm.GeometryPoint",
];

fn version_name(v: Version) -> &'static str {
    match v {
        Version::V2 => "V2",
        Version::V3 => "V3",
        Version::V4 => "V4",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::csdl;
    use crate::odata::model::{InheritedAnnotation, Primitive, ReadOnly, TypeId};

    #[test]
    fn annotations_on_an_inherited_property_are_kept_on_the_derived_type() {
        let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="base"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="at" Type="Edm.DateTimeOffset"/></EntityType>
  <EntityType Name="derived" BaseType="ns.base"/>
  <Annotations Target="ns.derived/at">
    <Annotation Term="Org.OData.Core.V1.Description" String="When."/>
    <Annotation Term="Org.OData.Core.V1.Computed"/>
  </Annotations>
  <Annotations Target="ns.derived/nothing"><Annotation Term="Org.OData.Core.V1.Computed"/></Annotations>
</Schema></edmx:DataServices></edmx:Edmx>"#;
        let doc = csdl::read(text).unwrap();
        let (model, _) = compile(&doc, text, &Options::default()).unwrap();
        let derived = &model.types[model.structured("ns.derived").unwrap() as usize];
        assert_eq!(
            derived.inherited,
            [InheritedAnnotation {
                property: "at".into(),
                read_only: Some(ReadOnly::Computed),
                description: Some("When.".into()),
            }]
        );
        let base = &model.types[model.structured("ns.base").unwrap() as usize];
        assert!(base.inherited.is_empty() && base.properties[1].description.is_none());
    }

    #[test]
    fn a_geographic_type_keeps_the_name_it_was_written_with() {
        let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="place"><Property Name="at" Type="Edm.GeographyPoint"/><Property Name="n" Type="Edm.Int32"/></ComplexType>
</Schema></edmx:DataServices></edmx:Edmx>"#;
        let doc = csdl::read(text).unwrap();
        let (model, _) = compile(&doc, text, &Options::default()).unwrap();
        let props = &model.types[0].properties;
        assert_eq!(props[0].ty.id, TypeId::Primitive(Primitive::Geography));
        assert_eq!(props[0].ty.written.as_deref(), Some("Edm.GeographyPoint"));
        assert_eq!(props[1].ty.written, None);
    }
}
