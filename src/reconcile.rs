//! Reconciliation after the framework's event compilers: the compiled template back to the patches
//! that make it match the plan (iam-behaviour.md §6).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::cfn::get_att_target;
use crate::error::SynthError;
use crate::naming::SHARED_ROLE_ID;
use crate::plan::{FunctionPlan, Plan};
use crate::policy::{observed_doc, unaccounted};
use crate::warning::{UnknownKind, Warning};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileRequest {
    pub plan: Plan,
    /// `Resources.IamRoleLambdaExecution` of the compiled template, if present.
    #[serde(default)]
    pub shared_role: Option<Value>,
    /// Event source mappings and scheduler schedules of the compiled template, by logical id.
    #[serde(default)]
    pub resources: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciled {
    /// Role resources to (re)write, by logical id.
    pub roles: Map<String, Value>,
    pub remove_roles: Vec<String>,
    /// Per resource: `DependsOn` to set, and/or `RoleArn` for a schedule's `Target`.
    pub patches: Map<String, Value>,
    pub warnings: Vec<Warning>,
}

/// What the compiled shared role holds of one kind beyond what the framework is known to add, each
/// reported as a warning.
fn unknown_grants(observed: &[Value], expected: &[Value], kind: UnknownKind, out: &mut Reconciled) -> Vec<Value> {
    let extra = unaccounted(observed, expected);
    for x in &extra {
        out.warnings.push(Warning::UnknownGrant { kind, item: x.to_string() });
    }
    extra
}

/// Appends `items` to the list at `pointer`, creating the list when `empty` says how.
fn append(props: &mut Map<String, Value>, key: &str, pointer: &str, empty: Value, items: Vec<Value>) {
    if items.is_empty() {
        return;
    }
    let slot = props.entry(key).or_insert(empty);
    if let Some(list) = slot.pointer_mut(pointer).and_then(Value::as_array_mut) {
        list.extend(items);
    }
}

/// Adds to our shared role what the compiled one holds beyond what the framework is known to add.
fn keep_unknown_grants(req: &ReconcileRequest, out: &mut Reconciled) {
    let (Some(observed), Some(expected)) = (&req.shared_role, &req.plan.framework_shared_role) else { return };
    let Some(mut ours) = req.plan.roles.get(SHARED_ROLE_ID).cloned() else { return };
    let observed = observed_doc(observed);
    let as_values = |names: &[String]| names.iter().map(|n| json!(n)).collect::<Vec<Value>>();
    let statements = unknown_grants(&observed.statements, &expected.statements, UnknownKind::Statement, out);
    let managed =
        unknown_grants(&observed.managed_policies, &expected.managed_policies, UnknownKind::ManagedPolicy, out);
    let principals =
        unknown_grants(&as_values(&observed.principals), &as_values(&expected.principals), UnknownKind::Principal, out);
    if statements.is_empty() && managed.is_empty() && principals.is_empty() {
        return;
    }
    let Some(props) = ours.get_mut("Properties").and_then(Value::as_object_mut) else { return };
    let empty_policy = json!([{ "PolicyName": observed_policy_name(req), "PolicyDocument": { "Version": "2012-10-17", "Statement": [] } }]);
    append(props, "Policies", "/0/PolicyDocument/Statement", empty_policy, statements);
    append(props, "ManagedPolicyArns", "", json!([]), managed);
    append(props, "AssumeRolePolicyDocument", "/Statement/0/Principal/Service", Value::Null, principals);
    out.roles.insert(SHARED_ROLE_ID.to_string(), ours);
}

fn observed_policy_name(req: &ReconcileRequest) -> Value {
    req.shared_role
        .as_ref()
        .and_then(|r| r.pointer("/Properties/Policies/0/PolicyName"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The first `Fn::GetAtt` target found anywhere in `v`.
fn first_get_att(v: &Value) -> Option<&str> {
    if let Some(t) = get_att_target(v) {
        return Some(t);
    }
    match v {
        Value::Object(m) => m.values().find_map(first_get_att),
        Value::Array(a) => a.iter().find_map(first_get_att),
        _ => None,
    }
}

fn depends_on_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// Event source mappings depend on their function's role resource; schedules run with its role.
fn rewire(req: &ReconcileRequest, out: &mut Reconciled) -> Result<(), Vec<SynthError>> {
    let by_lambda: HashMap<&str, &FunctionPlan> =
        req.plan.functions.values().map(|fp| (fp.lambda_logical_id.as_str(), fp)).collect();
    let removed: Vec<&String> = req.plan.remove_roles.iter().collect();
    for (id, res) in &req.resources {
        let ty = res.get("Type").and_then(Value::as_str).unwrap_or_default();
        let props = res.get("Properties");
        let mut patch = Map::new();
        match ty {
            "AWS::Lambda::EventSourceMapping" => {
                let Some(fp) =
                    props.and_then(|p| p.get("FunctionName")).and_then(first_get_att).and_then(|t| by_lambda.get(t))
                else {
                    continue;
                };
                let observed = res.get("DependsOn");
                let mut deps = depends_on_list(observed);
                let before = deps.clone();
                if let Some(theirs) = &fp.framework_role_resource {
                    if fp.role_resource.as_ref() != Some(theirs) {
                        if let Some(i) = deps.iter().position(|d| d == theirs) {
                            match &fp.role_resource {
                                Some(ours) => deps[i] = ours.clone(),
                                None => {
                                    deps.remove(i);
                                }
                            }
                        }
                    }
                }
                if let Some(ours) = &fp.role_resource {
                    if !deps.contains(ours) {
                        deps.insert(0, ours.clone());
                    }
                }
                for policy in &fp.policy_resources {
                    if !deps.contains(policy) {
                        deps.push(policy.clone());
                    }
                }
                deps.retain(|d| !removed.contains(&d));
                if deps != before {
                    patch.insert("DependsOn".into(), json!(deps));
                }
            }
            "AWS::Scheduler::Schedule" => {
                let Some(fp) =
                    props.and_then(|p| p.pointer("/Target/Arn")).and_then(first_get_att).and_then(|t| by_lambda.get(t))
                else {
                    continue;
                };
                if props.and_then(|p| p.pointer("/Target/RoleArn")) != Some(&fp.role) {
                    patch.insert("RoleArn".into(), fp.role.clone());
                }
            }
            _ => continue,
        }
        if !patch.is_empty() {
            out.patches.insert(id.clone(), Value::Object(patch));
        }
    }
    Ok(())
}

/// `reconcile_request` on a request as a `Value` (the object boundary of the bench build, and tests).
#[cfg(any(test, feature = "bench"))]
pub fn reconcile(input: &Value) -> Result<Reconciled, Vec<SynthError>> {
    reconcile_request(&ReconcileRequest::deserialize(input).map_err(crate::error::internal)?)
}

pub fn reconcile_request(req: &ReconcileRequest) -> Result<Reconciled, Vec<SynthError>> {
    let mut out = Reconciled {
        roles: Map::new(),
        remove_roles: req.plan.remove_roles.clone(),
        patches: Map::new(),
        warnings: Vec::new(),
    };
    keep_unknown_grants(req, &mut out);
    rewire(req, &mut out)?;
    Ok(out)
}
