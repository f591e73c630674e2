//! Actions and functions, and the entity container: entity sets, singletons and operation
//! imports.

use super::annotations::{description, has_term};
use super::{short_at, Builder};
use crate::odata::csdl;
use crate::odata::model::{
    EntitySet, Import, Kind, Model, Operation, OperationKind, Parameter, Primitive, Singleton,
    TypeId, TypeRef,
};
use std::collections::{BTreeMap, HashMap};

impl<'d> Builder<'d> {
    /// Actions and functions: parameters, return types, bindings; sorted by qualified name.
    pub(super) fn operations(&mut self, model: &mut Model) {
        let doc = self.doc;
        let mut ops: Vec<(String, usize, Operation)> = Vec::new();
        let mut seq = 0;
        let mut decls: Vec<(&str, &csdl::OperationDecl)> = Vec::new();
        for s in &doc.schemas {
            for op in &s.operations {
                decls.push((&s.namespace, op));
            }
            for c in &s.containers {
                for op in &c.legacy_imports {
                    decls.push((&s.namespace, op));
                }
            }
        }
        for (ns, op) in decls {
            if !self.check_name(&op.name, "operation", op.at) {
                continue;
            }
            let Some(o) = self.operation(ns, op) else {
                continue;
            };
            ops.push((o.name.clone(), seq, o));
            seq += 1;
        }
        ops.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        model.operations = ops.into_iter().map(|(_, _, o)| o).collect();
        for (i, o) in model.operations.iter().enumerate() {
            if let Some(TypeRef {
                id: TypeId::Structured(t),
                collection,
                ..
            }) = &o.binding
            {
                let ty = &mut model.types[*t as usize];
                if *collection {
                    ty.bound_to_collection.push(i as u32);
                } else {
                    ty.bound.push(i as u32);
                }
            }
        }
    }

    /// One action or function declared in namespace `ns`; `None` (the problem recorded) for a
    /// bound operation without a binding parameter.
    fn operation(&mut self, ns: &str, op: &csdl::OperationDecl) -> Option<Operation> {
        let q = format!("{ns}.{}", op.name);
        let what = format!("`{q}`");
        let mut params = op.parameters.iter();
        let binding = if op.is_bound {
            match params.next() {
                Some(b) => Some(self.type_ref(
                    b.ty.as_deref(),
                    b.nullable,
                    &format!("the binding parameter of {what}"),
                    b.at,
                )),
                None => {
                    self.error(
                        op.at,
                        format!("bound operation {what} has no binding parameter"),
                        Some("its first `Parameter` is what it is bound to".into()),
                    );
                    return None;
                }
            }
        } else {
            None
        };
        let mut parameters = Vec::new();
        for p in params {
            let ty = self.type_ref(
                p.ty.as_deref(),
                p.nullable,
                &format!("parameter `{}` of {what}", p.name),
                p.at,
            );
            parameters.push(Parameter {
                name: p.name.clone(),
                ty,
                optional: has_term(&p.annotations, "OptionalParameter", &self.aliases),
            });
        }
        let returns = op.return_type.as_ref().map(|r| {
            self.type_ref(
                r.ty.as_deref(),
                r.nullable,
                &format!("the return type of {what}"),
                r.at,
            )
        });
        Some(Operation {
            short_at: short_at(&q),
            name: q,
            kind: match op.kind {
                csdl::OperationKind::Action => OperationKind::Action,
                csdl::OperationKind::Function => OperationKind::Function,
            },
            binding,
            parameters,
            returns,
            composable: op.is_composable,
            description: description(&op.annotations, &self.aliases),
        })
    }

    /// Entity sets, singletons and imports of every container (V2 documents may have several).
    pub(super) fn container(&mut self, model: &mut Model) {
        let doc = self.doc;
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut sets = Vec::new();
        let mut singletons = Vec::new();
        let mut imports: BTreeMap<String, Import> = BTreeMap::new();
        for s in &doc.schemas {
            for c in &s.containers {
                for set in &c.entity_sets {
                    if !self.once(&mut seen, &set.name, set.at) {
                        continue;
                    }
                    let what = format!("entity set `{}`", set.name);
                    if let Some(ty) = self.entity_type_of(set.ty.as_deref(), &what, set.at, model) {
                        sets.push(EntitySet {
                            name: set.name.clone(),
                            ty,
                            not_creatable: set.sap.not_creatable,
                            not_updatable: set.sap.not_updatable,
                        });
                    }
                }
                for single in &c.singletons {
                    if !self.once(&mut seen, &single.name, single.at) {
                        continue;
                    }
                    let what = format!("singleton `{}`", single.name);
                    if let Some(ty) =
                        self.entity_type_of(single.ty.as_deref(), &what, single.at, model)
                    {
                        singletons.push(Singleton {
                            name: single.name.clone(),
                            ty,
                        });
                    }
                }
                for imp in &c.imports {
                    if !self.once(&mut seen, &imp.name, imp.at) {
                        continue;
                    }
                    let target = imp.target.as_deref().unwrap_or("");
                    let (q, _) = self.qualify(target);
                    let ops = unbound_operations(model, &q);
                    if ops.is_empty() {
                        self.unresolved(imp.at, format!("import `{}` names `{target}`, which is no unbound operation of this document", imp.name), None);
                        continue;
                    }
                    imports.insert(
                        imp.name.clone(),
                        Import {
                            name: imp.name.clone(),
                            operations: ops,
                        },
                    );
                }
                for op in &c.legacy_imports {
                    if !self.once(&mut seen, &op.name, op.at) {
                        continue;
                    }
                    let q = format!("{}.{}", s.namespace, op.name);
                    let ops = unbound_operations(model, &q);
                    if !ops.is_empty() {
                        imports.insert(
                            op.name.clone(),
                            Import {
                                name: op.name.clone(),
                                operations: ops,
                            },
                        );
                    }
                }
            }
        }
        sets.sort_by(|a, b| a.name.cmp(&b.name));
        singletons.sort_by(|a, b| a.name.cmp(&b.name));
        model.entity_sets = sets;
        model.singletons = singletons;
        model.imports = imports.into_values().collect();
    }

    pub(super) fn entity_type_of(
        &mut self,
        raw: Option<&str>,
        what: &str,
        at: usize,
        model: &Model,
    ) -> Option<u32> {
        let r = self.type_ref(raw, None, what, at);
        match r.id {
            TypeId::Structured(i) if model.types[i as usize].kind == Kind::Entity => Some(i),
            TypeId::Structured(i) => {
                self.error(
                    at,
                    format!(
                        "{what} is of complex type `{}`: it must be an entity type",
                        model.types[i as usize].name
                    ),
                    None,
                );
                None
            }
            TypeId::Primitive(Primitive::Untyped) => None,
            _ => {
                self.error(
                    at,
                    format!(
                        "{what} is of type `{}`: it must be an entity type",
                        raw.unwrap_or("")
                    ),
                    None,
                );
                None
            }
        }
    }
}

/// The unbound operations named `q` (overloads of one function), by index.
fn unbound_operations(model: &Model, q: &str) -> Vec<u32> {
    model
        .operations
        .iter()
        .enumerate()
        .filter(|(_, o)| o.name == q && o.binding.is_none())
        .map(|(i, _)| i as u32)
        .collect()
}
