//! The user's `resources.Resources` win over generated resources: the framework deep-merges them
//! into the compiled template at `package:finalize` (lodash `_.merge`: objects key by key, lists index
//! by index). This predicts that merge for each generated role and reports what it takes away.

use serde_json::{Map, Value};

use crate::policy::canonical;
use crate::warning::Warning;

/// lodash `_.merge(target, source)` for JSON values.
pub fn lodash_merge(target: &mut Value, source: &Value) {
    match (target, source) {
        (Value::Object(t), Value::Object(s)) => {
            for (k, v) in s {
                match t.get_mut(k) {
                    Some(existing) if existing.is_object() || existing.is_array() => lodash_merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(s)) => {
            for (i, v) in s.iter().enumerate() {
                match t.get_mut(i) {
                    Some(existing)
                        if (existing.is_object() && v.is_object()) || (existing.is_array() && v.is_array()) =>
                    {
                        lodash_merge(existing, v)
                    }
                    Some(existing) => *existing = v.clone(),
                    None => t.push(v.clone()),
                }
            }
        }
        (t, s) => *t = s.clone(),
    }
}

/// The grants of a role resource as comparable keys: statements, managed policies, trusted services.
fn grants(role: &Value) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let props = role.get("Properties");
    let list = |p: &str| props.and_then(|x| x.pointer(p)).and_then(Value::as_array).cloned().unwrap_or_default();
    for s in list("/Policies/0/PolicyDocument/Statement") {
        out.push(("statement", canonical(&s)));
    }
    for m in list("/ManagedPolicyArns") {
        out.push(("managed policy", canonical(&m)));
    }
    for p in list("/AssumeRolePolicyDocument/Statement/0/Principal/Service") {
        out.push(("trusted service", canonical(&p)));
    }
    out
}

/// Warnings for generated roles that the user's resources override in a way that removes grants.
pub fn override_warnings(roles: &Map<String, Value>, resources: Option<&Value>) -> Vec<Warning> {
    let Some(user) = resources.and_then(|r| r.get("Resources")).and_then(Value::as_object) else { return Vec::new() };
    let mut out = Vec::new();
    for (id, role) in roles {
        let Some(override_) = user.get(id) else { continue };
        let mut merged = role.clone();
        lodash_merge(&mut merged, override_);
        let after: std::collections::HashSet<(&str, String)> = grants(&merged).into_iter().collect();
        let lost: Vec<String> =
            grants(role).into_iter().filter(|g| !after.contains(g)).map(|(kind, v)| format!("{kind} {v}")).collect();
        if !lost.is_empty() {
            out.push(Warning::ResourceOverride { id: id.clone(), lost });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_is_key_by_key_and_index_by_index() {
        let mut t = json!({ "a": { "x": 1, "y": [1, { "k": 1 }, 3] }, "b": "keep" });
        lodash_merge(&mut t, &json!({ "a": { "y": [9, { "j": 2 }] , "z": null }, "c": true }));
        assert_eq!(t, json!({ "a": { "x": 1, "y": [9, { "k": 1, "j": 2 }, 3], "z": null }, "b": "keep", "c": true }));
    }

    #[test]
    fn an_override_that_replaces_a_statement_is_reported() {
        let role = json!({ "Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": { "Statement": [{ "Principal": { "Service": ["lambda.amazonaws.com"] } }] },
            "Policies": [{ "PolicyDocument": { "Statement": [
                { "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": "*" },
                { "Effect": "Allow", "Action": ["sqs:ReceiveMessage"], "Resource": "arn:aws:sqs:::q" }
            ] } }] } });
        let mut roles = Map::new();
        roles.insert("IamRoleLambdaExecution".into(), role);
        let user = json!({ "Resources": { "IamRoleLambdaExecution": { "Properties": { "Policies": [{ "PolicyDocument": { "Statement": [
            { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }
        ] } }] } } } });
        let w = override_warnings(&roles, Some(&user));
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code(), "IAM_SYNTH_RESOURCE_OVERRIDE");
        assert!(w[0].message().contains("logs:PutLogEvents"), "{}", w[0].message());
        assert!(!w[0].message().contains("sqs:ReceiveMessage"), "the second statement survives the index-wise merge");
    }

    #[test]
    fn an_override_that_only_adds_is_silent() {
        let role = json!({ "Properties": { "Path": "/", "ManagedPolicyArns": ["arn:a"] } });
        let mut roles = Map::new();
        roles.insert("FIamRoleLambdaExecution".into(), role);
        let user = json!({ "Resources": { "FIamRoleLambdaExecution": { "Properties": { "ManagedPolicyArns": ["arn:a", "arn:b"], "Description": "x" } } } });
        assert!(override_warnings(&roles, Some(&user)).is_empty());
    }
}
