//! Dedicated per-function roles (iam-behaviour.md §5): who gets one, its name, what it takes from
//! the provider, and its statements in the order of §5.4.

use serde_json::{json, Map, Value};

use crate::cfn::{sub_arn, truthy};
use crate::error::{Errors, SynthError};
use crate::grants::{self, FnGrants};
use crate::model::{Function, Mode, Service};
use crate::naming::{self, GeneratedName};
use crate::policy::{role_resource, tag_list, RoleDoc};

fn log_group_arn(group: &Value) -> Value {
    match group {
        Value::String(g) => sub_arn(&format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{g}:*:*")),
        other => json!({ "Fn::Join": ["", [
            "arn:", { "Ref": "AWS::Partition" }, ":logs:", { "Ref": "AWS::Region" }, ":",
            { "Ref": "AWS::AccountId" }, ":log-group:", other, ":*:*"
        ]] }),
    }
}

/// The log group set in the configuration: `logs.logGroup`, else `provider.logs.lambda.logGroup`.
fn configured_log_group<'a>(svc: &'a Service, f: &'a Function) -> Option<&'a Value> {
    f.log_group.as_ref().or(svc.provider.log_group.as_ref())
}

/// The log group the function writes to. Once the plugin has seen the compiled Lambda, the
/// framework's word is final: Serverless 3.40.0 has no `logs.logGroup` and compiles no
/// `LoggingConfig`, so its functions write to `/aws/lambda/<name>` whatever the configuration says.
fn log_group(svc: &Service, f: &Function) -> Value {
    match &f.compiled_log_group {
        Some(Value::Null) => Value::String(naming::log_group_name(&f.name)),
        Some(compiled) => compiled.clone(),
        None => configured_log_group(svc, f).cloned().unwrap_or_else(|| Value::String(naming::log_group_name(&f.name))),
    }
}

/// What the plan assumes of the compiled Lambda's `LoggingConfig.LogGroup` (null: none): the
/// plugin checks it once the framework has compiled the function, and plans again if it differs.
pub fn assumed_log_group(svc: &Service, f: &Function) -> Option<Value> {
    f.compiled_log_group.is_none().then(|| configured_log_group(svc, f).cloned().unwrap_or(Value::Null))
}

/// A configured log group the compiled function does not use: its role grants the one it uses.
pub fn log_group_not_applied(svc: &Service, f: &Function) -> Option<(String, String)> {
    let configured = configured_log_group(svc, f)?;
    let compiled = f.compiled_log_group.as_ref()?;
    if compiled == configured {
        return None;
    }
    let path = if f.log_group.is_some() {
        format!("functions.{}.logs.logGroup", f.key)
    } else {
        "provider.logs.lambda.logGroup".to_string()
    };
    let used = match log_group(svc, f) {
        Value::String(s) => s,
        other => other.to_string(),
    };
    Some((path, used))
}

fn log_statements(svc: &Service, f: &Function) -> Vec<Value> {
    let group = log_group(svc, f);
    let arn = log_group_arn(&group);
    let mut out = vec![grants::allow(
        &["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents"],
        Value::Array(vec![arn.clone()]),
    )];
    if f.disable_logs {
        out.push(grants::statement(
            "Deny",
            Value::Array(vec![Value::from("logs:PutLogEvents")]),
            Value::Array(vec![arn]),
        ));
    }
    out
}

/// The function's own auto-added permissions, in the order of §5.4 step 2.
fn auto_statements(svc: &Service, f: &Function, g: &FnGrants, principals: &mut Vec<String>) -> Vec<Value> {
    let mut out = Vec::new();
    out.extend(g.streams.iter().cloned());
    if !g.sqs.is_empty() {
        out.push(grants::allow(
            &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            Value::Array(g.sqs.clone()),
        ));
    }
    if let Some(target) = f.on_error.as_ref() {
        out.push(grants::allow(&["sns:Publish"], target.clone()));
    }
    if g.websocket && !svc.provider.websocket_api_id {
        out.push(grants::websocket_statement());
    }
    out.extend(g.activemq.iter().cloned());
    out.extend(g.rabbitmq.iter().cloned());
    out.extend(g.kafka.iter().cloned());
    out.extend(g.msk.iter().cloned());
    if g.cloudfront {
        principals.push(grants::EDGE_PRINCIPAL.to_string());
        out.push(grants::cloudfront_logs_statement());
    }
    if let Some(resources) = &g.scheduler {
        principals.push(grants::SCHEDULER_PRINCIPAL.to_string());
        out.push(grants::allow(&["lambda:InvokeFunction"], resources.clone()));
    }
    if g.xray {
        out.push(grants::xray_statement());
    }
    if let Some(key) = f.kms_key_arn.as_ref().or(svc.provider.kms_key_arn.as_ref()) {
        out.push(grants::allow(&["kms:Decrypt"], Value::Array(vec![key.clone()])));
    }
    if let Some(s) = &g.file_system {
        out.push(s.clone());
    }
    for d in &g.destinations {
        if !out.contains(&d.statement) {
            out.push(d.statement.clone());
        }
    }
    out
}

fn role_name(svc: &Service, f: &Function, errors: &mut Errors) -> Option<Value> {
    let path = format!("functions.{}", f.key);
    if let Some(name) = &f.iam.role.name {
        // checked where it was read
        return Some(name.clone());
    }
    match naming::dedicated_role_name(&svc.name, &svc.stage, &f.key, &svc.region) {
        GeneratedName::Full(v) | GeneratedName::Shortened(v) => Some(v),
        GeneratedName::TooLong(length) => {
            errors.push(SynthError::RoleNameTooLong { path, function: f.key.clone(), length });
            None
        }
    }
}

fn merged_tags(
    provider: Option<&Vec<(String, Value)>>,
    function: Option<&Vec<(String, Value)>>,
) -> Vec<(String, Value)> {
    let mut tags: Vec<(String, Value)> = provider.cloned().unwrap_or_default();
    for (k, v) in function.into_iter().flatten() {
        match tags.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => tags.push((k.clone(), v.clone())),
        }
    }
    tags
}

/// The dedicated role of `f`: its logical id and resource.
pub fn dedicated_role(svc: &Service, f: &Function, g: &FnGrants, errors: &mut Errors) -> Option<(String, Value)> {
    let name = role_name(svc, f, errors)?;
    let provider = svc.provider_config();
    let per_function = svc.mode() == Mode::PerFunction;

    let mut principals = vec![grants::LAMBDA_PRINCIPAL.to_string()];
    let mut statements = log_statements(svc, f);
    statements.extend(auto_statements(svc, f, g, &mut principals));
    let (inherited_path, inheritable) = svc.inheritable_statements();
    let inherited = if svc.inherits(f) { inheritable.to_vec() } else { Vec::new() };
    let own = f.iam.role.statements.clone().unwrap_or_default();
    // the setting the own statements came from: `iam.role.statements` or the legacy `iamRoleStatements`
    let own_path =
        f.iam.requested_by.iter().find(|p| p.ends_with(".iam.role.statements") || p.ends_with(".iamRoleStatements"));
    let own_path = own_path.map(String::as_str).unwrap_or("");
    crate::validate::duplicate_sids(&[(inherited_path, &inherited), (own_path, &own)], errors);
    statements.extend(inherited);
    statements.extend(own);

    let mut managed = Vec::new();
    if per_function {
        managed.extend(svc.provider_managed_policies().iter().cloned());
    }
    managed.extend(f.iam.role.managed_policies.clone().unwrap_or_default());
    if g.vpc {
        managed.push(grants::vpc_managed_policy());
    }
    if g.durable {
        managed.push(grants::durable_managed_policy());
    }
    let doc = RoleDoc { principals, statements, managed_policies: managed };

    let mut extra = Map::new();
    let path = f.iam.role.path.clone().or_else(|| provider.and_then(|p| p.path.clone())).unwrap_or_else(|| json!("/"));
    extra.insert("Path".into(), path);
    extra.insert("RoleName".into(), name);
    let tags = merged_tags(provider.and_then(|p| p.tags.as_ref()), f.iam.role.tags.as_ref());
    // Each list alone was checked where it was read; report the merge only when that passed.
    let within = |t: Option<&Vec<(String, Value)>>| t.map_or(0, Vec::len) <= crate::validate::MAX_TAGS;
    if tags.len() > crate::validate::MAX_TAGS
        && within(provider.and_then(|p| p.tags.as_ref()))
        && within(f.iam.role.tags.as_ref())
    {
        errors.push(SynthError::InvalidTags {
            path: format!("functions.{}.iam.role.tags", f.key),
            problem: format!(
                "with the provider's tags the role has {} tags; IAM allows {}",
                tags.len(),
                crate::validate::MAX_TAGS
            ),
        });
    }
    if !tags.is_empty() {
        extra.insert("Tags".into(), tag_list(tags));
    }
    let boundary = f
        .iam
        .role
        .permissions_boundary
        .clone()
        .or_else(|| svc.legacy_custom.global_permissions_boundary.clone())
        .or_else(|| provider.and_then(|p| p.permissions_boundary.clone()))
        .or_else(|| svc.provider.role_permissions_boundary.clone());
    if let Some(b) = boundary.filter(|b| truthy(Some(b))) {
        extra.insert("PermissionsBoundary".into(), b);
    }
    let no_managed = doc.managed_policies.is_empty();
    let mut resource = role_resource(svc, doc, extra);
    // `condition:` puts the function under a condition of the template; its role follows it
    if let Some(condition) = f.raw("condition").filter(|c| c.is_string()) {
        resource["Condition"] = condition.clone();
    }
    if per_function && no_managed {
        if let Some(props) = resource.get_mut("Properties").and_then(Value::as_object_mut) {
            props.insert("ManagedPolicyArns".into(), json!([]));
        }
    }
    Some((naming::dedicated_role_logical_id(&f.key), resource))
}
