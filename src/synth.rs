//! From a projected service to a plan, and from the compiled template back to the patches that
//! make it match the plan (after the framework's event compilers ran).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::cfn::{get_att_arn, get_att_target, truthy};
use crate::error::{Diagnostic, Errors, SynthError};
use crate::grants::{self, Flavor, FnGrants};
use crate::dedicated;
use crate::model::{read_service, Function, Mode, ProviderIamRole, Service};
use crate::naming::{self, SHARED_ROLE_ID};
use crate::policy::{canonical, RoleDoc};
use crate::shared;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RoleSource {
    Shared,
    Dedicated,
    Custom,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DependsOnPatch {
    /// Put first, in this order.
    pub prepend: Vec<String>,
    /// Take out wherever they stand.
    pub remove: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionPlan {
    pub lambda_logical_id: String,
    pub role_source: RoleSource,
    /// The Lambda's `Properties.Role`.
    pub role: Value,
    /// The role resource its Lambda and event source mappings depend on, if it is in this stack.
    pub role_resource: Option<String>,
    /// The role resource Serverless 3.40.0 makes its event source mappings depend on.
    pub framework_role_resource: Option<String>,
    pub depends_on: DependsOnPatch,
    /// Managed policies the policy size budget split off its role: the Lambda and its event
    /// source mappings depend on them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_resources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Role resources to put into the template, by logical id (shared role first, then functions
    /// in declaration order).
    pub roles: Map<String, Value>,
    /// Role logical ids the framework created that must be removed.
    pub remove_roles: Vec<String>,
    pub functions: Map<String, Value>,
    /// The shared role's grants as Serverless 3.40.0 writes them, to tell its statements from those
    /// added by something this engine does not know.
    pub framework_shared_role: Option<RoleDoc>,
    #[serde(default)]
    pub warnings: Vec<Diagnostic>,
    /// `AWS::IAM::ManagedPolicy` resources split off roles over the size limit, by logical id.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub managed_policies: Map<String, Value>,
    /// By function key, the compiled Lambda's `LoggingConfig.LogGroup` (null: none) each dedicated
    /// role's log statements assume; the plugin compares them with the compiled template and, where
    /// one differs, plans again with what it found (`compiled.logGroups` in the input).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub assumed_log_groups: Map<String, Value>,
    /// By function key, the dedicated roles planned without X-Ray permissions (false): the plugin
    /// checks that their compiled Lambdas do not trace (`TracingConfig.Mode: Active`, which another
    /// plugin may set) and, where one does, plans again with `compiled.tracing`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub assumed_tracing: Map<String, Value>,
    /// What the plan adds to the stack's resources, for the check against CloudFormation's limit
    /// once the template is complete (`limits::check_template`).
    #[serde(default)]
    pub resource_budget: crate::limits::ResourceBudget,
    /// Every generated role's policy sizes against IAM's limits (read by the report and the summary
    /// inside the engine; not sent to the plugin).
    #[serde(skip)]
    pub sizes: Vec<crate::budget::RoleSizes>,
    /// What `package` prints about the roles.
    #[serde(default)]
    pub summary: crate::report::Summary,
}

/// The setting a function's custom role comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleSetting {
    Function,
    ProviderIamRole,
    ProviderRole,
}

impl RoleSetting {
    /// Its config path.
    pub(crate) fn path(self, f: &Function) -> String {
        match self {
            RoleSetting::Function => format!("functions.{}.role", f.key),
            RoleSetting::ProviderIamRole => "provider.iam.role".into(),
            RoleSetting::ProviderRole => "provider.role".into(),
        }
    }
}

/// The role the framework would give a function other than the shared role (`getCustomExecutionRole`),
/// and the setting it comes from.
pub(crate) fn custom_role<'a>(svc: &'a Service, f: &'a Function) -> Option<(&'a Value, RoleSetting)> {
    if let Some(r) = f.role.as_ref().filter(|r| truthy(Some(r))) {
        return Some((r, RoleSetting::Function));
    }
    if let ProviderIamRole::Existing(r) = &svc.provider.iam_role {
        return Some((r, RoleSetting::ProviderIamRole));
    }
    svc.provider.role.as_ref().filter(|r| truthy(Some(r))).map(|r| (r, RoleSetting::ProviderRole))
}

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
            Some(target) if role.get("Fn::GetAtt").is_some_and(Value::is_array) => (role.clone(), Some(target.to_string())),
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

/// Does Serverless 3.40.0 create the shared role for this service?
fn framework_has_shared_role(svc: &Service) -> bool {
    !svc.functions.is_empty()
        && !matches!(svc.provider.iam_role, ProviderIamRole::Existing(_))
        && svc.provider.role.is_none()
        && !svc.functions.iter().all(|f| f.role.is_some())
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

fn function_plan(f: &Function, role_source: RoleSource, role: Value, role_resource: Option<String>, framework: Option<String>, prepend: Vec<String>) -> FunctionPlan {
    FunctionPlan {
        lambda_logical_id: naming::lambda_logical_id(&f.key),
        role_source,
        role,
        role_resource,
        framework_role_resource: framework,
        depends_on: DependsOnPatch { prepend, remove: Vec::new() },
        policy_resources: Vec::new(),
    }
}

pub fn synthesize(input: &Value) -> Result<Plan, Vec<SynthError>> {
    let (svc, mut errors) = read_service(input).map_err(|e| e.0)?;
    let mut warnings = Vec::new();
    let ours: Vec<FnGrants> = svc.functions.iter().map(|f| grants::function_grants(&svc, f, Flavor::Ours, &mut errors)).collect();
    let theirs: Vec<FnGrants> = svc
        .functions
        .iter()
        .map(|f| {
            let mut g = grants::function_grants(&svc, f, Flavor::Framework, &mut Errors::default());
            // 3.40.0 grants destinations only to functions without a role of their own;
            // osls grants durable execution only to functions on the shared role.
            if custom_role(&svc, f).is_some() {
                g.destinations.clear();
                g.durable = false;
            }
            g
        })
        .collect();
    if dedicated::mode(&svc) == Mode::PerFunction && svc.provider.role.is_some() {
        errors.push(SynthError::ProviderRoleWithPerFunction { path: "provider.role".into() });
    }

    // the provider's statements on their own (every role that holds them holds them all)
    let provider_statements = dedicated::inheritable_statements(&svc);
    crate::validate::duplicate_sids(&[(dedicated::inheritable_statements_path(&svc), &provider_statements)], &mut errors);

    let mut function_plans: Vec<(String, FunctionPlan)> = Vec::new();
    let mut dedicated_roles = Map::new();
    let mut on_shared: Vec<(&Function, &FnGrants)> = Vec::new();
    let mut assumed_log_groups = Map::new();
    let mut assumed_tracing = Map::new();
    let mut with_own_role: Vec<&Function> = Vec::new();
    // configured log groups the compiled functions do not use, by setting: (path, the first function
    // and the group it uses, how many functions)
    let mut not_applied: Vec<(String, (String, String), usize)> = Vec::new();
    for (f, g) in svc.functions.iter().zip(&ours) {
        let custom = custom_role(&svc, f).map(|(role, _)| role);
        let framework_resource = framework_role_resource(custom);
        // `role: IamRoleLambdaExecution` (or its `Fn::GetAtt`) puts the function on the shared role in
        // every mode: the function's `role` always wins (the guide), and perFunction mode keeps the shared
        // role for it.
        let wants = dedicated::wants_dedicated_role(&svc, f) && !custom.is_some_and(refers_to_shared_role);
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
                    warnings.push(warning(
                        "IAM_SYNTH_FUNCTION_IAM_IGNORED",
                        &f.iam.requested_by[0],
                        format!("function '{}' runs under the provider's existing role, so its per-function IAM settings make no role", f.key),
                        "remove provider.iam.role / provider.role to let the plugin build roles, or grant these permissions in that role",
                    ));
                }
                let (role_value, dep) = compile_role(role);
                // Event source mappings follow the role resource only when there can be one: a string
                // such as `some:aws:arn:xx1:*:*` is no logical id (Serverless 3.40.0 wires nothing either).
                let dep = dep.filter(|id| crate::cfn::is_logical_id(id));
                function_plan(f, RoleSource::Custom, role_value, dep, framework_resource, Vec::new())
            }
            _ if wants => match dedicated::dedicated_role(&svc, f, g, &mut errors) {
                Some((id, resource)) => {
                    dedicated_roles.insert(id.clone(), resource);
                    with_own_role.push(f);
                    if let Some(assumed) = dedicated::assumed_log_group(&svc, f) {
                        assumed_log_groups.insert(f.key.clone(), assumed);
                    }
                    if !crate::grants::traces(&svc, f) {
                        assumed_tracing.insert(f.key.clone(), Value::Bool(false));
                    }
                    if let Some((path, used)) = dedicated::log_group_not_applied(&svc, f) {
                        match not_applied.iter_mut().find(|(p, _, _)| *p == path) {
                            Some((_, _, count)) => *count += 1,
                            None => not_applied.push((path, (f.key.clone(), used), 1)),
                        }
                    }
                    function_plan(f, RoleSource::Dedicated, get_att_arn(&id), Some(id.clone()), framework_resource, vec![id])
                }
                None => continue,
            },
            _ => {
                if let Some(first) = f.iam.shaping.first() {
                    let settings = f.iam.shaping.join(", ");
                    let verb = if f.iam.shaping.len() == 1 { "has" } else { "have" };
                    warnings.push(warning(
                        "IAM_SYNTH_FUNCTION_IAM_UNUSED",
                        first,
                        format!("function '{}' runs under the shared role, so {settings} {verb} no effect", f.key),
                        "add iam.role.statements (even []) or iam.role.managedPolicies to give the function its own role",
                    ));
                }
                on_shared.push((f, g));
                let shared = SHARED_ROLE_ID.to_string();
                function_plan(f, RoleSource::Shared, get_att_arn(SHARED_ROLE_ID), Some(shared), framework_resource, Vec::new())
            }
        };
        function_plans.push((f.key.clone(), plan));
    }
    if !errors.is_empty() {
        return Err(errors.0);
    }
    for (path, first, count) in not_applied {
        warnings.push(log_group_warning(&path, &first, count));
    }
    warnings.extend(crate::additions::provider_additions(&svc, &with_own_role));

    let framework_had_shared_role = framework_has_shared_role(&svc);
    let framework_shared_role = framework_had_shared_role.then(|| {
        let all: Vec<(&Function, &FnGrants)> = svc.functions.iter().zip(&theirs).collect();
        shared::shared_role_doc(&svc, &all, Flavor::Framework)
    });
    let mut roles = Map::new();
    let reference = shared_role_reference(input.get("resources"));
    if !on_shared.is_empty() {
        let doc = shared::shared_role_doc(&svc, &on_shared, Flavor::Ours);
        roles.insert(SHARED_ROLE_ID.to_string(), shared::shared_role_resource(&svc, doc));
    } else if let (Some(path), Some(_)) = (&reference, &framework_shared_role) {
        let doc = shared::shared_role_doc(&svc, &[], Flavor::Ours);
        roles.insert(SHARED_ROLE_ID.to_string(), shared::shared_role_resource(&svc, doc));
        warnings.push(warning(
            "IAM_SYNTH_SHARED_ROLE_KEPT",
            path,
            format!("no function runs under {SHARED_ROLE_ID}, but {path} refers to it, so it is kept with the provider's settings only"),
            "remove the reference to drop the unused role",
        ));
    }
    if roles.contains_key(SHARED_ROLE_ID) && matches!(&svc.provider.iam_role, ProviderIamRole::Config(c) if c.name.is_none()) {
        let length = naming::shared_role_name_length(&svc.name, &svc.stage, &svc.region);
        if length > naming::MAX_ROLE_NAME {
            errors.push(SynthError::SharedRoleNameTooLong { path: "provider.iam.role.name".into(), length });
        }
    }
    roles.extend(dedicated_roles);

    // the policy size budget
    let mut managed_policies = Map::new();
    let mut sizes = Vec::new();
    for (id, role) in roles.iter_mut() {
        match crate::budget::apply(id, std::mem::take(role), svc.policy_size) {
            Ok((budgeted, policies, measured, notes)) => {
                *role = budgeted;
                let ids: Vec<String> = policies.iter().map(|(pid, _)| pid.clone()).collect();
                if !ids.is_empty() {
                    for (_, fp) in function_plans.iter_mut().filter(|(_, fp)| fp.role_resource.as_deref() == Some(id.as_str())) {
                        fp.depends_on.prepend.extend(ids.iter().cloned());
                        fp.policy_resources = ids.clone();
                    }
                }
                managed_policies.extend(policies);
                sizes.push(measured);
                warnings.extend(notes);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors.0);
    }
    let mut functions = Map::new();
    for (key, plan) in function_plans {
        functions.insert(key, serde_json::to_value(plan).map_err(internal)?);
    }
    let remove_roles = if framework_shared_role.is_some() && !roles.contains_key(SHARED_ROLE_ID) {
        vec![SHARED_ROLE_ID.to_string()]
    } else {
        Vec::new()
    };
    // Reconciliation compares the framework's shared role with ours only when we plan one.
    let framework_shared_role = framework_shared_role.filter(|_| roles.contains_key(SHARED_ROLE_ID));
    warnings.extend(crate::overrides::override_warnings(&roles, input.get("resources")));
    // the framework's shared role is replaced by ours or removed: one resource fewer to count
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let resource_budget = crate::limits::ResourceBudget {
        added: count(roles.len() + managed_policies.len()) - i64::from(framework_had_shared_role),
        strictness: svc.resource_limit,
    };
    let mut plan = Plan {
        roles,
        remove_roles,
        functions,
        framework_shared_role,
        warnings,
        managed_policies,
        assumed_log_groups,
        assumed_tracing,
        resource_budget,
        sizes,
        summary: Default::default(),
    };
    plan.summary = crate::report::summary(&plan);
    Ok(plan)
}

/// One warning per setting the framework did not compile into the functions that use it: the
/// first such function and how many there are.
fn log_group_warning(path: &str, (key, used): &(String, String), count: usize) -> Diagnostic {
    let message = if count == 1 {
        format!("function '{key}' writes its logs to {used}, not to the log group {path} names: the framework did not compile that setting into the function, so its role grants {used}")
    } else {
        format!(
            "{count} functions write their logs elsewhere than the log group {path} names ('{key}' to {used}, and {} more): the framework did not compile that setting into them, so their roles grant the groups they use",
            count - 1
        )
    };
    warning(
        "IAM_SYNTH_LOG_GROUP_NOT_APPLIED",
        path,
        message,
        "Serverless 3 does not support logs.logGroup: remove it, or package with osls, where a function's own `logs` replaces provider.logs.lambda",
    )
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Vec<SynthError> {
    vec![SynthError::Internal { message: e.to_string() }]
}

// ---------------------------------------------------------------------------------------------
// Reconciliation after the framework's event compilers

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
    pub warnings: Vec<Diagnostic>,
}

/// Items of `observed` that equal (as `_.isEqual` says) no item of `expected`. Set semantics: how
/// often the framework repeats a known statement differs between versions (lodash's `unionWith` in
/// Serverless 3, `appendIfMissing` in osls), and a repeat grants nothing new.
pub(crate) fn unaccounted(observed: &[Value], expected: &[Value]) -> Vec<Value> {
    let known: std::collections::HashSet<String> = expected.iter().map(canonical).collect();
    observed.iter().filter(|o| !known.contains(&canonical(o))).cloned().collect()
}

pub(crate) fn observed_doc(role: &Value) -> RoleDoc {
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

fn warning(code: &str, path: &str, message: String, hint: &str) -> Diagnostic {
    Diagnostic { code: code.into(), path: path.into(), message, hint: hint.into() }
}

/// What the compiled shared role holds of one kind beyond what the framework is known to add, each
/// reported as a warning.
fn unknown_grants(observed: &[Value], expected: &[Value], code: &str, what: &str, out: &mut Reconciled) -> Vec<Value> {
    let extra = unaccounted(observed, expected);
    for x in &extra {
        out.warnings.push(warning(
            code,
            SHARED_ROLE_ID,
            format!("{what} this plugin does not know the origin of: {x}"),
            "the plugin kept it on the shared role; if it belongs to a function with its own role, grant it there",
        ));
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
    let statements = unknown_grants(&observed.statements, &expected.statements, "IAM_SYNTH_UNKNOWN_STATEMENT", "the shared role holds a statement", out);
    let managed = unknown_grants(
        &observed.managed_policies,
        &expected.managed_policies,
        "IAM_SYNTH_UNKNOWN_MANAGED_POLICY",
        "the shared role has a managed policy",
        out,
    );
    let principals = unknown_grants(
        &as_values(&observed.principals),
        &as_values(&expected.principals),
        "IAM_SYNTH_UNKNOWN_PRINCIPAL",
        "the shared role's trust policy names a service",
        out,
    );
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
    let mut by_lambda: HashMap<String, FunctionPlan> = HashMap::new();
    for v in req.plan.functions.values() {
        let fp = FunctionPlan::deserialize(v).map_err(internal)?;
        by_lambda.insert(fp.lambda_logical_id.clone(), fp);
    }
    let removed: Vec<&String> = req.plan.remove_roles.iter().collect();
    for (id, res) in &req.resources {
        let ty = res.get("Type").and_then(Value::as_str).unwrap_or_default();
        let props = res.get("Properties");
        let mut patch = Map::new();
        match ty {
            "AWS::Lambda::EventSourceMapping" => {
                let Some(fp) = props.and_then(|p| p.get("FunctionName")).and_then(first_get_att).and_then(|t| by_lambda.get(t))
                else {
                    continue;
                };
                let observed = res.get("DependsOn");
                let mut deps = depends_on_list(observed);
                let before = deps.clone();
                if let Some(theirs) = &fp.framework_role_resource {
                    if fp.role_resource.as_ref() != Some(theirs) {
                        match deps.iter().position(|d| d == theirs) {
                            Some(i) => match &fp.role_resource {
                                Some(ours) => deps[i] = ours.clone(),
                                None => {
                                    deps.remove(i);
                                }
                            },
                            None => {}
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
                let Some(fp) = props.and_then(|p| p.pointer("/Target/Arn")).and_then(first_get_att).and_then(|t| by_lambda.get(t))
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

pub fn reconcile(input: &Value) -> Result<Reconciled, Vec<SynthError>> {
    reconcile_request(&ReconcileRequest::deserialize(input).map_err(internal)?)
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
