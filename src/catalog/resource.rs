//! One resource of the catalog: its schema (in memory, or read from an imported catalog's
//! folder on first use), the validators compiled from it for each set of required properties,
//! and the walk of its subschemas that findings use to name types, hints and read-only fields.

use super::bundle::{self, Files};
use super::edm;
use super::names;
use super::operation::{self, Operation};
use super::store::Store;
use super::CatalogError;
use crate::direction::Direction;
use crate::json::{Kind, Node};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// A compiled validator, or why the schema cannot be used.
type Compiled = Result<Arc<crate::instance::Validator>, CatalogError>;

/// A resource: a type's schema, the operations on it and what they require.
pub struct Resource {
    /// The type's name: `ProvisionPolicyAssignmentItem`, or namespace-qualified when imported
    /// (`microsoft.graph.user`).
    pub name: String,
    /// Where the schema came from (`schemas/NAME.schema.json` or the `--schemas` path).
    pub source: String,
    /// The canonical `@odata.type` (`#namespace.Name`), when the schema fixes it.
    pub odata_type: Option<String>,
    /// Every `@odata.type` value that names this type exactly (canonical, alias-qualified).
    pub odata_types: Vec<String>,
    pub operations: Vec<Operation>,
    /// From the embedded catalog.
    pub(super) built_in: bool,
    schema: LazySchema,
    /// Compiled validators by required-property set; a schema that cannot be used is
    /// remembered too, so it is read and reported as the same error, not tried again.
    validators: Mutex<HashMap<Vec<String>, Compiled>>,
    /// Read-only top-level properties, worked out when the schema is first used.
    read_only: OnceLock<Vec<String>>,
    /// What a body without an operation requires (no direction, request, response), worked
    /// out on first use (an imported catalog has thousands of resources a run never uses).
    pub(super) bare_required: OnceLock<[Vec<String>; 3]>,
    /// The validators for those three, once compiled: most bodies take one of them, without a
    /// lock or a lookup.
    pub(super) bare_validators: [OnceLock<Arc<crate::instance::Validator>>; 3],
}

/// A schema in memory, or an imported catalog's resource, assembled from its folder's files on
/// first use ([`super::bundle`]).
pub(super) enum LazySchema {
    Loaded(Value),
    Imported {
        store: Arc<Store>,
        slot: usize,
        cell: OnceLock<Result<Value, CatalogError>>,
    },
}

impl fmt::Debug for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resource")
            .field("name", &self.name)
            .field("source", &self.source)
            .field("odata_type", &self.odata_type)
            .finish_non_exhaustive()
    }
}

/// Where a payload was sent: what the input format knows about it.
#[derive(Debug, Clone, Default)]
pub struct Exchange<'a> {
    pub direction: Option<Direction>,
    pub operation: Option<&'a Operation>,
    pub status: Option<u16>,
    /// The properties a response was asked to carry (`$select` of the request it answers).
    pub select: Option<Vec<String>>,
}

/// Properties required at the top level of a body by `operations` (one operation, or all when
/// `operation` is given as None): the intersection over the candidate bodies. Operations or
/// statuses without a body (DELETE, 204) are not candidates.
fn compute_required(
    operations: &[Operation],
    direction: Option<Direction>,
    operation: Option<&Operation>,
    status: Option<u16>,
) -> Vec<String> {
    let request = |op: &Operation| op.request.clone();
    let responses = |op: &Operation| -> Vec<operation::BodySpec> {
        match status {
            Some(s) if operation.is_some() => op
                .responses
                .get(&s)
                .map(|b| b.clone().unwrap_or_default())
                .into_iter()
                .collect(),
            _ => op.responses.values().filter_map(Clone::clone).collect(),
        }
    };
    let ops: Vec<&Operation> = match operation {
        Some(op) => vec![op],
        None => operations.iter().collect(),
    };
    let mut bodies: Vec<operation::BodySpec> = Vec::new();
    for op in ops {
        if direction != Some(Direction::Response) {
            match request(op) {
                Some(b) => bodies.push(b),
                // An operation's request without a body spec requires nothing.
                None if operation.is_some() => bodies.push(Default::default()),
                None => {}
            }
        }
        if direction != Some(Direction::Request) {
            let rs = responses(op);
            if rs.is_empty() && operation.is_some() && status.is_some() {
                bodies.push(Default::default());
            }
            bodies.extend(rs);
        }
    }
    let mut out: Vec<String> = Vec::new();
    if let Some((first, rest)) = bodies.split_first() {
        for name in &first.required {
            if rest.iter().all(|b| b.required.contains(name)) {
                out.push(name.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn bare_index(direction: Option<Direction>) -> usize {
    match direction {
        None => 0,
        Some(Direction::Request) => 1,
        Some(Direction::Response) => 2,
    }
}

impl Resource {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        name: String,
        source: String,
        odata_types: Vec<String>,
        operations: Vec<Operation>,
        built_in: bool,
        schema: LazySchema,
    ) -> Resource {
        Resource {
            name,
            source,
            odata_type: odata_types.first().cloned(),
            odata_types,
            operations,
            built_in,
            schema,
            validators: Mutex::new(HashMap::new()),
            read_only: OnceLock::new(),
            bare_required: OnceLock::new(),
            bare_validators: Default::default(),
        }
    }

    fn bare_required(&self, direction: Option<Direction>) -> &[String] {
        let all = self.bare_required.get_or_init(|| {
            [None, Some(Direction::Request), Some(Direction::Response)]
                .map(|direction| compute_required(&self.operations, direction, None, None))
        });
        &all[bare_index(direction)]
    }

    /// The name without its namespace: `user` for `microsoft.graph.user`.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// Does this type derive from the resource named `base`?
    pub fn derives_from(&self, base: &str) -> bool {
        match &self.schema {
            LazySchema::Imported { store, slot, .. } => {
                let table = store.table();
                table
                    .lineage(*slot)
                    .skip(1)
                    .any(|b| table.ty(b).name == base)
            }
            LazySchema::Loaded(_) => false,
        }
    }

    /// Qualified names of the base types, nearest first (imported catalogs).
    pub fn base_types(&self) -> Vec<String> {
        match &self.schema {
            LazySchema::Imported { store, slot, .. } => {
                let table = store.table();
                table
                    .lineage(*slot)
                    .skip(1)
                    .map(|b| table.ty(b).name.clone())
                    .collect()
            }
            LazySchema::Loaded(_) => Vec::new(),
        }
    }

    /// The schema, assembled on first use for an imported catalog (its files read and checked
    /// once, however many resources use them).
    pub fn load_schema(&self) -> Result<&Value, String> {
        self.load_schema_typed().map_err(|e| e.to_string())
    }

    fn load_schema_typed(&self) -> Result<&Value, CatalogError> {
        match &self.schema {
            LazySchema::Loaded(v) => Ok(v),
            LazySchema::Imported { store, slot, cell } => cell
                .get_or_init(|| bundle::bundle(&**store, *slot))
                .as_ref()
                .map_err(Clone::clone),
        }
    }

    /// The schema, or `null` when it cannot be loaded (the validator reports why).
    pub fn schema(&self) -> &Value {
        static NONE: Value = Value::Null;
        self.load_schema().unwrap_or(&NONE)
    }

    /// The validator for what `ex` requires (see [`Resource::required`]).
    pub fn validator_for(
        &self,
        ex: &Exchange<'_>,
    ) -> Result<Arc<crate::instance::Validator>, String> {
        self.try_validator_for(ex).map_err(|e| e.to_string())
    }

    /// [`Resource::validator_for`], its error the catalog's: the file that cannot be used and
    /// why (a broken file of an imported catalog is read and checked once, and each later use
    /// gets the same error).
    pub fn try_validator_for(
        &self,
        ex: &Exchange<'_>,
    ) -> Result<Arc<crate::instance::Validator>, CatalogError> {
        if ex.operation.is_none() && ex.select.is_none() {
            let i = bare_index(ex.direction);
            if let Some(v) = self.bare_validators[i].get() {
                return Ok(v.clone());
            }
            let v = self.try_validator(self.bare_required(ex.direction))?;
            return Ok(self.bare_validators[i].get_or_init(|| v).clone());
        }
        self.try_validator(&self.required(ex))
    }

    /// Properties required at the top level of a body: what the exchange's operation requires
    /// for its direction (and status); without an operation, only what every operation of that
    /// direction requires (and without a direction, what both directions require). A response
    /// to a request with `$select` needs only what was selected.
    pub fn required(&self, ex: &Exchange<'_>) -> Vec<String> {
        let mut out = match ex.operation {
            None => self.bare_required(ex.direction).to_vec(),
            Some(op) => compute_required(&self.operations, ex.direction, Some(op), ex.status),
        };
        if let (Some(select), Some(Direction::Response)) = (&ex.select, ex.direction) {
            out.retain(|p| select.iter().any(|s| s == p));
        }
        out
    }

    /// The compiled validator for this schema with `extra_required` added at the top level.
    pub fn validator(
        &self,
        extra_required: &[String],
    ) -> Result<Arc<crate::instance::Validator>, String> {
        self.try_validator(extra_required)
            .map_err(|e| e.to_string())
    }

    /// [`Resource::validator`], its error the catalog's.
    pub fn try_validator(
        &self,
        extra_required: &[String],
    ) -> Result<Arc<crate::instance::Validator>, CatalogError> {
        let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = cache.get(extra_required) {
            return v.clone();
        }
        let compiled = self.compile(extra_required);
        cache.insert(extra_required.to_vec(), compiled.clone());
        compiled
    }

    fn compile(&self, extra_required: &[String]) -> Compiled {
        let mut schema = self.load_schema_typed()?.clone();
        // The draft is chosen below; without `$schema` the compiler does not build the
        // metaschema's registry on every run (a few milliseconds at start-up).
        if let Some(obj) = schema.as_object_mut() {
            obj.remove("$schema");
        }
        if !extra_required.is_empty() {
            let obj = schema.as_object_mut().expect("checked at load");
            let mut req: Vec<Value> = obj
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for name in extra_required {
                if !req.iter().any(|r| r.as_str() == Some(name)) {
                    req.push(Value::String(name.clone()));
                }
            }
            obj.insert("required".into(), Value::Array(req));
        }
        let mut options = jsonschema::options_for::<crate::instance::Positioned>()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true);
        for &(name, _, _, check) in edm::FORMATS {
            options = options.with_format(name, check);
        }
        let validator = options
            .build(&schema)
            .map_err(|e| super::err(&self.source, format!("cannot compile the schema: {e}")))?;
        Ok(Arc::new(validator))
    }

    /// The subschema that describes the instance at `pointer` (following `properties`,
    /// `items`, `prefixItems`, `additionalProperties` and local `$ref`s). Where a schema
    /// dispatches on `@odata.type` (a base type with derived types), the branch that `instance`
    /// (the body's root, when known) takes is followed.
    pub fn subschema_in(&self, pointer: &str, instance: Option<&Node>) -> Option<&Value> {
        let mut schema = self.dispatch(self.resolve(self.schema()), instance);
        if pointer.is_empty() {
            return Some(schema);
        }
        let mut node = instance;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = crate::pointer::unescape(raw);
            let next = if let Ok(i) = token.parse::<usize>() {
                node = node.and_then(|n| match &n.kind {
                    Kind::Array(items) => items.get(i),
                    _ => None,
                });
                schema
                    .get("prefixItems")
                    .and_then(|p| p.get(i))
                    .or_else(|| schema.get("items"))
            } else {
                node = node.and_then(|n| {
                    n.members()?
                        .iter()
                        .rev()
                        .find(|m| m.key == token)
                        .map(|m| &m.value)
                });
                schema
                    .get("properties")
                    .and_then(|p| p.get(token.as_ref()))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()))
            };
            schema = self.dispatch(self.resolve(next?), node);
        }
        Some(schema)
    }

    pub fn subschema(&self, pointer: &str) -> Option<&Value> {
        self.subschema_in(pointer, None)
    }

    /// Follows local `$ref`s (a fragment is a JSON Pointer, percent-encoded as a URI's is:
    /// `#/$defs/ns.Stra%C3%9Fe`), at most 16.
    fn resolve<'s>(&'s self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..16 {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(names::decode)
            {
                Some(ptr) => match self.schema().pointer(&ptr) {
                    Some(target) => schema = target,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }

    /// For a schema of the form `allOf: [{if: {properties: {"@odata.type": {enum}}}, then:
    /// {$ref}}...]` (what `catalog import` writes for a type with derived types), the `then` that
    /// the instance's `@odata.type` selects (no `@odata.type`: the branch that accepts absence).
    fn dispatch<'s>(&'s self, schema: &'s Value, instance: Option<&Node>) -> &'s Value {
        let Some(branches) = schema.get("allOf").and_then(Value::as_array) else {
            return schema;
        };
        let found = instance
            .and_then(|n| n.pointer("/@odata.type"))
            .map(|n| &n.kind);
        for b in branches {
            let (Some(cond), Some(then)) = (b.get("if"), b.get("then")) else {
                continue;
            };
            let Some(names) = cond
                .pointer("/properties/@odata.type/enum")
                .and_then(Value::as_array)
            else {
                continue;
            };
            let needs_type = cond
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == "@odata.type"));
            let takes = match found {
                Some(Kind::String(t)) => names.iter().any(|n| n.as_str() == Some(t.as_str())),
                Some(_) => false,
                None => !needs_type,
            };
            if takes {
                return self.resolve(then);
            }
        }
        schema
    }

    /// Property names the schema defines for the object at `pointer` (of `instance`).
    pub fn property_names_in(&self, pointer: &str, instance: Option<&Node>) -> Vec<String> {
        self.subschema_in(pointer, instance)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().filter(|k| !k.contains('@')).cloned().collect())
            .unwrap_or_default()
    }

    pub fn property_names(&self, pointer: &str) -> Vec<String> {
        self.property_names_in(pointer, None)
    }

    /// Top-level properties marked `"readOnly": true`.
    pub fn read_only(&self) -> &[String] {
        self.read_only.get_or_init(|| self.find_read_only())
    }

    fn find_read_only(&self) -> Vec<String> {
        self.subschema("")
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| {
                p.iter()
                    .filter(|(_, s)| self.resolve(s).get("readOnly") == Some(&Value::Bool(true)))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The JSON types the schema allows at `pointer` (`["string"]`), if it says.
    pub fn types_at(&self, pointer: &str) -> Vec<String> {
        self.types_in(pointer, None)
    }

    pub fn types_in(&self, pointer: &str, instance: Option<&Node>) -> Vec<String> {
        // A property written `{"type": "object", "$ref": ...}` says its type beside the `$ref`.
        let declared = pointer.rsplit_once('/').and_then(|(parent, last)| {
            let parent = self.subschema_in(parent, instance)?;
            let token = crate::pointer::unescape(last);
            let raw = if token.parse::<usize>().is_ok() {
                parent.get("items")
            } else {
                parent.get("properties")?.get(token.as_ref())
            };
            raw?.get("type")
        });
        match declared.or_else(|| self.subschema_in(pointer, instance)?.get("type")) {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
}
