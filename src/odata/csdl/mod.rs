//! Reads a CSDL document (the EDMX XML of a `$metadata` response, OData V2, V3 or V4) into the
//! declarations it holds, as written: names not yet resolved, each with the byte offset of its
//! element, so that [`super::build`] can report a problem at its line and column.
//!
//! The XML is read with quick-xml from the document in memory (no DOM, borrowed events). Nothing
//! outside the document is ever read: no DTD, no entity but XML's five and character references,
//! no `edmx:Reference` fetched (its `Include`s only say which namespace an alias names). An
//! element paylint does not know is skipped with its whole content, however deep.

use quick_xml::events::BytesStart;
use quick_xml::Reader;

mod elements;
mod reader;

/// What the reader could not read: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Byte offset in the document.
    pub at: usize,
    pub message: String,
}

/// The EDMX document.
#[derive(Debug, Default)]
pub struct Document {
    /// `edmx:Edmx/@Version`: `4.0`, `4.01`, or `1.0` for V2 and V3.
    pub edmx_version: Option<String>,
    /// `edmx:DataServices/@m:DataServiceVersion` (V2, V3): `1.0`, `2.0`, `3.0`.
    pub data_service_version: Option<String>,
    pub includes: Vec<Include>,
    pub schemas: Vec<Schema>,
    /// Where the root element starts (for problems about the whole document).
    pub root_at: usize,
}

/// `edmx:Reference/edmx:Include`: a namespace of a referenced document and its alias.
#[derive(Debug, Clone)]
pub struct Include {
    pub namespace: String,
    pub alias: Option<String>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    pub at: usize,
    pub types: Vec<TypeDecl>,
    pub enums: Vec<EnumDecl>,
    pub definitions: Vec<DefinitionDecl>,
    pub operations: Vec<OperationDecl>,
    pub terms: Vec<Named>,
    pub containers: Vec<ContainerDecl>,
    pub annotations: Vec<AnnotationsBlock>,
    /// OData V2/V3 `Association`s.
    pub associations: Vec<AssociationDecl>,
}

/// A name and where it was declared.
#[derive(Debug, Clone, Default)]
pub struct Named {
    pub name: String,
    pub at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TypeKind {
    #[default]
    Entity,
    Complex,
}

#[derive(Debug, Default)]
pub struct TypeDecl {
    pub name: String,
    pub kind: TypeKind,
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    pub key: Vec<Named>,
    pub properties: Vec<PropertyDecl>,
    pub navigations: Vec<NavigationDecl>,
    pub annotations: Vec<Annotation>,
    pub at: usize,
}

/// SAP's `sap:` attributes that say something checkable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SapFlags {
    /// `sap:creatable="false"`: not sent on create.
    pub not_creatable: bool,
    /// `sap:updatable="false"`: not sent on update.
    pub not_updatable: bool,
}

#[derive(Debug, Default)]
pub struct PropertyDecl {
    pub name: String,
    /// As written: `Edm.String`, `Collection(graph.x)`; `None` when the attribute is missing.
    pub ty: Option<String>,
    pub nullable: Option<bool>,
    pub max_length: Option<String>,
    pub sap: SapFlags,
    /// `sap:label`, shown where a description would be.
    pub label: Option<String>,
    pub annotations: Vec<Annotation>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct NavigationDecl {
    pub name: String,
    /// V4: `Type`.
    pub ty: Option<String>,
    pub nullable: Option<bool>,
    pub contains_target: bool,
    /// V2/V3: `Relationship`, `FromRole`, `ToRole`.
    pub relationship: Option<String>,
    pub to_role: Option<String>,
    pub annotations: Vec<Annotation>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct EnumDecl {
    pub name: String,
    pub is_flags: bool,
    pub underlying_type: Option<String>,
    pub members: Vec<MemberDecl>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct MemberDecl {
    pub name: String,
    pub value: Option<String>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct DefinitionDecl {
    pub name: String,
    pub underlying_type: Option<String>,
    pub at: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OperationKind {
    #[default]
    Action,
    Function,
}

#[derive(Debug, Default)]
pub struct OperationDecl {
    pub name: String,
    pub kind: OperationKind,
    pub is_bound: bool,
    pub is_composable: bool,
    pub parameters: Vec<ParameterDecl>,
    pub return_type: Option<ReturnDecl>,
    pub annotations: Vec<Annotation>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct ParameterDecl {
    pub name: String,
    pub ty: Option<String>,
    pub nullable: Option<bool>,
    pub annotations: Vec<Annotation>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct ReturnDecl {
    pub ty: Option<String>,
    pub nullable: Option<bool>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct ContainerDecl {
    pub name: String,
    pub entity_sets: Vec<SetDecl>,
    pub singletons: Vec<SetDecl>,
    /// V4 `ActionImport`/`FunctionImport`: `target` names the operation.
    pub imports: Vec<ImportDecl>,
    /// V2/V3 `FunctionImport`s: an operation declared in place.
    pub legacy_imports: Vec<OperationDecl>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct SetDecl {
    pub name: String,
    /// `EntityType` of an entity set, `Type` of a singleton.
    pub ty: Option<String>,
    pub sap: SapFlags,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct ImportDecl {
    pub name: String,
    pub kind: OperationKind,
    pub target: Option<String>,
    pub at: usize,
}

/// `Annotations Target="..."`: annotations applied from outside their element.
#[derive(Debug, Default)]
pub struct AnnotationsBlock {
    pub target: String,
    pub qualifier: Option<String>,
    pub annotations: Vec<Annotation>,
    pub at: usize,
}

/// One `Annotation`: its term as written and the simple value it holds, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotation {
    pub term: String,
    pub qualifier: Option<String>,
    pub value: AnnotationValue,
    pub at: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum AnnotationValue {
    /// No value: for a Boolean term, `true`.
    #[default]
    Empty,
    Bool(String),
    String(String),
    /// `EnumMember` values, each `Type/Member` (several separated by spaces).
    EnumMembers(Vec<String>),
    /// A record, a path or an expression paylint does not read.
    Other,
}

#[derive(Debug, Default)]
pub struct AssociationDecl {
    pub name: String,
    pub ends: Vec<EndDecl>,
    pub at: usize,
}

#[derive(Debug, Default)]
pub struct EndDecl {
    pub role: String,
    pub ty: Option<String>,
    pub multiplicity: Option<String>,
    pub at: usize,
}

/// Reads the document. Fails only on XML that is not well-formed (or an entity paylint will not
/// expand); what the XML declares is checked by [`super::build`].
pub fn read(text: &str) -> Result<Document, ReadError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut r = Walker {
        reader,
        doc: Document::default(),
        seen_root: false,
        open: Vec::new(),
        text,
    };
    r.document()?;
    Ok(r.doc)
}

/// An element just opened: its attributes, and whether it has content to read.
struct Element<'t> {
    name: String,
    attrs: Vec<(String, String)>,
    /// `<x/>`: nothing inside.
    empty: bool,
    at: usize,
    raw: BytesStart<'t>,
}

struct Walker<'t> {
    reader: Reader<&'t [u8]>,
    doc: Document,
    seen_root: bool,
    /// The elements open around the reader: name and offset (a document that ends inside one
    /// was cut short).
    open: Vec<(String, usize)>,
    text: &'t str,
}
