//! A streaming reader of OData CSDL (the EDMX XML of a `$metadata` document) into an in-memory
//! [`Model`]: what `catalog import` needs, no more.
//!
//! The XML is read event by event with quick-xml (no DOM), so Microsoft Graph's metadata (3.4 MB)
//! or a 30 MB document is read in a fraction of a second. Collected:
//!
//! - per `Schema`: its `Namespace` and `Alias`; `edmx:Reference/edmx:Include` namespaces and
//!   aliases (so `Core.Computed` names `Org.OData.Core.V1.Computed`);
//! - `EntityType` and `ComplexType`: `Name`, `BaseType`, `Abstract`, `OpenType`, `Key`,
//!   `Property` (`Name`, `Type`, `Nullable`), `NavigationProperty` (`Name`, `Type`,
//!   `ContainsTarget`) and their inline annotations;
//! - `EnumType` (`Name`, `IsFlags`, member names), `TypeDefinition` (`Name`, `UnderlyingType`);
//! - `EntityContainer`: `EntitySet` (`Name`, `EntityType`) and `Singleton` (`Name`, `Type`);
//! - `Annotations` blocks whose `Target` is a type or `Type/Property`;
//! - of all annotations, only three terms of the Core vocabulary: `Computed`, `Permissions` and
//!   `Description`, without a `Qualifier`.
//!
//! Everything else is skipped without being looked at: `Action` and `Function` (operations are
//! derived from entity sets, singletons and containment, not from bound actions), `Term`,
//! `NavigationPropertyBinding`, vocabulary records and unknown elements.
//!
//! Names are stored namespace-qualified: every alias-qualified name (`graph.entity`,
//! `Collection(self.alert)`, `Target="graph.user/id"`) is resolved once the whole document has
//! been read, so an alias may be declared after its first use.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Read};

/// The Core vocabulary's namespace.
pub const CORE: &str = "Org.OData.Core.V1";

/// Entity or complex type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Entity,
    Complex,
}

/// The Core vocabulary annotations paylint reads (on a type or a property).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    /// `Org.OData.Core.V1.Computed`: `Bool`, `true` when the annotation has no value.
    pub computed: Option<bool>,
    /// `Org.OData.Core.V1.Permissions`: the member names (`Read`, `Write`, `ReadWrite`, ...).
    pub permissions: Option<Vec<String>>,
    /// `Org.OData.Core.V1.Description`.
    pub description: Option<String>,
}

impl Annotations {
    /// Computed, or only readable: a client does not send it.
    pub fn read_only(&self) -> bool {
        self.computed == Some(true)
            || self
                .permissions
                .as_ref()
                .is_some_and(|p| p.len() == 1 && p[0] == "Read")
    }

    /// `other`'s terms replace this one's.
    pub fn merge(&mut self, other: &Annotations) {
        if other.computed.is_some() {
            self.computed = other.computed;
        }
        if other.permissions.is_some() {
            self.permissions.clone_from(&other.permissions);
        }
        if other.description.is_some() {
            self.description.clone_from(&other.description);
        }
    }

    fn is_empty(&self) -> bool {
        *self == Annotations::default()
    }
}

/// A property's type: `Edm.String`, `microsoft.graph.user`, or a collection of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// Namespace-qualified (after [`Model`] is built).
    pub name: String,
    pub collection: bool,
}

impl TypeRef {
    fn parse(raw: &str) -> TypeRef {
        let raw = raw.trim();
        match raw
            .strip_prefix("Collection(")
            .and_then(|r| r.strip_suffix(')'))
        {
            Some(inner) => TypeRef {
                name: inner.trim().to_string(),
                collection: true,
            },
            None => TypeRef {
                name: raw.to_string(),
                collection: false,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: String,
    pub ty: TypeRef,
    /// `Nullable`, `true` when absent. For a collection: whether its items may be null.
    pub nullable: bool,
    pub annotations: Annotations,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct NavigationProperty {
    pub name: String,
    pub ty: TypeRef,
    pub contains_target: bool,
    pub annotations: Annotations,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct StructuredType {
    /// Namespace-qualified: `microsoft.graph.user`.
    pub name: String,
    pub namespace: String,
    pub kind: Kind,
    /// Namespace-qualified.
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    /// `Key/PropertyRef` names declared on this type (a derived type inherits its base's).
    pub key: Vec<String>,
    pub properties: Vec<Property>,
    pub navigation_properties: Vec<NavigationProperty>,
    pub annotations: Annotations,
    /// Annotations that an `Annotations` block puts on `ThisType/prop` where `prop` is declared
    /// by a base type: they hold for this type and the types derived from it.
    pub inherited_property_annotations: BTreeMap<String, Annotations>,
    pub line: usize,
}

impl StructuredType {
    /// The name without its namespace.
    pub fn short_name(&self) -> &str {
        self.name
            .strip_prefix(&self.namespace)
            .and_then(|s| s.strip_prefix('.'))
            .unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: String,
    pub is_flags: bool,
    pub members: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct TypeDefinition {
    pub name: String,
    /// An `Edm.*` type.
    pub underlying_type: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct EntitySet {
    pub name: String,
    pub entity_type: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct Singleton {
    pub name: String,
    pub ty: String,
    pub line: usize,
}

/// What a CSDL document declares, every name namespace-qualified.
#[derive(Debug, Default)]
pub struct Model {
    /// Namespace -> alias, for the document's own schemas.
    pub namespaces: BTreeMap<String, Option<String>>,
    pub types: BTreeMap<String, StructuredType>,
    pub enums: BTreeMap<String, EnumType>,
    pub type_definitions: BTreeMap<String, TypeDefinition>,
    /// In document order.
    pub entity_sets: Vec<EntitySet>,
    /// In document order.
    pub singletons: Vec<Singleton>,
}

impl Model {
    /// The alias of a namespace of this document, if it has one.
    pub fn alias_of(&self, namespace: &str) -> Option<&str> {
        self.namespaces.get(namespace)?.as_deref()
    }
}

/// Reads a CSDL document. The error names the line and what is wrong.
pub fn read(xml: impl BufRead) -> Result<Model, String> {
    let mut reader = Reader::from_reader(Lines {
        inner: xml,
        newlines: 0,
    });
    // Text is not trimmed: whitespace between elements is reported (and ignored), so when an
    // event is read, everything before its `<` has been consumed and the line count before the
    // read is the line it starts on.
    reader.config_mut().trim_text(false);
    let mut parser = Parser::default();
    let mut buf = Vec::with_capacity(4096);
    let mut skip = Vec::new();
    loop {
        let line = reader.get_ref().newlines + 1;
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("line {line}: not well-formed XML: {e}"))?;
        let capturing = parser.capturing();
        match event {
            Event::Start(e) => {
                let read = parser.start(&e, line)?;
                if !read {
                    skip.clear();
                    reader
                        .read_to_end_into(e.name(), &mut skip)
                        .map_err(|err| format!("line {line}: not well-formed XML: {err}"))?;
                }
            }
            Event::Empty(e) => {
                let read = parser.start(&e, line)?;
                if read {
                    parser.end()?;
                }
            }
            Event::End(_) => parser.end()?,
            Event::Text(t) if capturing => parser.text.push_str(&t.xml10_content()),
            Event::CData(t) if capturing => parser.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if capturing => {
                let name = r.xml10_content();
                let c = r
                    .resolve_char_ref()
                    .map_err(|e| format!("line {line}: {e}"))?;
                match (c, quick_xml::escape::resolve_predefined_entity(&name)) {
                    (Some(c), _) => parser.text.push(c),
                    (None, Some(s)) => parser.text.push_str(s),
                    (None, None) => {
                        return Err(format!("line {line}: unknown entity `&{name};`"));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !parser.seen_schema {
        return Err("line 1: no `Schema` element: not an OData CSDL (EDMX) document".to_string());
    }
    parser.finish()
}

/// Counts the lines of what the XML reader has consumed.
struct Lines<R> {
    inner: R,
    newlines: usize,
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

impl<R: BufRead> Read for Lines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.newlines += count_newlines(&out[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Lines<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // `amt` bytes of the buffer just returned by `fill_buf`: returned again without reading.
        let n = match self.inner.fill_buf() {
            Ok(b) => count_newlines(&b[..amt.min(b.len())]),
            Err(_) => 0,
        };
        self.newlines += n;
        self.inner.consume(amt);
    }
}

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Frame {
    /// `edmx:Edmx`, `edmx:DataServices`, `edmx:Reference`: containers.
    Container,
    Schema,
    Type,
    Key,
    Property,
    NavigationProperty,
    Enum,
    EntityContainer,
    /// An `Annotations` block (its target in `Parser::block`).
    Block,
    /// An `Annotation` of one of the terms read.
    Annotation,
    /// A `Collection` inside such an annotation.
    AnnotationCollection,
    /// A `Bool`, `String` or `EnumMember` value inside such an annotation.
    AnnotationValue,
    /// An element with no children of interest (`Member`, `PropertyRef`, `EntitySet`, ...).
    Leaf,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Term {
    Computed,
    Permissions,
    Description,
}

/// An annotation being read.
#[derive(Debug)]
struct Pending {
    term: Term,
    /// From an attribute (`Bool`, `String`, `EnumMember`) or value elements.
    values: Vec<String>,
    line: usize,
}

#[derive(Default)]
struct Parser {
    stack: Vec<Frame>,
    seen_schema: bool,
    /// Alias -> namespace: includes and schemas.
    aliases: HashMap<String, String>,
    namespace: String,
    model: Model,
    ty: Option<StructuredType>,
    enum_type: Option<EnumType>,
    /// The target of the `Annotations` block being read, its line and what it says so far.
    block: Option<(String, usize, Annotations)>,
    /// External annotations: raw target, line, terms.
    external: Vec<(String, usize, Annotations)>,
    annotation: Option<Pending>,
    text: String,
    /// Raw type names to check once aliases are known: (name, what uses it, line).
    uses: Vec<(String, String, usize)>,
}

fn attrs(e: &BytesStart<'_>, line: usize) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| format!("line {line}: bad attribute: {err}"))?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| format!("line {line}: bad attribute `{key}`: {err}"))?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn required<'a>(
    attrs: &'a [(String, String)],
    name: &str,
    element: &str,
    line: usize,
) -> Result<&'a str, String> {
    get(attrs, name)
        .filter(|v| !v.trim().is_empty())
        .map(str::trim)
        .ok_or_else(|| format!("line {line}: `<{element}>` has no `{name}` attribute"))
}

fn boolean(
    attrs: &[(String, String)],
    name: &str,
    default: bool,
    line: usize,
) -> Result<bool, String> {
    match get(attrs, name).map(str::trim) {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => Err(format!(
            "line {line}: `{name}=\"{other}\"` is not `true` or `false`"
        )),
    }
}

impl Parser {
    fn parent(&self) -> Option<Frame> {
        self.stack.last().copied()
    }

    fn capturing(&self) -> bool {
        self.parent() == Some(Frame::AnnotationValue)
    }

    /// An element starts. Returns `false` when its content is to be skipped (the caller skips
    /// to its end; no frame is pushed).
    fn start(&mut self, e: &BytesStart<'_>, line: usize) -> Result<bool, String> {
        let name = e.local_name();
        let name = name.as_ref();
        let parent = self.parent();
        let frame = match (parent, name) {
            (None, "Edmx") | (Some(Frame::Container), "DataServices" | "Reference") => {
                Frame::Container
            }
            (Some(Frame::Container), "Include") => {
                let a = attrs(e, line)?;
                let ns = required(&a, "Namespace", "edmx:Include", line)?.to_string();
                if let Some(alias) = get(&a, "Alias").map(str::trim).filter(|s| !s.is_empty()) {
                    self.aliases.insert(alias.to_string(), ns);
                }
                Frame::Leaf
            }
            (Some(Frame::Container), "Schema") => {
                let a = attrs(e, line)?;
                let ns = required(&a, "Namespace", "Schema", line)?.to_string();
                let alias = get(&a, "Alias")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                if let Some(alias) = &alias {
                    self.aliases.insert(alias.clone(), ns.clone());
                }
                self.model.namespaces.insert(ns.clone(), alias);
                self.namespace = ns;
                self.seen_schema = true;
                Frame::Schema
            }
            (Some(Frame::Schema), "EntityType" | "ComplexType") => {
                let a = attrs(e, line)?;
                let short = required(&a, "Name", name, line)?;
                self.ty = Some(StructuredType {
                    name: format!("{}.{short}", self.namespace),
                    namespace: self.namespace.clone(),
                    kind: if name == "EntityType" {
                        Kind::Entity
                    } else {
                        Kind::Complex
                    },
                    base_type: get(&a, "BaseType").map(|b| b.trim().to_string()),
                    is_abstract: boolean(&a, "Abstract", false, line)?,
                    open_type: boolean(&a, "OpenType", false, line)?,
                    key: Vec::new(),
                    properties: Vec::new(),
                    navigation_properties: Vec::new(),
                    annotations: Annotations::default(),
                    inherited_property_annotations: BTreeMap::new(),
                    line,
                });
                Frame::Type
            }
            (Some(Frame::Type), "Key") => Frame::Key,
            (Some(Frame::Key), "PropertyRef") => {
                let a = attrs(e, line)?;
                let p = required(&a, "Name", name, line)?.to_string();
                self.current_type().key.push(p);
                Frame::Leaf
            }
            (Some(Frame::Type), "Property") => {
                let a = attrs(e, line)?;
                let p = required(&a, "Name", name, line)?.to_string();
                let ty = required(&a, "Type", name, line)?;
                let nullable = boolean(&a, "Nullable", true, line)?;
                let ty = TypeRef::parse(ty);
                self.uses
                    .push((ty.name.clone(), format!("property `{p}`"), line));
                self.current_type().properties.push(Property {
                    name: p,
                    ty,
                    nullable,
                    annotations: Annotations::default(),
                    line,
                });
                Frame::Property
            }
            (Some(Frame::Type), "NavigationProperty") => {
                let a = attrs(e, line)?;
                let p = required(&a, "Name", name, line)?.to_string();
                let ty = TypeRef::parse(required(&a, "Type", name, line)?);
                let contains_target = boolean(&a, "ContainsTarget", false, line)?;
                self.uses
                    .push((ty.name.clone(), format!("navigation property `{p}`"), line));
                self.current_type()
                    .navigation_properties
                    .push(NavigationProperty {
                        name: p,
                        ty,
                        contains_target,
                        annotations: Annotations::default(),
                        line,
                    });
                Frame::NavigationProperty
            }
            (Some(Frame::Schema), "EnumType") => {
                let a = attrs(e, line)?;
                let short = required(&a, "Name", name, line)?;
                self.enum_type = Some(EnumType {
                    name: format!("{}.{short}", self.namespace),
                    is_flags: boolean(&a, "IsFlags", false, line)?,
                    members: Vec::new(),
                    line,
                });
                Frame::Enum
            }
            (Some(Frame::Enum), "Member") => {
                let a = attrs(e, line)?;
                let m = required(&a, "Name", name, line)?.to_string();
                if let Some(en) = &mut self.enum_type {
                    en.members.push(m);
                }
                // Member annotations are not read.
                return Ok(false);
            }
            (Some(Frame::Schema), "TypeDefinition") => {
                let a = attrs(e, line)?;
                let short = required(&a, "Name", name, line)?;
                let underlying = required(&a, "UnderlyingType", name, line)?.to_string();
                let qualified = format!("{}.{short}", self.namespace);
                self.model.type_definitions.insert(
                    qualified.clone(),
                    TypeDefinition {
                        name: qualified,
                        underlying_type: underlying,
                        line,
                    },
                );
                return Ok(false);
            }
            (Some(Frame::Schema), "EntityContainer") => Frame::EntityContainer,
            (Some(Frame::EntityContainer), "EntitySet") => {
                let a = attrs(e, line)?;
                let set = EntitySet {
                    name: required(&a, "Name", name, line)?.to_string(),
                    entity_type: required(&a, "EntityType", name, line)?.to_string(),
                    line,
                };
                self.uses.push((
                    set.entity_type.clone(),
                    format!("entity set `{}`", set.name),
                    line,
                ));
                self.model.entity_sets.push(set);
                // NavigationPropertyBinding and annotations: not read.
                return Ok(false);
            }
            (Some(Frame::EntityContainer), "Singleton") => {
                let a = attrs(e, line)?;
                let s = Singleton {
                    name: required(&a, "Name", name, line)?.to_string(),
                    ty: required(&a, "Type", name, line)?.to_string(),
                    line,
                };
                self.uses
                    .push((s.ty.clone(), format!("singleton `{}`", s.name), line));
                self.model.singletons.push(s);
                return Ok(false);
            }
            (Some(Frame::Schema | Frame::EntityContainer), "Annotations") => {
                let a = attrs(e, line)?;
                let target = required(&a, "Target", name, line)?.to_string();
                // A qualified block applies in some context only: not read.
                if get(&a, "Qualifier").is_some() {
                    return Ok(false);
                }
                self.block = Some((target, line, Annotations::default()));
                Frame::Block
            }
            (
                Some(Frame::Type | Frame::Property | Frame::NavigationProperty | Frame::Block),
                "Annotation",
            ) => {
                let a = attrs(e, line)?;
                let term = required(&a, "Term", name, line)?;
                let Some(term) = self.term(term) else {
                    return Ok(false);
                };
                if get(&a, "Qualifier").is_some() {
                    return Ok(false);
                }
                let mut values = Vec::new();
                for attr in ["Bool", "String", "EnumMember"] {
                    if let Some(v) = get(&a, attr) {
                        values.push(v.to_string());
                    }
                }
                self.annotation = Some(Pending { term, values, line });
                Frame::Annotation
            }
            (Some(Frame::Annotation), "Collection") => Frame::AnnotationCollection,
            (
                Some(Frame::Annotation | Frame::AnnotationCollection),
                "Bool" | "String" | "EnumMember",
            ) => {
                self.text.clear();
                Frame::AnnotationValue
            }
            // Actions, functions, terms, records, bindings, anything unknown.
            _ => return Ok(false),
        };
        self.stack.push(frame);
        Ok(true)
    }

    fn end(&mut self) -> Result<(), String> {
        let frame = self.stack.pop();
        match frame {
            Some(Frame::Type) => {
                if let Some(t) = self.ty.take() {
                    let line = t.line;
                    if let Some(old) = self.model.types.insert(t.name.clone(), t) {
                        return Err(format!(
                            "line {line}: type `{}` is declared twice (first on line {})",
                            old.name, old.line
                        ));
                    }
                }
            }
            Some(Frame::Enum) => {
                if let Some(en) = self.enum_type.take() {
                    self.model.enums.insert(en.name.clone(), en);
                }
            }
            Some(Frame::Block) => {
                if let Some((target, line, ann)) = self.block.take() {
                    if !ann.is_empty() {
                        self.external.push((target, line, ann));
                    }
                }
            }
            Some(Frame::AnnotationValue) => {
                if let Some(p) = &mut self.annotation {
                    p.values.push(std::mem::take(&mut self.text));
                }
            }
            Some(Frame::Annotation) => {
                if let Some(p) = self.annotation.take() {
                    let ann = self.annotation_value(p)?;
                    self.attach(ann);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn current_type(&mut self) -> &mut StructuredType {
        self.ty.as_mut().expect("inside a type frame")
    }

    /// The term an `Annotation` names, if it is one paylint reads.
    fn term(&self, raw: &str) -> Option<Term> {
        let (ns, name) = raw.trim().rsplit_once('.')?;
        let ns = self.aliases.get(ns).map_or(ns, String::as_str);
        if ns != CORE {
            return None;
        }
        match name {
            "Computed" => Some(Term::Computed),
            "Permissions" => Some(Term::Permissions),
            "Description" => Some(Term::Description),
            _ => None,
        }
    }

    fn annotation_value(&self, p: Pending) -> Result<Annotations, String> {
        let mut ann = Annotations::default();
        match p.term {
            Term::Computed => {
                let v = match p.values.first().map(|v| v.trim()) {
                    None | Some("true") => true,
                    Some("false") => false,
                    Some(other) => {
                        return Err(format!(
                            "line {}: `Org.OData.Core.V1.Computed` is `{other}`, not `true` or \
                             `false`",
                            p.line
                        ))
                    }
                };
                ann.computed = Some(v);
            }
            Term::Description => ann.description = p.values.into_iter().next(),
            Term::Permissions => {
                // `Core.Permission/Read`, several separated by spaces (CSDL 4.0) or commas.
                let mut members = Vec::new();
                for v in &p.values {
                    for item in v.split(|c: char| c.is_whitespace() || c == ',') {
                        if item.is_empty() {
                            continue;
                        }
                        let (ty, member) = item.rsplit_once('/').ok_or_else(|| {
                            format!(
                                "line {}: permission `{item}` is not `Org.OData.Core.V1.Permission/MEMBER`",
                                p.line
                            )
                        })?;
                        let (ns, ty_name) = ty.rsplit_once('.').unwrap_or(("", ty));
                        let ns = self.aliases.get(ns).map_or(ns, String::as_str);
                        if ns != CORE || ty_name != "Permission" {
                            return Err(format!(
                                "line {}: permission `{item}` is not `Org.OData.Core.V1.Permission/MEMBER`",
                                p.line
                            ));
                        }
                        members.push(member.to_string());
                    }
                }
                ann.permissions = Some(members);
            }
        }
        Ok(ann)
    }

    /// An annotation just read applies to the element around it.
    fn attach(&mut self, ann: Annotations) {
        match self.parent() {
            Some(Frame::Type) => {
                if let Some(t) = &mut self.ty {
                    t.annotations.merge(&ann);
                }
            }
            Some(Frame::Property) => {
                if let Some(p) = self.ty.as_mut().and_then(|t| t.properties.last_mut()) {
                    p.annotations.merge(&ann);
                }
            }
            Some(Frame::NavigationProperty) => {
                if let Some(p) = self
                    .ty
                    .as_mut()
                    .and_then(|t| t.navigation_properties.last_mut())
                {
                    p.annotations.merge(&ann);
                }
            }
            Some(Frame::Block) => {
                if let Some((_, _, block)) = &mut self.block {
                    block.merge(&ann);
                }
            }
            _ => {}
        }
    }

    /// `alias.Name` -> `namespace.Name`; namespace-qualified and `Edm.*` names as they are.
    fn resolve(&self, name: &str) -> String {
        match name.rsplit_once('.') {
            Some((q, simple)) => match self.aliases.get(q) {
                Some(ns) => format!("{ns}.{simple}"),
                None => name.to_string(),
            },
            None => name.to_string(),
        }
    }

    /// Every name resolved, external annotations applied, references checked.
    fn finish(mut self) -> Result<Model, String> {
        let resolved: Vec<(String, String)> = self
            .model
            .types
            .values()
            .flat_map(|t| {
                t.base_type
                    .iter()
                    .map(|b| (b.clone(), self.resolve(b)))
                    .chain(
                        t.properties
                            .iter()
                            .map(|p| &p.ty.name)
                            .chain(t.navigation_properties.iter().map(|n| &n.ty.name))
                            .map(|n| (n.clone(), self.resolve(n))),
                    )
            })
            .collect();
        let map: HashMap<String, String> = resolved.into_iter().collect();
        let fix = |s: &mut String| {
            if let Some(r) = map.get(s.as_str()) {
                s.clone_from(r);
            }
        };
        for t in self.model.types.values_mut() {
            if let Some(b) = &mut t.base_type {
                fix(b);
            }
            for p in &mut t.properties {
                fix(&mut p.ty.name);
            }
            for n in &mut t.navigation_properties {
                fix(&mut n.ty.name);
            }
        }
        let defs: Vec<String> = self.model.type_definitions.keys().cloned().collect();
        for name in defs {
            let u = self.resolve(&self.model.type_definitions[&name].underlying_type);
            let td = self.model.type_definitions.get_mut(&name).expect("listed");
            td.underlying_type = u;
        }
        let sets: Vec<String> = self
            .model
            .entity_sets
            .iter()
            .map(|s| self.resolve(&s.entity_type))
            .collect();
        for (s, r) in self.model.entity_sets.iter_mut().zip(sets) {
            s.entity_type = r;
        }
        let singles: Vec<String> = self
            .model
            .singletons
            .iter()
            .map(|s| self.resolve(&s.ty))
            .collect();
        for (s, r) in self.model.singletons.iter_mut().zip(singles) {
            s.ty = r;
        }

        for (target, _line, ann) in std::mem::take(&mut self.external) {
            let (ty, prop) = match target.split_once('/') {
                Some((t, p)) => (t, Some(p)),
                None => (target.as_str(), None),
            };
            let ty = self.resolve(ty.trim());
            // Targets on entity sets, operations, enum members and nested paths are not used.
            let Some(t) = self.model.types.get_mut(&ty) else {
                continue;
            };
            match prop {
                None => t.annotations.merge(&ann),
                Some(p) if p.contains('/') => {}
                Some(p) => {
                    if let Some(prop) = t.properties.iter_mut().find(|x| x.name == p) {
                        prop.annotations.merge(&ann);
                    } else if let Some(nav) =
                        t.navigation_properties.iter_mut().find(|x| x.name == p)
                    {
                        nav.annotations.merge(&ann);
                    } else {
                        t.inherited_property_annotations
                            .entry(p.to_string())
                            .or_default()
                            .merge(&ann);
                    }
                }
            }
        }
        self.check()?;
        Ok(self.model)
    }

    fn check(&self) -> Result<(), String> {
        let m = &self.model;
        let known = |name: &str| {
            name.starts_with("Edm.")
                || m.types.contains_key(name)
                || m.enums.contains_key(name)
                || m.type_definitions.contains_key(name)
        };
        // A type of one of this document's namespaces must be declared; other namespaces come
        // from referenced documents and are taken as they are.
        let ours = |name: &str| {
            name.rsplit_once('.')
                .is_some_and(|(ns, _)| m.namespaces.contains_key(ns))
        };
        for (raw, what, line) in &self.uses {
            let name = self.resolve(raw);
            if !known(&name) && ours(&name) {
                return Err(format!(
                    "line {line}: {what} has type `{raw}`, which this document does not declare"
                ));
            }
        }
        for s in &m.entity_sets {
            if m.types.get(&s.entity_type).map(|t| t.kind) == Some(Kind::Complex) {
                return Err(format!(
                    "line {}: entity set `{}` is of complex type `{}`",
                    s.line, s.name, s.entity_type
                ));
            }
        }
        for t in m.types.values() {
            for n in &t.navigation_properties {
                if m.types.get(&n.ty.name).map(|t| t.kind) == Some(Kind::Complex) {
                    return Err(format!(
                        "line {}: navigation property `{}` of `{}` has complex type `{}`",
                        n.line, n.name, t.name, n.ty.name
                    ));
                }
            }
            let mut seen = vec![t.name.as_str()];
            let mut cur = t;
            while let Some(b) = &cur.base_type {
                let Some(base) = m.types.get(b) else {
                    return Err(format!(
                        "line {}: `{}` has base type `{b}`, which is not declared",
                        t.line, t.name
                    ));
                };
                if base.kind != t.kind {
                    return Err(format!(
                        "line {}: `{}` and its base type `{b}` are not both entity or both \
                         complex types",
                        t.line, t.name
                    ));
                }
                if seen.contains(&base.name.as_str()) {
                    return Err(format!(
                        "line {}: `{}` derives from itself (through `{b}`)",
                        t.line, t.name
                    ));
                }
                seen.push(&base.name);
                cur = base;
            }
        }
        for td in m.type_definitions.values() {
            if !td.underlying_type.starts_with("Edm.") {
                return Err(format!(
                    "line {}: type definition `{}` has underlying type `{}`, not an Edm type",
                    td.line, td.name, td.underlying_type
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const FIXTURE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/csdl/fixture.xml"
    ));

    fn model() -> Model {
        read(FIXTURE.as_bytes()).unwrap()
    }

    #[test]
    fn reads_schemas_types_and_container() {
        let m = model();
        assert_eq!(m.alias_of("microsoft.graph"), Some("graph"));
        assert_eq!(m.alias_of("microsoft.graph.security"), Some("self"));
        let entity = &m.types["microsoft.graph.entity"];
        assert_eq!(entity.kind, Kind::Entity);
        assert!(entity.is_abstract);
        assert_eq!(entity.key, vec!["id"]);
        assert_eq!(entity.short_name(), "entity");
        let item = &m.types["microsoft.graph.ProvisionPolicyAssignmentItem"];
        assert_eq!(item.base_type.as_deref(), Some("microsoft.graph.entity"));
        assert_eq!(item.properties[0].name, "groupId");
        assert!(!item.properties[0].nullable);
        let policy = &m.types["microsoft.graph.provisioningPolicy"];
        let assignments = policy
            .navigation_properties
            .iter()
            .find(|n| n.name == "assignments")
            .unwrap();
        assert!(assignments.contains_target);
        assert_eq!(
            assignments.ty,
            TypeRef {
                name: "microsoft.graph.ProvisionPolicyAssignmentItem".into(),
                collection: true
            }
        );
        assert!(m.types["microsoft.graph.user"].open_type);
        assert_eq!(
            m.types["microsoft.graph.assignmentTarget"].kind,
            Kind::Complex
        );
        let flags = &m.enums["microsoft.graph.weekDays"];
        assert!(flags.is_flags);
        assert_eq!(flags.members, vec!["monday", "tuesday", "wednesday"]);
        assert!(!m.enums["microsoft.graph.policyState"].is_flags);
        assert_eq!(
            m.type_definitions["microsoft.graph.percentage"].underlying_type,
            "Edm.Int32"
        );
        let sets: Vec<(&str, &str)> = m
            .entity_sets
            .iter()
            .map(|s| (s.name.as_str(), s.entity_type.as_str()))
            .collect();
        assert!(sets.contains(&("provisioningPolicies", "microsoft.graph.provisioningPolicy")));
        assert!(sets.contains(&("alerts", "microsoft.graph.security.alert")));
        assert_eq!(m.singletons[0].name, "me");
        assert_eq!(m.singletons[0].ty, "microsoft.graph.user");
        // Actions, functions and terms are not read; Member annotations neither.
        assert!(!m.types.contains_key("microsoft.graph.assign"));
    }

    #[test]
    fn aliases_resolve_to_namespaces() {
        let m = model();
        // `self.` inside microsoft.graph.security, `graph.` across schemas.
        let alert = &m.types["microsoft.graph.security.alert"];
        assert_eq!(alert.base_type.as_deref(), Some("microsoft.graph.entity"));
        let evidence = alert
            .properties
            .iter()
            .find(|p| p.name == "evidence")
            .unwrap();
        assert_eq!(evidence.ty.name, "microsoft.graph.security.alertEvidence");
        assert!(evidence.ty.collection);
        // An alias declared after its first use.
        let late = r#"<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
            <Schema Namespace="a.b" Alias="ab"><ComplexType Name="x"><Property Name="y" Type="cd.z" /></ComplexType></Schema>
            <Schema Namespace="c.d" Alias="cd"><ComplexType Name="z" /></Schema>
            </edmx:DataServices></edmx:Edmx>"#;
        let m = read(late.as_bytes()).unwrap();
        assert_eq!(m.types["a.b.x"].properties[0].ty.name, "c.d.z");
    }

    #[test]
    fn reads_core_annotations_inline_and_external() {
        let m = model();
        let policy = &m.types["microsoft.graph.provisioningPolicy"];
        assert_eq!(
            policy.annotations.description.as_deref(),
            Some("A provisioning policy: what a Cloud PC gets & who gets it.")
        );
        let prop = |n: &str| policy.properties.iter().find(|p| p.name == n).unwrap();
        assert_eq!(
            prop("displayName").annotations.description.as_deref(),
            Some("The name shown to admins.")
        );
        // External, namespace-qualified target; `Core.` term alias; no Bool means true.
        assert_eq!(prop("createdDateTime").annotations.computed, Some(true));
        assert!(prop("createdDateTime").annotations.read_only());
        // External, alias-qualified target, `<EnumMember>` child.
        assert_eq!(
            prop("version").annotations.permissions.as_deref(),
            Some(&["Read".to_string()][..])
        );
        assert!(prop("version").annotations.read_only());
        // ReadWrite and Computed false are not read-only.
        assert!(!prop("state").annotations.read_only());
        assert_eq!(
            prop("state")
                .annotations
                .permissions
                .as_ref()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(prop("coverage").annotations.computed, Some(false));
        assert!(!prop("coverage").annotations.read_only());
        // A `<String>` child element, with entity references.
        assert_eq!(
            prop("window").annotations.description.as_deref(),
            Some("When it applies (<local> time).")
        );
        // A target naming a property declared by a base type.
        let user = &m.types["microsoft.graph.user"];
        assert_eq!(
            user.inherited_property_annotations["deletedDateTime"]
                .description
                .as_deref(),
            Some("When the user was deleted.")
        );
        // A qualified annotation is not read.
        assert_eq!(
            m.types["microsoft.graph.entity"].properties[0]
                .annotations
                .description
                .as_deref(),
            Some("The unique identifier of an entity.")
        );
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("<edmx:Edmx><edmx:DataServices>\n<Schema>", "line 2: `<Schema>` has no `Namespace`"),
            (
                "<edmx:Edmx><edmx:DataServices><Schema Namespace=\"n\">\n\n<EntityType Name=\"a\" BaseType=\"n.b\" /></Schema></edmx:DataServices></edmx:Edmx>",
                "line 3: `n.a` has base type `n.b`, which is not declared",
            ),
            (
                "<edmx:Edmx><edmx:DataServices><Schema Namespace=\"n\">\n<ComplexType Name=\"a\">\n<Property Name=\"p\" Type=\"n.nope\" /></ComplexType></Schema></edmx:DataServices></edmx:Edmx>",
                "line 3: property `p` has type `n.nope`",
            ),
            (
                "<edmx:Edmx><edmx:DataServices><Schema Namespace=\"n\">\n<ComplexType Name=\"a\">\n</Schema>",
                "line 3: not well-formed XML",
            ),
            (
                "<edmx:Edmx><edmx:DataServices><Schema Namespace=\"n\">\n<ComplexType Name=\"a\" Abstract=\"yes\" />",
                "line 2: `Abstract=\"yes\"` is not `true` or `false`",
            ),
            ("<html><body>hello</body></html>", "not an OData CSDL"),
            ("", "not an OData CSDL"),
        ];
        for (xml, needle) in cases {
            let e = read(xml.as_bytes()).unwrap_err();
            assert!(e.contains(needle), "{xml}\n-> {e}");
        }
    }

    #[test]
    fn line_count_follows_the_reader() {
        // What the counter has consumed is what quick-xml says it has read.
        let mut reader = Reader::from_reader(Lines {
            inner: io::BufReader::with_capacity(7, FIXTURE.as_bytes()),
            newlines: 0,
        });
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let ev = reader.read_event_into(&mut buf).unwrap();
            let pos = reader.buffer_position() as usize;
            assert_eq!(
                reader.get_ref().newlines,
                count_newlines(&FIXTURE.as_bytes()[..pos])
            );
            if ev == Event::Eof {
                break;
            }
        }
    }
}
