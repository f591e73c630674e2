//! The checks every catalog schema passes when it is loaded: draft 2020-12, valid against its
//! metaschema, and no reference that leaves the catalog.

use super::bundle::DRAFT_2020_12;
use super::{err, CatalogError};
use serde_json::Value;

/// Draft 2020-12, valid against its metaschema, and no `$ref` that leaves the document.
pub(super) fn check_schema(origin: &str, schema: &Value) -> Result<(), CatalogError> {
    check_schema_with(origin, schema, &|_| false)
}

/// [`check_schema`], references for which `allowed` holds aside (an imported catalog's files
/// refer to each other).
pub(super) fn check_schema_with(
    origin: &str,
    schema: &Value,
    allowed: &dyn Fn(&str) -> bool,
) -> Result<(), CatalogError> {
    if !schema.is_object() {
        return Err(err(origin, "a schema must be a JSON object"));
    }
    match schema.get("$schema").and_then(Value::as_str) {
        Some(DRAFT_2020_12) => {}
        Some(other) => {
            return Err(err(
                origin,
                format!("`$schema` is `{other}`; paylint reads draft 2020-12 (`{DRAFT_2020_12}`)"),
            ))
        }
        None => {
            return Err(err(
                origin,
                format!("`$schema` is missing; set it to `{DRAFT_2020_12}`"),
            ))
        }
    }
    if let Some(reference) = external_ref(schema, allowed) {
        return Err(err(
            origin,
            format!(
                "`$ref: {reference}` points outside this schema; paylint never fetches references \
                 (no network, no files): use `#/$defs/...`"
            ),
        ));
    }
    if let Err(e) = jsonschema::meta::validate(schema) {
        return Err(err(
            origin,
            format!(
                "does not conform to the draft 2020-12 metaschema at `{}`: {e}",
                e.instance_path()
            ),
        ));
    }
    Ok(())
}

/// The first `$ref` or `$dynamicRef` that leaves the document. Values of `const`, `enum`,
/// `default` and `examples` are data, not schemas; but under `properties` (and the other
/// keywords whose members are schemas) those words are property names and are searched.
fn external_ref(v: &Value, allowed: &dyn Fn(&str) -> bool) -> Option<String> {
    external_ref_in(v, false, allowed)
}

fn external_ref_in(
    v: &Value,
    members_are_schemas: bool,
    allowed: &dyn Fn(&str) -> bool,
) -> Option<String> {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if !members_are_schemas && matches!(k.as_str(), "$ref" | "$dynamicRef") {
                    if let Some(r) = v.as_str() {
                        if !r.starts_with('#') && !allowed(r) {
                            return Some(r.to_string());
                        }
                    }
                }
                let data = matches!(k.as_str(), "const" | "enum" | "examples" | "default");
                if members_are_schemas || !data {
                    let children_are_schemas = !members_are_schemas
                        && matches!(
                            k.as_str(),
                            "properties"
                                | "patternProperties"
                                | "$defs"
                                | "definitions"
                                | "dependentSchemas"
                        );
                    if let Some(r) = external_ref_in(v, children_are_schemas, allowed) {
                        return Some(r);
                    }
                }
            }
            None
        }
        Value::Array(items) => items
            .iter()
            .find_map(|i| external_ref_in(i, false, allowed)),
        _ => None,
    }
}
