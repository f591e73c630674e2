//! Reads a CSDL document (the EDMX XML of a `$metadata` response, OData V2, V3 or V4) into the
//! declarations it holds, as written: names not yet resolved, each with the byte offset of its
//! element, so that [`super::build`] can report a problem at its line and column.
//!
//! The XML is read with quick-xml from the document in memory (no DOM, borrowed events). Nothing
//! outside the document is ever read: no DTD, no entity but XML's five and character references,
//! no `edmx:Reference` fetched (its `Include`s only say which namespace an alias names). An
//! element paylint does not know is skipped with its whole content, however deep.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

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

impl Element<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An attribute's value, trimmed; empty counts as absent.
    fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    fn name_attr(&self) -> String {
        self.text("Name").unwrap_or_default()
    }

    /// A boolean attribute (`Abstract="true"`); another value is the document's error, not a
    /// silent `false`.
    fn flag(&self, name: &str) -> Result<Option<bool>, ReadError> {
        match self.get(name).map(str::trim) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(ReadError {
                at: self.at,
                message: format!(
                    "`{name}` of <{}> is `{other}`; it is `true` or `false`",
                    self.name
                ),
            }),
        }
    }
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

fn not_well_formed(at: usize, e: impl std::fmt::Display) -> ReadError {
    ReadError {
        at,
        message: format!("not well-formed XML: {e}"),
    }
}

impl<'t> Walker<'t> {
    fn offset(&self) -> usize {
        self.reader.buffer_position() as usize
    }

    /// The next element start inside the current one, or `None` at its end (or the document's).
    /// Text, comments and processing instructions are passed over; an entity reference other
    /// than XML's own is refused.
    fn next(&mut self) -> Result<Option<Element<'t>>, ReadError> {
        loop {
            let at = self.offset();
            let event = self
                .reader
                .read_event()
                .map_err(|e| not_well_formed(at, e))?;
            match event {
                Event::Start(e) => {
                    let e = element(e, false, at)?;
                    self.open.push((e.name.clone(), at));
                    return Ok(Some(e));
                }
                Event::Empty(e) => return Ok(Some(element(e, true, at)?)),
                Event::End(_) => {
                    self.open.pop();
                    return Ok(None);
                }
                Event::Eof => return self.at_end(at),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content().into_owned();
                    let known = r.resolve_char_ref().ok().flatten().is_some()
                        || quick_xml::escape::resolve_predefined_entity(&name).is_some();
                    if !known {
                        return Err(ReadError {
                            at,
                            message: format!(
                                "unknown entity `&{name};`: paylint expands no entity a DTD \
                                 declares"
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// The end of the document: an error when an element is still open.
    fn at_end(&self, at: usize) -> Result<Option<Element<'t>>, ReadError> {
        match self.open.last() {
            None => Ok(None),
            Some((name, opened)) => Err(ReadError {
                at,
                message: format!(
                    "the document ends inside `<{name}>` (opened on line {}): it is cut short",
                    super::Position::of(self.text, *opened).line
                ),
            }),
        }
    }

    /// Skips the content of an element whose start was just read.
    fn skip(&mut self, e: &Element<'t>) -> Result<(), ReadError> {
        if e.empty {
            return Ok(());
        }
        let at = self.offset();
        self.reader
            .read_to_end(e.raw.name())
            .map_err(|err| match (&err, self.open.last()) {
                (
                    quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MissingEndTag(
                        _,
                    )),
                    Some((name, opened)),
                ) => ReadError {
                    at: self.text.len(),
                    message: format!(
                        "the document ends inside `<{name}>` (opened on line {}): it is cut short",
                        super::Position::of(self.text, *opened).line
                    ),
                },
                _ => not_well_formed(at, err),
            })?;
        self.open.pop();
        Ok(())
    }

    /// The text content of an element whose start was just read (`<String>text</String>`).
    fn content(&mut self, e: &Element<'t>) -> Result<String, ReadError> {
        if e.empty {
            return Ok(String::new());
        }
        let at = self.offset();
        let mut out = String::new();
        loop {
            let here = self.offset();
            match self
                .reader
                .read_event()
                .map_err(|err| not_well_formed(at, err))?
            {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.into_inner()),
                Event::GeneralRef(r) => {
                    let name = r.xml10_content().into_owned();
                    match (
                        r.resolve_char_ref().ok().flatten(),
                        quick_xml::escape::resolve_predefined_entity(&name),
                    ) {
                        (Some(c), _) => out.push(c),
                        (None, Some(s)) => out.push_str(s),
                        (None, None) => {
                            return Err(ReadError {
                                at: here,
                                message: format!("unknown entity `&{name};`"),
                            })
                        }
                    }
                }
                Event::Start(inner) => {
                    let name = inner.name().as_ref().to_string();
                    self.reader
                        .read_to_end(quick_xml::name::QName(&name))
                        .map_err(|err| not_well_formed(here, err))?;
                }
                Event::End(_) => {
                    self.open.pop();
                    return Ok(out);
                }
                Event::Eof => {
                    self.at_end(here)?;
                    return Ok(out);
                }
                _ => {}
            }
        }
    }

    fn document(&mut self) -> Result<(), ReadError> {
        while let Some(e) = self.next()? {
            if e.name == "Edmx" && !self.seen_root {
                self.seen_root = true;
                self.doc.root_at = e.at;
                self.doc.edmx_version = e.text("Version");
                if !e.empty {
                    self.edmx()?;
                }
            } else if e.name == "Schema" && !self.seen_root {
                // A bare `Schema` document (what some tools write): read as if wrapped.
                self.seen_root = true;
                self.doc.root_at = e.at;
                self.schema(e)?;
            } else {
                self.skip(&e)?;
            }
        }
        Ok(())
    }

    fn edmx(&mut self) -> Result<(), ReadError> {
        while let Some(e) = self.next()? {
            match e.name.as_str() {
                "Reference" if !e.empty => {
                    while let Some(inc) = self.next()? {
                        if inc.name == "Include" {
                            self.doc.includes.push(Include {
                                namespace: inc.text("Namespace").unwrap_or_default(),
                                alias: inc.text("Alias"),
                                at: inc.at,
                            });
                        }
                        self.skip(&inc)?;
                    }
                }
                "DataServices" if !e.empty => {
                    self.doc.data_service_version = e.text("DataServiceVersion");
                    while let Some(s) = self.next()? {
                        if s.name == "Schema" {
                            self.schema(s)?;
                        } else {
                            self.skip(&s)?;
                        }
                    }
                }
                _ => self.skip(&e)?,
            }
        }
        Ok(())
    }

    fn schema(&mut self, e: Element<'t>) -> Result<(), ReadError> {
        let mut schema = Schema {
            namespace: e.text("Namespace").unwrap_or_default(),
            alias: e.text("Alias"),
            at: e.at,
            ..Schema::default()
        };
        if !e.empty {
            while let Some(c) = self.next()? {
                match c.name.as_str() {
                    "EntityType" | "ComplexType" => {
                        let t = self.structured(c)?;
                        schema.types.push(t);
                    }
                    "EnumType" => {
                        let en = self.enumeration(c)?;
                        schema.enums.push(en);
                    }
                    "TypeDefinition" => {
                        schema.definitions.push(DefinitionDecl {
                            name: c.name_attr(),
                            underlying_type: c.text("UnderlyingType"),
                            at: c.at,
                        });
                        self.skip(&c)?;
                    }
                    "Action" | "Function" => {
                        let op = self.operation(c)?;
                        schema.operations.push(op);
                    }
                    "Term" => {
                        schema.terms.push(Named {
                            name: c.name_attr(),
                            at: c.at,
                        });
                        self.skip(&c)?;
                    }
                    "EntityContainer" => {
                        let container = self.container(c)?;
                        schema.containers.push(container);
                    }
                    "Annotations" => {
                        let block = AnnotationsBlock {
                            target: c.text("Target").unwrap_or_default(),
                            qualifier: c.text("Qualifier"),
                            at: c.at,
                            annotations: self.annotations_in(&c)?,
                        };
                        schema.annotations.push(block);
                    }
                    "Association" => {
                        let a = self.association(c)?;
                        schema.associations.push(a);
                    }
                    _ => self.skip(&c)?,
                }
            }
        }
        self.doc.schemas.push(schema);
        Ok(())
    }

    fn structured(&mut self, e: Element<'t>) -> Result<TypeDecl, ReadError> {
        let mut t = TypeDecl {
            name: e.name_attr(),
            kind: if e.name == "EntityType" {
                TypeKind::Entity
            } else {
                TypeKind::Complex
            },
            base_type: e.text("BaseType"),
            is_abstract: e.flag("Abstract")?.unwrap_or(false),
            open_type: e.flag("OpenType")?.unwrap_or(false),
            has_stream: e.flag("HasStream")?.unwrap_or(false),
            at: e.at,
            ..TypeDecl::default()
        };
        if e.empty {
            return Ok(t);
        }
        while let Some(c) = self.next()? {
            match c.name.as_str() {
                "Key" if !c.empty => {
                    while let Some(r) = self.next()? {
                        if r.name == "PropertyRef" {
                            t.key.push(Named {
                                name: r.name_attr(),
                                at: r.at,
                            });
                        }
                        self.skip(&r)?;
                    }
                }
                "Property" => {
                    let p = PropertyDecl {
                        name: c.name_attr(),
                        ty: c.text("Type"),
                        nullable: c.flag("Nullable")?,
                        max_length: c.text("MaxLength"),
                        sap: sap_flags(&c),
                        label: c.text("label"),
                        at: c.at,
                        annotations: self.annotations_in(&c)?,
                    };
                    t.properties.push(p);
                }
                "NavigationProperty" => {
                    let n = NavigationDecl {
                        name: c.name_attr(),
                        ty: c.text("Type"),
                        nullable: c.flag("Nullable")?,
                        contains_target: c.flag("ContainsTarget")?.unwrap_or(false),
                        relationship: c.text("Relationship"),
                        to_role: c.text("ToRole"),
                        at: c.at,
                        annotations: self.annotations_in(&c)?,
                    };
                    t.navigations.push(n);
                }
                "Annotation" => {
                    let a = self.annotation(c)?;
                    t.annotations.push(a);
                }
                _ => self.skip(&c)?,
            }
        }
        Ok(t)
    }

    fn enumeration(&mut self, e: Element<'t>) -> Result<EnumDecl, ReadError> {
        let mut en = EnumDecl {
            name: e.name_attr(),
            is_flags: e.flag("IsFlags")?.unwrap_or(false),
            underlying_type: e.text("UnderlyingType"),
            at: e.at,
            members: Vec::new(),
        };
        if e.empty {
            return Ok(en);
        }
        while let Some(c) = self.next()? {
            if c.name == "Member" {
                en.members.push(MemberDecl {
                    name: c.name_attr(),
                    value: c.text("Value"),
                    at: c.at,
                });
            }
            self.skip(&c)?;
        }
        Ok(en)
    }

    fn operation(&mut self, e: Element<'t>) -> Result<OperationDecl, ReadError> {
        let mut op = OperationDecl {
            name: e.name_attr(),
            kind: if e.name == "Action" {
                OperationKind::Action
            } else {
                OperationKind::Function
            },
            is_bound: e.flag("IsBound")?.unwrap_or(false),
            is_composable: e.flag("IsComposable")?.unwrap_or(false),
            at: e.at,
            ..OperationDecl::default()
        };
        if !e.empty {
            self.operation_content(&mut op)?;
        }
        Ok(op)
    }

    /// `Parameter`, `ReturnType` and `Annotation` children of an operation (or a V2/V3
    /// `FunctionImport`).
    fn operation_content(&mut self, op: &mut OperationDecl) -> Result<(), ReadError> {
        while let Some(c) = self.next()? {
            match c.name.as_str() {
                "Parameter" => {
                    let p = ParameterDecl {
                        name: c.name_attr(),
                        ty: c.text("Type"),
                        nullable: c.flag("Nullable")?,
                        at: c.at,
                        annotations: self.annotations_in(&c)?,
                    };
                    op.parameters.push(p);
                }
                "ReturnType" => {
                    op.return_type = Some(ReturnDecl {
                        ty: c.text("Type"),
                        nullable: c.flag("Nullable")?,
                        at: c.at,
                    });
                    self.skip(&c)?;
                }
                "Annotation" => {
                    let a = self.annotation(c)?;
                    op.annotations.push(a);
                }
                _ => self.skip(&c)?,
            }
        }
        Ok(())
    }

    fn container(&mut self, e: Element<'t>) -> Result<ContainerDecl, ReadError> {
        let mut c = ContainerDecl {
            name: e.name_attr(),
            at: e.at,
            ..ContainerDecl::default()
        };
        if e.empty {
            return Ok(c);
        }
        while let Some(x) = self.next()? {
            match x.name.as_str() {
                "EntitySet" => {
                    c.entity_sets.push(SetDecl {
                        name: x.name_attr(),
                        ty: x.text("EntityType"),
                        sap: sap_flags(&x),
                        at: x.at,
                    });
                    self.skip(&x)?;
                }
                "Singleton" => {
                    c.singletons.push(SetDecl {
                        name: x.name_attr(),
                        ty: x.text("Type"),
                        sap: SapFlags::default(),
                        at: x.at,
                    });
                    self.skip(&x)?;
                }
                "ActionImport" => {
                    c.imports.push(ImportDecl {
                        name: x.name_attr(),
                        kind: OperationKind::Action,
                        target: x.text("Action"),
                        at: x.at,
                    });
                    self.skip(&x)?;
                }
                "FunctionImport" if x.get("Function").is_some() => {
                    c.imports.push(ImportDecl {
                        name: x.name_attr(),
                        kind: OperationKind::Function,
                        target: x.text("Function"),
                        at: x.at,
                    });
                    self.skip(&x)?;
                }
                "FunctionImport" => {
                    // V2/V3: the operation is declared here; `m:HttpMethod` says GET or POST.
                    let is_action = x
                        .get("HttpMethod")
                        .is_some_and(|m| !m.trim().eq_ignore_ascii_case("GET"))
                        || x.flag("IsSideEffecting")? == Some(true);
                    let mut op = OperationDecl {
                        name: x.name_attr(),
                        kind: if is_action {
                            OperationKind::Action
                        } else {
                            OperationKind::Function
                        },
                        is_bound: x.flag("IsBindable")?.unwrap_or(false),
                        is_composable: x.flag("IsComposable")?.unwrap_or(false),
                        return_type: x.text("ReturnType").map(|ty| ReturnDecl {
                            ty: Some(ty),
                            nullable: None,
                            at: x.at,
                        }),
                        at: x.at,
                        ..OperationDecl::default()
                    };
                    if !x.empty {
                        self.operation_content(&mut op)?;
                    }
                    c.legacy_imports.push(op);
                }
                _ => self.skip(&x)?,
            }
        }
        Ok(c)
    }

    fn association(&mut self, e: Element<'t>) -> Result<AssociationDecl, ReadError> {
        let mut a = AssociationDecl {
            name: e.name_attr(),
            at: e.at,
            ends: Vec::new(),
        };
        if e.empty {
            return Ok(a);
        }
        while let Some(c) = self.next()? {
            if c.name == "End" {
                a.ends.push(EndDecl {
                    role: c.text("Role").unwrap_or_default(),
                    ty: c.text("Type"),
                    multiplicity: c.text("Multiplicity"),
                    at: c.at,
                });
            }
            self.skip(&c)?;
        }
        Ok(a)
    }

    /// The `Annotation` children of an element whose start was just read; other children are
    /// skipped.
    fn annotations_in(&mut self, e: &Element<'t>) -> Result<Vec<Annotation>, ReadError> {
        let mut out = Vec::new();
        if e.empty {
            return Ok(out);
        }
        while let Some(c) = self.next()? {
            if c.name == "Annotation" {
                let a = self.annotation(c)?;
                out.push(a);
            } else {
                self.skip(&c)?;
            }
        }
        Ok(out)
    }

    /// An `Annotation`: its term and a simple value (attribute or child element). Records and
    /// other expressions are not read.
    fn annotation(&mut self, e: Element<'t>) -> Result<Annotation, ReadError> {
        let mut a = Annotation {
            term: e.text("Term").unwrap_or_default(),
            qualifier: e.text("Qualifier"),
            at: e.at,
            value: if let Some(v) = e.get("Bool") {
                AnnotationValue::Bool(v.trim().to_string())
            } else if let Some(v) = e.get("String") {
                AnnotationValue::String(v.to_string())
            } else if let Some(v) = e.get("EnumMember") {
                AnnotationValue::EnumMembers(v.split_whitespace().map(str::to_string).collect())
            } else {
                AnnotationValue::Empty
            },
        };
        if e.empty {
            return Ok(a);
        }
        let mut members = Vec::new();
        while let Some(c) = self.next()? {
            match c.name.as_str() {
                "Bool" => a.value = AnnotationValue::Bool(self.content(&c)?.trim().to_string()),
                "String" => a.value = AnnotationValue::String(self.content(&c)?),
                "EnumMember" => {
                    members.extend(self.content(&c)?.split_whitespace().map(str::to_string))
                }
                "Collection" if !c.empty => {
                    while let Some(v) = self.next()? {
                        if v.name == "EnumMember" {
                            members
                                .extend(self.content(&v)?.split_whitespace().map(str::to_string));
                        } else {
                            self.skip(&v)?;
                            a.value = AnnotationValue::Other;
                        }
                    }
                }
                _ => {
                    self.skip(&c)?;
                    a.value = AnnotationValue::Other;
                }
            }
        }
        if !members.is_empty() {
            a.value = AnnotationValue::EnumMembers(members);
        }
        Ok(a)
    }
}

/// An element's start, with its attributes by local name (`sap:creatable` is `creatable`,
/// `m:HttpMethod` is `HttpMethod`).
fn element<'t>(e: BytesStart<'t>, empty: bool, at: usize) -> Result<Element<'t>, ReadError> {
    let name = e.local_name().as_ref().to_string();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(true) {
        let a = a.map_err(|err| ReadError {
            at,
            message: format!("bad attribute on `<{name}>`: {err}"),
        })?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| ReadError {
                at,
                message: format!("bad attribute `{key}` on `<{name}>`: {err}"),
            })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attrs,
        empty,
        at,
        raw: e,
    })
}

fn sap_flags(e: &Element<'_>) -> SapFlags {
    SapFlags {
        // SAP's own attributes: a value other than a boolean says nothing checkable.
        not_creatable: e.flag("creatable").ok().flatten() == Some(false),
        not_updatable: e.flag("updatable").ok().flatten() == Some(false),
    }
}
