//! What a reviewer should look at: wildcard actions, wildcard resources on write or
//! permission-management actions, provider statements copied into many roles, roles close to IAM's
//! size limit.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::permissions::{items, split_action};
use super::RoleEntry;
use crate::policy::canonical;

/// A provider statement copied into at least this many dedicated roles is a finding.
pub const MANY_ROLES: usize = 5;
/// A policy over this share of its limit (in percent) is a finding.
pub const NEAR_LIMIT_PERCENT: usize = 80;

/// Actions AWS grants only on `*` (they have no resource-level permissions) that Lambda's own
/// execution policies grant: not findings on `*`.
const ONLY_ON_ANY_RESOURCE: &[&str] = &[
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
    "cloudwatch:PutMetricData",
];

/// Action name prefixes of read-only actions.
const READ_PREFIXES: &[&str] = &[
    "Get", "List", "Describe", "BatchGet", "Query", "Scan", "Head", "Search", "Select", "Lookup", "View", "Read",
    "Check",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: String,
    pub message: String,
    pub hint: String,
    /// The roles it is about (logical ids, or the readable role of a custom role).
    pub roles: Vec<String>,
    /// Where the statement comes from in serverless.yml, when it is the user's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The statement it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<Value>,
}

/// Is this action (or action pattern) read-only?
fn is_read(action: &str) -> bool {
    let (_, name) = split_action(action);
    name != "*" && READ_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Does this action manage who may do what (IAM, role assumption, keys, resource policies)?
pub fn is_permission_management(action: &str) -> bool {
    let (service, name) = split_action(action);
    if is_read(action) {
        return false;
    }
    matches!(service, "iam" | "kms" | "organizations")
        || service == "*"
        || (service == "sts" && (name == "*" || name.starts_with("AssumeRole")))
        || ["Policy", "Permission", "Grant"].iter().any(|w| name.contains(w))
}

fn wildcard_action(s: &serde_json::Map<String, Value>) -> Option<String> {
    if s.contains_key("NotAction") && !s.contains_key("Action") {
        let except: Vec<String> = items(s.get("NotAction")).into_iter().map(crate::readable::readable).collect();
        return Some(format!("allows every action except {}", except.join(", ")));
    }
    let wild: Vec<&str> = items(s.get("Action"))
        .into_iter()
        .filter_map(Value::as_str)
        .filter(|a| *a == "*" || split_action(a).1 == "*")
        .collect();
    match wild.as_slice() {
        [] => None,
        list if list.contains(&"*") => Some("allows every action of every service (*)".to_string()),
        list => Some(format!(
            "allows every action of {} ({})",
            list.iter().map(|a| split_action(a).0).collect::<Vec<_>>().join(", "),
            list.join(", ")
        )),
    }
}

fn wildcard_resource(s: &serde_json::Map<String, Value>) -> Option<String> {
    let every = if s.contains_key("NotResource") && !s.contains_key("Resource") {
        true
    } else {
        items(s.get("Resource")).into_iter().any(|r| r.as_str() == Some("*"))
    };
    if !every {
        return None;
    }
    let actions: Vec<&str> = items(s.get("Action")).into_iter().filter_map(Value::as_str).collect();
    let managing: Vec<&str> = actions.iter().copied().filter(|a| is_permission_management(a)).collect();
    if !managing.is_empty() {
        return Some(format!("allows permission management on every resource: {}", managing.join(", ")));
    }
    let writing: Vec<&str> =
        actions.iter().copied().filter(|a| !is_read(a) && !ONLY_ON_ANY_RESOURCE.contains(a)).collect();
    (!writing.is_empty()).then(|| format!("allows write actions on every resource: {}", writing.join(", ")))
}

/// Findings over every role whose statements are known. `sources` maps a statement (canonical) to
/// its config path; `inheritable` lists the provider statements dedicated roles inherit, with paths.
pub fn findings(
    roles: &[RoleEntry],
    sources: &HashMap<String, String>,
    inheritable: &[(String, Value)],
) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut add = |code: &str,
                   key: String,
                   message: String,
                   hint: &str,
                   role: &str,
                   path: Option<String>,
                   statement: Option<&Value>| {
        match index.get(&(code.to_string(), key.clone())) {
            Some(&i) => {
                if !out[i].roles.iter().any(|r| r == role) {
                    out[i].roles.push(role.to_string());
                }
            }
            None => {
                index.insert((code.to_string(), key), out.len());
                out.push(Finding {
                    code: code.to_string(),
                    message,
                    hint: hint.to_string(),
                    roles: vec![role.to_string()],
                    path,
                    statement: statement.cloned(),
                });
            }
        }
    };

    for role in roles {
        let label = role.label();
        for s in role.statements.iter().flatten() {
            let Some(m) = s.as_object() else { continue };
            if m.get("Effect").and_then(Value::as_str) != Some("Allow") {
                continue;
            }
            let key = canonical(s);
            let path = sources.get(&key).cloned().or_else(|| role.defined_at());
            if let Some(message) = wildcard_action(m) {
                add(
                    "IAM_SYNTH_WILDCARD_ACTION",
                    key.clone(),
                    message,
                    "name the actions the functions need",
                    &label,
                    path.clone(),
                    Some(s),
                );
            }
            if let Some(message) = wildcard_resource(m) {
                add(
                    "IAM_SYNTH_WILDCARD_RESOURCE",
                    key,
                    message,
                    "name the resources (ARNs, or Fn::GetAtt/Fn::Sub of them) the functions need",
                    &label,
                    path,
                    Some(s),
                );
            }
        }
        if let Some(sizes) = &role.size {
            let measures = std::iter::once(("inline policy", &sizes.inline))
                .chain(std::iter::once(("trust policy", &sizes.trust)))
                .chain(sizes.managed_policies.iter().map(|m| ("split-off managed policy", m)));
            for (what, m) in measures {
                if m.limit > 0 && m.size * 100 > m.limit * NEAR_LIMIT_PERCENT {
                    add(
                        "IAM_SYNTH_NEAR_SIZE_LIMIT",
                        m.logical_id.clone(),
                        format!(
                            "{}: its {what} is {} of {} characters ({}%)",
                            m.logical_id,
                            super::thousands(m.size),
                            super::thousands(m.limit),
                            m.size * 100 / m.limit
                        ),
                        "give some of its functions roles of their own, or move broad grants into managed policies",
                        &label,
                        None,
                        None,
                    );
                }
            }
        }
    }

    // provider statements inherited into many dedicated roles
    let mut holders_of: HashMap<String, Vec<String>> = HashMap::new();
    for role in roles.iter().filter(|r| r.role_source == crate::plan::RoleSource::Dedicated) {
        let label = role.label();
        for s in role.statements.iter().flatten() {
            let holders = holders_of.entry(canonical(s)).or_default();
            if holders.last() != Some(&label) {
                holders.push(label.clone());
            }
        }
    }
    for (path, statement) in inheritable {
        let holders = holders_of.get(&canonical(statement)).cloned().unwrap_or_default();
        if holders.len() >= MANY_ROLES {
            out.push(Finding {
                code: "IAM_SYNTH_WIDELY_INHERITED".to_string(),
                message: format!("{path} is inherited into {} dedicated roles", holders.len()),
                hint: "grant it only in the functions that need it (iam.role.statements) and set iam.inheritStatements: false on the others".into(),
                roles: holders,
                path: Some(path.clone()),
                statement: Some(statement.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_and_permission_management() {
        assert!(is_read("s3:GetObject") && is_read("dynamodb:Query") && is_read("s3:List*"));
        assert!(!is_read("s3:PutObject") && !is_read("s3:*") && !is_read("*"));
        for a in [
            "iam:PassRole",
            "iam:*",
            "sts:AssumeRole",
            "kms:*",
            "kms:CreateGrant",
            "lambda:AddPermission",
            "s3:PutBucketPolicy",
            "*",
        ] {
            assert!(is_permission_management(a), "{a}");
        }
        for a in ["iam:GetRole", "s3:PutObject", "sts:GetCallerIdentity", "kms:DescribeKey", "kms:ListAliases"] {
            assert!(!is_permission_management(a), "{a}");
        }
    }

    #[test]
    fn wildcards() {
        let st = |v: Value| v.as_object().unwrap().clone();
        let m = st(
            serde_json::json!({ "Effect": "Allow", "Action": ["s3:*", "sqs:SendMessage"], "Resource": "arn:aws:s3:::b" }),
        );
        assert_eq!(wildcard_action(&m).as_deref(), Some("allows every action of s3 (s3:*)"));
        assert_eq!(wildcard_resource(&m), None);
        let m = st(serde_json::json!({ "Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*" }));
        assert_eq!((wildcard_action(&m), wildcard_resource(&m)), (None, None));
        let m = st(
            serde_json::json!({ "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": ["*"] }),
        );
        assert_eq!(wildcard_resource(&m), None);
        let m = st(serde_json::json!({ "Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": "*" }));
        assert_eq!(wildcard_resource(&m).as_deref(), Some("allows write actions on every resource: dynamodb:PutItem"));
        let m = st(
            serde_json::json!({ "Effect": "Allow", "Action": ["iam:PassRole", "s3:PutObject"], "NotResource": "arn:aws:iam::1:role/x" }),
        );
        assert_eq!(
            wildcard_resource(&m).as_deref(),
            Some("allows permission management on every resource: iam:PassRole")
        );
        let m = st(serde_json::json!({ "Effect": "Allow", "NotAction": ["iam:*"], "Resource": "arn:aws:s3:::b" }));
        assert_eq!(wildcard_action(&m).as_deref(), Some("allows every action except iam:*"));
    }
}
