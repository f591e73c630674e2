//! CSDL's elements read into the document: `Edmx`, `Schema` and what it declares (types, enums,
//! operations, containers, V2's associations), and annotations.

use super::{
    Annotation, AnnotationValue, AnnotationsBlock, AssociationDecl, ContainerDecl, DefinitionDecl,
    Element, EndDecl, EnumDecl, ImportDecl, Include, MemberDecl, Named, NavigationDecl,
    OperationDecl, OperationKind, ParameterDecl, PropertyDecl, ReadError, ReturnDecl, SapFlags,
    Schema, SetDecl, TypeDecl, TypeKind, Walker,
};

impl<'t> Walker<'t> {
    pub(super) fn document(&mut self) -> Result<(), ReadError> {
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

    pub(super) fn edmx(&mut self) -> Result<(), ReadError> {
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

    pub(super) fn schema(&mut self, e: Element<'t>) -> Result<(), ReadError> {
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

    pub(super) fn structured(&mut self, e: Element<'t>) -> Result<TypeDecl, ReadError> {
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

    pub(super) fn enumeration(&mut self, e: Element<'t>) -> Result<EnumDecl, ReadError> {
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

    pub(super) fn operation(&mut self, e: Element<'t>) -> Result<OperationDecl, ReadError> {
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
    pub(super) fn operation_content(&mut self, op: &mut OperationDecl) -> Result<(), ReadError> {
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

    pub(super) fn container(&mut self, e: Element<'t>) -> Result<ContainerDecl, ReadError> {
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

    pub(super) fn association(&mut self, e: Element<'t>) -> Result<AssociationDecl, ReadError> {
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
    pub(super) fn annotations_in(&mut self, e: &Element<'t>) -> Result<Vec<Annotation>, ReadError> {
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
    pub(super) fn annotation(&mut self, e: Element<'t>) -> Result<Annotation, ReadError> {
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

pub(super) fn sap_flags(e: &Element<'_>) -> SapFlags {
    SapFlags {
        // SAP's own attributes: a value other than a boolean says nothing checkable.
        not_creatable: e.flag("creatable").ok().flatten() == Some(false),
        not_updatable: e.flag("updatable").ok().flatten() == Some(false),
    }
}
