//! CloudFormation value helpers: building intrinsics and telling them apart from literals.

use serde_json::{json, Map, Value};

/// An object of `entries`, in order. Unlike `json!`, which copies every interpolated value through
/// the serializer, this moves them.
pub fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// `{"Fn::Sub": "arn:${AWS::Partition}:<rest>"}`
pub fn sub_arn(rest: &str) -> Value {
    json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:{rest}") })
}

pub fn get_att_arn(logical_id: &str) -> Value {
    json!({ "Fn::GetAtt": [logical_id, "Arn"] })
}

/// `arn:<partition>:iam::aws:policy/<name>` in the framework's `Fn::Join` form.
pub fn aws_managed_policy(name: &str) -> Value {
    json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, format!(":iam::aws:policy/{name}")]] })
}

/// The logical id a `Fn::GetAtt` points at, in either the list or the `A.B` string form.
pub fn get_att_target(v: &Value) -> Option<&str> {
    let att = v.as_object()?.get("Fn::GetAtt")?;
    match att {
        Value::Array(a) => a.first()?.as_str(),
        Value::String(s) => s.split('.').next(),
        _ => None,
    }
}

/// Can `id` name a resource of a template? CloudFormation's logical ids are alphanumeric.
pub fn is_logical_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A CloudFormation intrinsic function: an object with one key, `Ref` or `Fn::…`.
pub fn is_intrinsic(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")))
}

/// A condition reference, `{"Condition": name}`: an intrinsic's argument inside `Fn::And`, `Fn::Or`
/// and `Fn::Not`.
pub fn is_condition_ref(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.contains_key("Condition"))
}

/// The framework's test for "an object that refers to an existing role": any key containing `::`
/// (wider than `is_intrinsic` on purpose: the framework's own rule, `provider.iam.role` as an object).
pub fn has_intrinsic_key(m: &Map<String, Value>) -> bool {
    m.keys().any(|k| k.contains("::"))
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// JavaScript truthiness of a JSON value (the framework tests many settings that way).
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().map(|f| f != 0.0 && !f.is_nan()).unwrap_or(true),
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

/// `{"Ref": "AWS::NoValue"}`: CloudFormation removes the value that holds it.
pub fn is_no_value(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.len() == 1 && m.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue"))
}
