//! The operations of an imported catalog: for each entity set and singleton, and down contained
//! navigation properties, the requests a service answers and what their bodies require.

use super::operation::{BodySpec, OperationSpec};
use crate::odata::model::{Model, Property, ReadOnly};
use std::collections::{BTreeMap, HashMap};

/// Contained navigation is followed until paths have this many segments.
pub const MAX_PATH_SEGMENTS: usize = 8;

/// Operations per declaration of the document (types, navigation properties, entity sets,
/// singletons) before containment stops being followed: containment paths can multiply with
/// each level (20 types containing each other make billions of paths of 8 segments), and the
/// catalog must stay in proportion to the document. Microsoft Graph needs 3.
const OPERATIONS_PER_DECLARATION: usize = 16;

/// What a response requires and what a PUT request requires, per type.
type Bodies = (Vec<String>, Vec<String>);

pub(crate) struct Operations<'m> {
    m: &'m Model,
    strict_responses: bool,
    /// By type, then by (path, method).
    pub(crate) by_resource: BTreeMap<u32, BTreeMap<(String, &'static str), OperationSpec>>,
    bodies: HashMap<u32, Bodies>,
    count: usize,
    budget: usize,
    /// Containment was cut short by the budget.
    pub(crate) truncated: bool,
}

pub(crate) fn segments(path: &str) -> usize {
    path.bytes().filter(|&b| b == b'/').count()
}

impl<'m> Operations<'m> {
    pub(crate) fn new(m: &'m Model, strict_responses: bool) -> Self {
        let declarations = m.types.len()
            + m.types.iter().map(|t| t.navigations.len()).sum::<usize>()
            + m.entity_sets.len()
            + m.singletons.len();
        Operations {
            m,
            strict_responses,
            by_resource: BTreeMap::new(),
            bodies: HashMap::new(),
            count: 0,
            budget: 10_000 + OPERATIONS_PER_DECLARATION * declarations,
            truncated: false,
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }

    pub(crate) fn build(&mut self) {
        let m = self.m;
        for set in &m.entity_sets {
            let coll = format!("/{}", set.name);
            let item = format!("{coll}/{{{}Id}}", set.name);
            self.collection(set.ty, &coll, &item, !set.not_creatable, !set.not_updatable);
            self.contained(set.ty, &item, &mut vec![set.ty]);
        }
        for single in &m.singletons {
            let path = format!("/{}", single.name);
            self.single(single.ty, &path, false);
            self.contained(single.ty, &path, &mut vec![single.ty]);
        }
    }

    /// The navigation properties of `ty` (and its bases) that contain their targets, from the
    /// item at `path`, in name order.
    fn contained(&mut self, ty: u32, path: &str, on_path: &mut Vec<u32>) {
        if segments(path) >= MAX_PATH_SEGMENTS {
            return;
        }
        let m = self.m;
        let mut navs = BTreeMap::new();
        for t in m.lineage(ty) {
            for n in &m.ty(t).navigations {
                navs.entry(n.name.as_str()).or_insert(n);
            }
        }
        for (name, nav) in navs {
            if !nav.contains_target {
                continue;
            }
            if self.count >= self.budget {
                self.truncated = true;
                return;
            }
            let target = nav.target;
            let item = if nav.collection {
                let coll = format!("{path}/{name}");
                let item = format!("{coll}/{{{name}Id}}");
                self.collection(target, &coll, &item, true, true);
                item
            } else {
                let item = format!("{path}/{name}");
                self.single(target, &item, true);
                item
            };
            // A type already on the path gets its operations here, but is not entered again.
            if !on_path.contains(&target) {
                on_path.push(target);
                self.contained(target, &item, on_path);
                on_path.pop();
            }
        }
    }

    fn collection(&mut self, ty: u32, coll: &str, item: &str, create: bool, update: bool) {
        let (resp, put) = self.bodies(ty);
        if segments(coll) <= MAX_PATH_SEGMENTS {
            // A list returns `{"value": [...]}`; its items are checked as bodies of `ty`.
            self.add(ty, "list", "GET", coll, None, &[("200", Some(&resp))]);
            if create {
                let created = [("201", Some(&resp[..]))];
                self.add(ty, "create", "POST", coll, Some(vec![]), &created);
            }
        }
        if segments(item) <= MAX_PATH_SEGMENTS {
            self.item(ty, item, &resp, update.then_some(&put), true, update);
        }
    }

    /// A singleton (GET, PATCH) or a single-valued contained entity (and PUT).
    fn single(&mut self, ty: u32, path: &str, replace: bool) {
        if segments(path) <= MAX_PATH_SEGMENTS {
            let (resp, put) = self.bodies(ty);
            self.item(ty, path, &resp, replace.then_some(&put), false, true);
        }
    }

    fn item(
        &mut self,
        ty: u32,
        path: &str,
        resp: &[String],
        put: Option<&Vec<String>>,
        delete: bool,
        update: bool,
    ) {
        self.add(ty, "get", "GET", path, None, &[("200", Some(resp))]);
        let updated = [("200", Some(resp)), ("204", None)];
        if update {
            self.add(ty, "update", "PATCH", path, Some(vec![]), &updated);
        }
        if let Some(put) = put {
            self.add(ty, "replace", "PUT", path, Some(put.clone()), &updated);
        }
        if delete {
            self.add(ty, "delete", "DELETE", path, None, &[("204", None)]);
        }
    }

    fn add(
        &mut self,
        ty: u32,
        verb: &str,
        method: &'static str,
        path: &str,
        request: Option<Vec<String>>,
        responses: &[(&str, Option<&[String]>)],
    ) {
        let ops = self.by_resource.entry(ty).or_default();
        let key = (path.to_string(), method);
        if ops.contains_key(&key) {
            return;
        }
        self.count += 1;
        ops.insert(
            key,
            OperationSpec {
                name: format!("{verb}:{path}"),
                method: method.to_string(),
                path: path.to_string(),
                request: request.map(|required| BodySpec { required }),
                responses: responses
                    .iter()
                    .map(|(status, body)| {
                        (
                            status.to_string(),
                            body.map(|r| BodySpec {
                                required: r.to_vec(),
                            }),
                        )
                    })
                    .collect(),
            },
        );
    }

    /// (what a response requires: the key; what a PUT request requires: the non-nullable
    /// properties that may be sent on update, the key aside).
    ///
    /// A response requires only the key because `Nullable="false"` says a property is never
    /// null, not that it is sent: Graph returns a default subset (`GET /me` has no `birthday` or
    /// `hireDate`, both non-nullable, unless they are selected), so requiring them would flag
    /// every real response.
    fn bodies(&mut self, ty: u32) -> Bodies {
        if let Some(b) = self.bodies.get(&ty) {
            return b.clone();
        }
        let m = self.m;
        let t = m.ty(ty);
        // A key path into a complex property (`address/city`) names no top-level property.
        let mut resp: Vec<String> = t.key.iter().filter(|k| !k.contains('/')).cloned().collect();
        let mut props: BTreeMap<&str, &Property> = BTreeMap::new();
        for c in m.lineage(ty) {
            for p in &m.ty(c).properties {
                props.entry(p.name.as_str()).or_insert(p);
            }
        }
        let mut put = Vec::new();
        for (&name, p) in &props {
            if p.ty.nullable {
                continue;
            }
            if self.strict_responses && !resp.iter().any(|r| r == name) {
                resp.push(name.to_string());
            }
            let read_only = self.read_only(ty, name, p);
            if !t.key.iter().any(|k| k == name) && !read_only.is_some_and(ReadOnly::on_update) {
                put.push(name.to_string());
            }
        }
        self.bodies.insert(ty, (resp.clone(), put.clone()));
        (resp, put)
    }

    /// What `ty` says of its property `name` declared as `p`: the nearest annotation on the way
    /// from `ty` up to the declaring type.
    fn read_only(&self, ty: u32, name: &str, p: &Property) -> Option<ReadOnly> {
        for c in self.m.lineage(ty) {
            let c = self.m.ty(c);
            if let Some(a) = c.inherited.iter().find(|a| a.property == name) {
                if a.read_only.is_some() {
                    return a.read_only;
                }
            }
            if c.properties.as_ptr_range().contains(&std::ptr::from_ref(p)) {
                break;
            }
        }
        p.read_only
    }
}
