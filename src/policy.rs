//! Role documents and the `AWS::IAM::Role` resource around them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::cfn::object;
use crate::model::Service;
use crate::naming;

/// What a role grants: who may assume it, its inline statements, its managed policies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleDoc {
    pub principals: Vec<String>,
    pub statements: Vec<Value>,
    pub managed_policies: Vec<Value>,
}

/// A key that is equal for two values exactly when lodash's `_.isEqual` says so
/// (object key order ignored, list order kept).
pub fn canonical(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for k in keys {
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    write(&m[k], out);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for x in a {
                    write(x, out);
                    out.push(',');
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    write(v, &mut s);
    s
}

/// CloudFormation's `Tags`: `[{Key, Value}]` in the given order.
pub fn tag_list(tags: Vec<(String, Value)>) -> Value {
    Value::Array(tags.into_iter().map(|(k, v)| object([("Key", Value::String(k)), ("Value", v)])).collect())
}

pub fn trust_policy(principals: &[String]) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Principal": { "Service": principals }, "Action": ["sts:AssumeRole"] }]
    })
}

/// `AWS::IAM::Role` with the framework's key order: trust, inline policy, then `extra`
/// (Path, RoleName, Tags, PermissionsBoundary…), then `ManagedPolicyArns` when there are any.
/// A role without statements gets no inline policy (IAM rejects an empty one).
pub fn role_resource(svc: &Service, doc: RoleDoc, extra: Map<String, Value>) -> Value {
    let mut props = Map::new();
    props.insert("AssumeRolePolicyDocument".into(), trust_policy(&doc.principals));
    if !doc.statements.is_empty() {
        let document = object([("Version", Value::from("2012-10-17")), ("Statement", Value::Array(doc.statements))]);
        let policy = object([("PolicyName", naming::policy_name(&svc.name, &svc.stage)), ("PolicyDocument", document)]);
        props.insert("Policies".into(), Value::Array(vec![policy]));
    }
    props.extend(extra);
    if !doc.managed_policies.is_empty() {
        props.insert("ManagedPolicyArns".into(), Value::Array(doc.managed_policies));
    }
    object([("Type", Value::from("AWS::IAM::Role")), ("Properties", Value::Object(props))])
}

/// Items of `observed` that equal (as `_.isEqual` says) no item of `expected`. Set semantics: how
/// often the framework repeats a known statement differs between versions (lodash's `unionWith` in
/// Serverless 3, `appendIfMissing` in osls), and a repeat grants nothing new.
pub fn unaccounted(observed: &[Value], expected: &[Value]) -> Vec<Value> {
    let known: std::collections::HashSet<String> = expected.iter().map(canonical).collect();
    observed.iter().filter(|o| !known.contains(&canonical(o))).cloned().collect()
}

/// The role view of a role resource as the template holds it: its trust principals, the statements of
/// its first inline policy and its managed policies.
pub fn observed_doc(role: &Value) -> RoleDoc {
    let props = role.get("Properties");
    let statements = props
        .and_then(|p| p.get("Policies"))
        .and_then(|p| p.get(0))
        .and_then(|p| p.pointer("/PolicyDocument/Statement"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let principals = props
        .and_then(|p| p.pointer("/AssumeRolePolicyDocument/Statement/0/Principal/Service"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let managed_policies =
        props.and_then(|p| p.get("ManagedPolicyArns")).and_then(Value::as_array).cloned().unwrap_or_default();
    RoleDoc { principals, statements, managed_policies }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ignores_key_order_but_not_list_order() {
        let a = json!({"Effect": "Allow", "Action": ["a", "b"], "Resource": "*"});
        let b = json!({"Resource": "*", "Action": ["a", "b"], "Effect": "Allow"});
        let c = json!({"Resource": "*", "Action": ["b", "a"], "Effect": "Allow"});
        assert_eq!(canonical(&a), canonical(&b));
        assert_ne!(canonical(&a), canonical(&c));
        // a scalar and a one-element list differ, as in _.isEqual
        assert_ne!(canonical(&json!({"R": "x"})), canonical(&json!({"R": ["x"]})));
    }
}
