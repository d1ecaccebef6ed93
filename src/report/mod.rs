//! `serverless iam`: who can do what, from the same plan `package` builds, as text or JSON; and the
//! one-line summary printed at package time.

mod findings;
mod permissions;
mod render;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::budget::{Measure, RoleSizes};
use crate::cfn::get_att_target;
use crate::error::internal;
use crate::error::{Diagnostic, SynthError};
use crate::model::{read_service, Service};
use crate::naming::SHARED_ROLE_ID;
use crate::plan::{Plan, RoleSource};
use crate::policy::canonical;
use crate::synth;
use crate::warning::Warning;

pub use crate::readable::{plural, readable, thousands};
pub use findings::Finding;
pub use permissions::Permission;

/// What the command asked for.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportOptions {
    /// `--function`: only this function and its role.
    pub function: Option<String>,
    /// `--json`: the report as one JSON document.
    pub json: bool,
    /// Colour and bars (the output is a terminal).
    pub color: bool,
    /// Columns to fit; 80 when not given.
    pub width: Option<usize>,
}

/// The command's answer: what to print on stdout, and how many findings there are (for `--strict`).
#[derive(Debug, Clone, Serialize)]
pub struct ReportOutput {
    pub output: String,
    pub findings: usize,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub service: String,
    pub stage: String,
    pub region: String,
    pub functions: Vec<FunctionEntry>,
    pub roles: Vec<RoleEntry>,
    pub findings: Vec<Finding>,
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionEntry {
    pub function: String,
    /// The role's logical id (a role of this stack), or the configured ARN or intrinsic object.
    pub role: Value,
    pub role_source: RoleSource,
    /// For a custom role: the setting it comes from (`functions.x.role`, `provider.iam.role`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_from: Option<String>,
    /// The role's statements (inline and split-off managed policies); null when the role is not
    /// defined in this service.
    pub statements: Option<Vec<Value>>,
    /// The role's inline policy size against IAM's limit; null for custom roles.
    pub size: Option<Measure>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleEntry {
    /// As in `functions[].role`.
    pub role: Value,
    pub logical_id: Option<String>,
    /// `RoleName`, when the role is defined in this service.
    pub name: Option<Value>,
    pub role_source: RoleSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub functions: Vec<String>,
    pub statements: Option<Vec<Value>>,
    pub managed_policy_arns: Vec<Value>,
    pub permissions: Vec<Permission>,
    pub size: Option<RoleSizes>,
}

impl RoleEntry {
    /// How findings and text name the role.
    pub fn label(&self) -> String {
        self.logical_id.clone().unwrap_or_else(|| readable(&self.role))
    }

    /// Where the user wrote this role's statements, for a custom role defined in `resources`.
    pub fn defined_at(&self) -> Option<String> {
        match (&self.role_source, &self.logical_id) {
            (RoleSource::Custom, Some(id)) => Some(format!("resources.Resources.{id}")),
            _ => None,
        }
    }
}

/// `serverless iam`: synthesizes `service` as `package` does and reports on the plan.
pub fn report(service: &Value, options: &Value) -> Result<ReportOutput, Vec<SynthError>> {
    let options = ReportOptions::deserialize(options).map_err(internal)?;
    let plan = synth::synthesize(service)?;
    let (svc, _) = read_service(service).map_err(|e| e.0)?;
    let mut report = build(&svc, service, &plan)?;
    if let Some(key) = &options.function {
        narrow(&mut report, key)?;
    }
    let output = if options.json {
        let mut text = serde_json::to_string_pretty(&report).map_err(internal)?;
        text.push('\n');
        text
    } else {
        render::text(&report, options.color, options.width.unwrap_or(render::WIDTH))
    };
    Ok(ReportOutput { output, findings: report.findings.len() })
}

/// The statements a generated role grants: its inline policies, then the managed policies the
/// size budget split off it.
fn role_statements(id: &str, role: &Value, managed: &serde_json::Map<String, Value>) -> Vec<Value> {
    let mut out = Vec::new();
    let docs = role.pointer("/Properties/Policies").and_then(Value::as_array).into_iter().flatten();
    for doc in docs {
        if let Some(list) = doc.pointer("/PolicyDocument/Statement").and_then(Value::as_array) {
            out.extend(list.iter().cloned());
        }
    }
    for policy in managed.values() {
        let attached = policy
            .pointer("/Properties/Roles")
            .and_then(Value::as_array)
            .is_some_and(|roles| roles.iter().any(|r| r.get("Ref").and_then(Value::as_str) == Some(id)));
        if attached {
            if let Some(list) = policy.pointer("/Properties/PolicyDocument/Statement").and_then(Value::as_array) {
                out.extend(list.iter().cloned());
            }
        }
    }
    out
}

/// The logical id a custom role names, if it names one (`MyRole`, `Fn::GetAtt: [MyRole, Arn]`, `Ref: MyRole`).
fn custom_logical_id(role: &Value) -> Option<String> {
    match role {
        Value::String(s) if !s.contains(':') => Some(s.clone()),
        Value::Object(m) => get_att_target(role)
            .map(str::to_string)
            .or_else(|| m.get("Ref").and_then(Value::as_str).map(str::to_string)),
        _ => None,
    }
}

/// Where each of the user's statements comes from: provider statements first, then each function's.
fn statement_sources(svc: &Service) -> (HashMap<String, String>, Vec<(String, Value)>) {
    let mut sources = HashMap::new();
    let mut inheritable = Vec::new();
    let (path, list) = svc.provider_statements();
    // the inheritable statements are these, or none
    let inherited = !svc.inheritable_statements().1.is_empty();
    for (i, s) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        sources.entry(canonical(s)).or_insert_with(|| at.clone());
        if inherited {
            inheritable.push((at, s.clone()));
        }
    }
    for f in &svc.functions {
        let Some(list) = &f.iam.role.statements else { continue };
        let path = f
            .iam
            .requested_by
            .iter()
            .find(|p| p.ends_with("tatements"))
            .cloned()
            .unwrap_or_else(|| format!("functions.{}.iam.role.statements", f.key));
        for (i, s) in list.iter().enumerate() {
            sources.entry(canonical(s)).or_insert_with(|| format!("{path}[{i}]"));
        }
    }
    (sources, inheritable)
}

fn build(svc: &Service, input: &Value, plan: &Plan) -> Result<Report, Vec<SynthError>> {
    let fplans = &plan.functions;
    let sizes: HashMap<&str, &RoleSizes> = plan.sizes.iter().map(|s| (s.logical_id.as_str(), s)).collect();

    let mut roles: Vec<RoleEntry> = Vec::new();
    for (id, resource) in &plan.roles {
        let statements = role_statements(id, resource, &plan.managed_policies);
        let props = resource.get("Properties");
        roles.push(RoleEntry {
            role: Value::String(id.clone()),
            logical_id: Some(id.clone()),
            name: Some(
                props
                    .and_then(|p| p.get("RoleName"))
                    .cloned()
                    .unwrap_or_else(|| crate::naming::shared_role_name(&svc.name, &svc.stage)),
            ),
            role_source: if id == SHARED_ROLE_ID { RoleSource::Shared } else { RoleSource::Dedicated },
            from: None,
            functions: fplans
                .iter()
                .filter(|(_, fp)| fp.role_source != RoleSource::Custom && fp.role_resource.as_deref() == Some(id))
                .map(|(k, _)| k.clone())
                .collect(),
            managed_policy_arns: props
                .and_then(|p| p.get("ManagedPolicyArns"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            permissions: permissions::permissions(&statements),
            statements: Some(statements),
            size: sizes.get(id.as_str()).map(|s| (*s).clone()),
        });
    }

    // Custom roles, one entry per distinct role value, in function order.
    let user_resources = input.pointer("/resources/Resources").and_then(Value::as_object);
    let mut functions = Vec::new();
    for (key, fp) in fplans.iter() {
        let f = svc.functions.iter().find(|f| &f.key == key).ok_or_else(|| internal(format!("no function {key}")))?;
        let (role, role_from) = match fp.role_source {
            RoleSource::Custom => {
                let (value, setting) =
                    svc.custom_role(f).ok_or_else(|| internal(format!("no custom role for {key}")))?;
                (value.clone(), Some(setting.path(f)))
            }
            _ => (Value::String(fp.role_resource.clone().unwrap_or_else(|| SHARED_ROLE_ID.into())), None),
        };
        let entry = match roles.iter().position(|r| canonical(&r.role) == canonical(&role)) {
            Some(i) => i,
            None => {
                let logical_id = custom_logical_id(&role);
                let defined = logical_id
                    .as_ref()
                    .and_then(|id| user_resources.and_then(|r| r.get(id)))
                    .filter(|r| r.get("Type").and_then(Value::as_str) == Some("AWS::IAM::Role"));
                let statements = defined.map(|r| role_statements("", r, &serde_json::Map::new()));
                let props = defined.and_then(|r| r.get("Properties"));
                roles.push(RoleEntry {
                    role: role.clone(),
                    logical_id: logical_id.filter(|_| defined.is_some()),
                    name: props.and_then(|p| p.get("RoleName")).cloned(),
                    role_source: RoleSource::Custom,
                    from: role_from.clone(),
                    functions: Vec::new(),
                    permissions: statements.as_deref().map(permissions::permissions).unwrap_or_default(),
                    managed_policy_arns: props
                        .and_then(|p| p.get("ManagedPolicyArns"))
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                    statements,
                    size: None,
                });
                roles.len() - 1
            }
        };
        if fp.role_source == RoleSource::Custom {
            roles[entry].functions.push(key.clone());
        }
        functions.push(FunctionEntry {
            function: key.clone(),
            role: roles[entry].logical_id.clone().map(Value::String).unwrap_or(role),
            role_source: fp.role_source,
            role_from,
            statements: roles[entry].statements.clone(),
            size: roles[entry].size.as_ref().map(|s| s.inline.clone()),
        });
    }

    let (sources, inheritable) = statement_sources(svc);
    let findings = findings::findings(&roles, &sources, &inheritable);
    Ok(Report {
        service: svc.name.clone(),
        stage: svc.stage.clone(),
        region: svc.region.clone(),
        functions,
        roles,
        findings,
        warnings: plan.warnings.iter().map(Warning::to_diagnostic).collect(),
    })
}

/// `--function`: the function, its role, and the findings about that role.
fn narrow(report: &mut Report, key: &str) -> Result<(), Vec<SynthError>> {
    let Some(entry) = report.functions.iter().find(|f| f.function == key) else {
        let known: Vec<String> = report.functions.iter().map(|f| f.function.clone()).collect();
        return Err(vec![SynthError::UnknownFunction { function: key.to_string(), known }]);
    };
    let role = canonical(&entry.role);
    report.functions.retain(|f| f.function == key);
    report.roles.retain(|r| {
        canonical(&r.role) == role
            || r.logical_id.as_ref().is_some_and(|id| canonical(&Value::String(id.clone())) == role)
    });
    let labels: Vec<String> = report.roles.iter().map(RoleEntry::label).collect();
    report.findings.retain(|f| f.roles.iter().any(|r| labels.contains(r)));
    Ok(())
}
