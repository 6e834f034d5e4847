//! Checking a structured answer against the caller's JSON schema. The `jsonschema` crate is
//! not in the tree, so this is a documented subset (ADR 0039): `type` (one or a list),
//! `properties`, `required`, `additionalProperties: false`, `items`, `enum`, `minItems`,
//! `maxItems`, `minLength`, `maxLength`, `minimum`, `maximum`. Other keywords are ignored.

use serde_json::Value;

/// Parses a provider's text as JSON (a surrounding code fence is tolerated) and checks it.
pub fn parse_and_validate(text: &str, schema: &Value) -> Result<Value, String> {
    let trimmed = text.trim();
    let body = trimmed
        .strip_prefix("```json")
        .or_else(|| trimmed.strip_prefix("```"))
        .and_then(|t| t.strip_suffix("```"))
        .unwrap_or(trimmed)
        .trim();
    let value: Value =
        serde_json::from_str(body).map_err(|e| format!("the answer is not JSON ({e})"))?;
    validate(&value, schema, "$")?;
    Ok(value)
}

/// Checks `value` against `schema`; the error names the first failing path.
pub fn validate(value: &Value, schema: &Value, path: &str) -> Result<(), String> {
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.is_empty() && !names.iter().any(|t| has_type(value, t)) {
            return Err(format!("{path}: expected {}", names.join(" or ")));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        return Err(format!("{path}: not one of the allowed values"));
    }
    match value {
        Value::Object(map) => {
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for key in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(key) {
                        return Err(format!("{path}.{key}: required"));
                    }
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            for (key, item) in map {
                match props.and_then(|p| p.get(key)) {
                    Some(sub) => validate(item, sub, &format!("{path}.{key}"))?,
                    None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        return Err(format!("{path}.{key}: not allowed"));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            let len = items.len() as u64;
            if schema
                .get("minItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| len < m)
            {
                return Err(format!("{path}: too few items"));
            }
            if schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
            {
                return Err(format!("{path}: too many items"));
            }
            if let Some(sub) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate(item, sub, &format!("{path}[{i}]"))?;
                }
            }
        }
        Value::String(s) => {
            let len = s.chars().count() as u64;
            if schema
                .get("minLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len < m)
            {
                return Err(format!("{path}: too short"));
            }
            if schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| len > m)
            {
                return Err(format!("{path}: too long"));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if schema
                .get("minimum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x < m)
            {
                return Err(format!("{path}: below the minimum"));
            }
            if schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| x > m)
            {
                return Err(format!("{path}: above the maximum"));
            }
        }
        _ => {}
    }
    Ok(())
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_subset_checks_types_required_and_nesting() {
        let schema = json!({"type": "object", "required": ["score", "tags"],
            "additionalProperties": false,
            "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 100},
                           "tags": {"type": "array", "items": {"type": "string"}}}});
        assert!(parse_and_validate(r#"{"score": 80, "tags": ["a"]}"#, &schema).is_ok());
        assert!(parse_and_validate("```json\n{\"score\": 1, \"tags\": []}\n```", &schema).is_ok());
        let err = parse_and_validate(r#"{"score": 80}"#, &schema).unwrap_err();
        assert_eq!(err, "$.tags: required");
        assert!(parse_and_validate(r#"{"score": "x", "tags": []}"#, &schema).is_err());
        assert!(parse_and_validate(r#"{"score": 101, "tags": []}"#, &schema).is_err());
        assert!(parse_and_validate(r#"{"score": 1, "tags": [2]}"#, &schema).is_err());
        assert!(parse_and_validate(r#"{"score": 1, "tags": [], "x": 1}"#, &schema).is_err());
        assert!(parse_and_validate("not json", &schema).is_err());
    }
}
