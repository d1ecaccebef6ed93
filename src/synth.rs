//! From a projected service to a plan.

use serde_json::{Map, Value};

use crate::budget::RoleSizes;
use crate::cfn::{get_att_arn, get_att_target, truthy};
use crate::dedicated;
use crate::error::{Errors, SynthError};
use crate::grants::{self, Flavor, FnGrants};
use crate::model::{read_service, Function, Mode, PolicySize, Service};
use crate::naming::{self, SHARED_ROLE_ID};
use crate::plan::{DependsOnPatch, FunctionPlan, Functions, Plan, RoleSource};
use crate::policy::RoleDoc;
use crate::shared;
use crate::warning::Warning;

fn refers_to_shared_role(role: &Value) -> bool {
    role.as_str() == Some(SHARED_ROLE_ID) || get_att_target(role) == Some(SHARED_ROLE_ID)
}

/// The framework's `compileRole`: the Lambda's `Role` and the logical id appended to its `DependsOn`.
fn compile_role(role: &Value) -> (Value, Option<String>) {
    match role {
        Value::String(s) if s.starts_with("arn:") => (role.clone(), None),
        Value::String(s) if s == SHARED_ROLE_ID => (get_att_arn(s), None),
        Value::String(s) => (get_att_arn(s), Some(s.clone())),
        Value::Object(_) => match get_att_target(role) {
            Some(target) if role.get("Fn::GetAtt").is_some_and(Value::is_array) => {
                (role.clone(), Some(target.to_string()))
            }
            _ => (role.clone(), None),
        },
        other => (other.clone(), None),
    }
}

/// The framework's `resolveFunctionIamRoleResourceName` (what event source mappings depend on).
fn framework_role_resource(custom: Option<&Value>) -> Option<String> {
    let Some(role) = custom else { return Some(SHARED_ROLE_ID.to_string()) };
    match role {
        Value::String(s) if s.contains(':') => None,
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            if let Some(Value::Array(a)) = o.get("Fn::GetAtt") {
                if a.len() == 2 && a[0].is_string() && a[1] == "Arn" {
                    return a[0].as_str().map(str::to_string);
                }
            }
            if ["Fn::ImportValue", "Ref", "Fn::Sub"].iter().any(|k| truthy(o.get(*k))) {
                return None;
            }
            Some(SHARED_ROLE_ID.to_string())
        }
        _ => Some(SHARED_ROLE_ID.to_string()),
    }
}

/// Where something in the user's `resources` refers to the shared role, if anywhere (§6.7).
fn shared_role_reference(resources: Option<&Value>) -> Option<String> {
    fn find(v: &Value, path: &str) -> Option<String> {
        match v {
            Value::Object(m) => {
                if m.get("Ref").and_then(Value::as_str) == Some(SHARED_ROLE_ID)
                    || get_att_target(v) == Some(SHARED_ROLE_ID)
                {
                    return Some(path.to_string());
                }
                if let Some(Value::String(sub)) = m.get("Fn::Sub") {
                    if sub.contains(&format!("${{{SHARED_ROLE_ID}")) {
                        return Some(path.to_string());
                    }
                }
                m.iter().find_map(|(k, x)| find(x, &format!("{path}.{k}")))
            }
            Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| find(x, &format!("{path}[{i}]"))),
            Value::String(s) if s == SHARED_ROLE_ID && path.contains("DependsOn") => Some(path.to_string()),
            _ => None,
        }
    }
    let resources = resources?.as_object()?;
    if let Some(r) = resources.get("Resources").and_then(Value::as_object) {
        if r.contains_key(SHARED_ROLE_ID) {
            return Some(format!("resources.Resources.{SHARED_ROLE_ID}"));
        }
    }
    resources.iter().find_map(|(k, v)| find(v, &format!("resources.{k}")))
}

fn function_plan(
    f: &Function,
    role_source: RoleSource,
    role: Value,
    role_resource: Option<String>,
    framework: Option<String>,
    prepend: Vec<String>,
) -> FunctionPlan {
    FunctionPlan {
        lambda_logical_id: naming::lambda_logical_id(&f.key),
        role_source,
        role,
        role_resource,
        framework_role_resource: framework,
        depends_on: DependsOnPatch { prepend },
        policy_resources: Vec::new(),
    }
}

/// The pipeline: read the service, grant, assign each function its role, build the shared role,
/// keep every role within IAM's size limits, and put the plan together. Errors are collected at
/// each step and returned together.
pub fn synthesize(input: &Value) -> Result<Plan, Vec<SynthError>> {
    let (svc, mut errors) = read_service(input).map_err(|e| e.0)?;
    let ours: Vec<FnGrants> =
        svc.functions.iter().map(|f| grants::function_grants(&svc, f, Flavor::Ours, &mut errors)).collect();
    check_service(&svc, &mut errors);
    let assigned = assign_roles(&svc, &ours, &mut errors);
    if !errors.is_empty() {
        return Err(errors.0);
    }
    let shared = shared_role(&svc, &ours, &assigned, input.get("resources"), &mut errors);
    let mut warnings = assigned.warnings;
    warnings.extend(shared.warnings);
    let mut roles = shared.roles;
    roles.extend(assigned.dedicated_roles);
    let mut functions = assigned.plans;
    let budgeted = budget(&mut roles, &mut functions, svc.policy_size, &mut errors);
    if !errors.is_empty() {
        return Err(errors.0);
    }
    warnings.extend(budgeted.warnings);
    warnings.extend(crate::overrides::override_warnings(&roles, input.get("resources")));

    let keeps_shared_role = roles.contains_key(SHARED_ROLE_ID);
    let remove_roles = if shared.framework_role.is_some() && !keeps_shared_role {
        vec![SHARED_ROLE_ID.to_string()]
    } else {
        Vec::new()
    };
    // the framework's shared role is replaced by ours or removed: one resource fewer to count
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let resource_budget = crate::limits::ResourceBudget {
        added: count(roles.len() + budgeted.managed_policies.len()) - i64::from(shared.framework_role.is_some()),
        strictness: svc.resource_limit,
    };
    let mut plan = Plan {
        roles,
        remove_roles,
        functions: Functions::new(functions),
        // Reconciliation compares the framework's shared role with ours only when we plan one.
        framework_shared_role: shared.framework_role.filter(|_| keeps_shared_role),
        warnings,
        managed_policies: budgeted.managed_policies,
        assumed_log_groups: assigned.assumed_log_groups,
        assumed_tracing: assigned.assumed_tracing,
        resource_budget,
        sizes: budgeted.sizes,
        summary: Default::default(),
    };
    plan.summary = crate::plan::summary(&plan);
    Ok(plan)
}

/// What the configuration asks for as a whole that cannot be: `provider.role` in perFunction mode,
/// an inherited Sid repeated among the provider statements.
fn check_service(svc: &Service, errors: &mut Errors) {
    if svc.mode() == Mode::PerFunction && svc.provider.role.is_some() {
        errors.push(SynthError::ProviderRoleWithPerFunction { path: "provider.role".into() });
    }
    // the provider's statements on their own (every role that holds them holds them all)
    crate::validate::duplicate_sids(&[svc.inheritable_statements()], errors);
}

/// Each function's role: its custom role, a dedicated role (built here), or the shared role.
struct Assigned {
    plans: Vec<(String, FunctionPlan)>,
    dedicated_roles: Map<String, Value>,
    /// The functions on the shared role, by index into `svc.functions`.
    on_shared: Vec<usize>,
    assumed_log_groups: Map<String, Value>,
    assumed_tracing: Map<String, Value>,
    warnings: Vec<Warning>,
}

fn assign_roles(svc: &Service, ours: &[FnGrants], errors: &mut Errors) -> Assigned {
    let mut out = Assigned {
        plans: Vec::new(),
        dedicated_roles: Map::new(),
        on_shared: Vec::new(),
        assumed_log_groups: Map::new(),
        assumed_tracing: Map::new(),
        warnings: Vec::new(),
    };
    let mut with_own_role: Vec<&Function> = Vec::new();
    // configured log groups the compiled functions do not use, by setting: (path, the first function
    // and the group it uses, how many functions)
    let mut not_applied: Vec<(String, (String, String), usize)> = Vec::new();
    for (index, (f, g)) in svc.functions.iter().zip(ours).enumerate() {
        let custom = svc.custom_role(f).map(|(role, _)| role);
        let framework_resource = framework_role_resource(custom);
        // `role: IamRoleLambdaExecution` (or its `Fn::GetAtt`) puts the function on the shared role in
        // every mode: the function's `role` always wins (the guide), and perFunction mode keeps the shared
        // role for it.
        let wants = svc.wants_dedicated_role(f) && !custom.is_some_and(refers_to_shared_role);
        if f.role.as_ref().is_some_and(|r| truthy(Some(r))) && !f.iam.requested_by.is_empty() {
            errors.push(SynthError::RoleConflict {
                path: format!("functions.{}.role", f.key),
                function: f.key.clone(),
                what: f.iam.requested_by.join(", "),
            });
            continue;
        }
        let plan = match custom {
            Some(role) if !refers_to_shared_role(role) => {
                if !f.iam.requested_by.is_empty() {
                    out.warnings.push(Warning::FunctionIamIgnored {
                        path: f.iam.requested_by[0].clone(),
                        function: f.key.clone(),
                    });
                }
                let (role_value, dep) = compile_role(role);
                // Event source mappings follow the role resource only when there can be one: a string
                // such as `some:aws:arn:xx1:*:*` is no logical id (Serverless 3.40.0 wires nothing either).
                let dep = dep.filter(|id| crate::cfn::is_logical_id(id));
                function_plan(f, RoleSource::Custom, role_value, dep, framework_resource, Vec::new())
            }
            _ if wants => match dedicated::dedicated_role(svc, f, g, errors) {
                Some((id, resource)) => {
                    out.dedicated_roles.insert(id.clone(), resource);
                    with_own_role.push(f);
                    if let Some(assumed) = dedicated::assumed_log_group(svc, f) {
                        out.assumed_log_groups.insert(f.key.clone(), assumed);
                    }
                    if !crate::grants::traces(svc, f) {
                        out.assumed_tracing.insert(f.key.clone(), Value::Bool(false));
                    }
                    if let Some((path, used)) = dedicated::log_group_not_applied(svc, f) {
                        match not_applied.iter_mut().find(|(p, _, _)| *p == path) {
                            Some((_, _, count)) => *count += 1,
                            None => not_applied.push((path, (f.key.clone(), used), 1)),
                        }
                    }
                    function_plan(
                        f,
                        RoleSource::Dedicated,
                        get_att_arn(&id),
                        Some(id.clone()),
                        framework_resource,
                        vec![id],
                    )
                }
                None => continue,
            },
            _ => {
                if let Some(first) = f.iam.shaping.first() {
                    out.warnings.push(Warning::FunctionIamUnused {
                        path: first.clone(),
                        function: f.key.clone(),
                        settings: f.iam.shaping.clone(),
                    });
                }
                out.on_shared.push(index);
                let shared = SHARED_ROLE_ID.to_string();
                function_plan(
                    f,
                    RoleSource::Shared,
                    get_att_arn(SHARED_ROLE_ID),
                    Some(shared),
                    framework_resource,
                    Vec::new(),
                )
            }
        };
        out.plans.push((f.key.clone(), plan));
    }
    for (path, first, count) in not_applied {
        out.warnings.push(Warning::LogGroupNotApplied { path, function: first.0, used: first.1, count });
    }
    out.warnings.extend(crate::additions::provider_additions(svc, &with_own_role));
    out
}

/// Our shared role (when a function runs under it, or something refers to it), and the one the
/// framework would have made, to tell later what other plugins added to it.
struct SharedRole {
    roles: Map<String, Value>,
    framework_role: Option<RoleDoc>,
    warnings: Vec<Warning>,
}

fn shared_role(
    svc: &Service,
    ours: &[FnGrants],
    assigned: &Assigned,
    resources: Option<&Value>,
    errors: &mut Errors,
) -> SharedRole {
    let framework_role = svc.framework_has_shared_role().then(|| {
        let theirs: Vec<FnGrants> = svc
            .functions
            .iter()
            .map(|f| {
                let mut g = grants::function_grants(svc, f, Flavor::Framework, &mut Errors::default());
                // 3.40.0 grants destinations only to functions without a role of their own;
                // osls grants durable execution only to functions on the shared role.
                if svc.custom_role(f).is_some() {
                    g.destinations.clear();
                    g.durable = false;
                }
                g
            })
            .collect();
        let all: Vec<(&Function, &FnGrants)> = svc.functions.iter().zip(&theirs).collect();
        shared::shared_role_doc(svc, &all, Flavor::Framework)
    });
    let mut out = SharedRole { roles: Map::new(), framework_role, warnings: Vec::new() };
    let reference = shared_role_reference(resources);
    if !assigned.on_shared.is_empty() {
        let on_shared: Vec<(&Function, &FnGrants)> =
            assigned.on_shared.iter().map(|&i| (&svc.functions[i], &ours[i])).collect();
        let doc = shared::shared_role_doc(svc, &on_shared, Flavor::Ours);
        out.roles.insert(SHARED_ROLE_ID.to_string(), shared::shared_role_resource(svc, doc));
    } else if let (Some(path), Some(_)) = (&reference, &out.framework_role) {
        let doc = shared::shared_role_doc(svc, &[], Flavor::Ours);
        out.roles.insert(SHARED_ROLE_ID.to_string(), shared::shared_role_resource(svc, doc));
        out.warnings.push(Warning::SharedRoleKept { path: path.clone() });
    }
    if out.roles.contains_key(SHARED_ROLE_ID) && svc.provider_config().is_some_and(|c| c.name.is_none()) {
        let length = naming::shared_role_name_length(&svc.name, &svc.stage, &svc.region);
        if length > naming::MAX_ROLE_NAME {
            errors.push(SynthError::SharedRoleNameTooLong { path: "provider.iam.role.name".into(), length });
        }
    }
    out
}

/// The policy size budget applied to every role: the managed policies split off, each role's sizes,
/// and the Lambdas of a split role made to depend on its policies.
struct Budgeted {
    managed_policies: Map<String, Value>,
    sizes: Vec<RoleSizes>,
    warnings: Vec<Warning>,
}

fn budget(
    roles: &mut Map<String, Value>,
    functions: &mut [(String, FunctionPlan)],
    mode: PolicySize,
    errors: &mut Errors,
) -> Budgeted {
    let mut out = Budgeted { managed_policies: Map::new(), sizes: Vec::new(), warnings: Vec::new() };
    for (id, role) in roles.iter_mut() {
        match crate::budget::apply(id, std::mem::take(role), mode) {
            Ok((budgeted, policies, measured, notes)) => {
                *role = budgeted;
                let ids: Vec<String> = policies.iter().map(|(pid, _)| pid.clone()).collect();
                if !ids.is_empty() {
                    for (_, fp) in
                        functions.iter_mut().filter(|(_, fp)| fp.role_resource.as_deref() == Some(id.as_str()))
                    {
                        fp.depends_on.prepend.extend(ids.iter().cloned());
                        fp.policy_resources = ids.clone();
                    }
                }
                out.managed_policies.extend(policies);
                out.sizes.push(measured);
                out.warnings.extend(notes);
            }
            Err(e) => errors.push(e),
        }
    }
    out
}
