//! What other plugins add to the IAM of the service while it packages, which the roles this plugin
//! gives functions of their own do not get: statements and managed policies appended to the
//! provider's settings after this plugin was constructed (serverless-lift's permissions,
//! serverless-plugin-lambda-insights' managed policy), and grants added to the compiled shared role
//! after this plugin built the roles (serverless-plugin-canary-deployments' CodeDeploy hook
//! permission). Only warnings: which function needs such a grant is that plugin's knowledge.

use serde::Deserialize;
use serde_json::Value;

use crate::model::{
    Function, Mode, Service, LEGACY_PROVIDER_STATEMENTS, MANAGED_LISTS, PROVIDER_STATEMENTS, STATEMENT_LISTS,
};
use crate::readable::readable;
use crate::warning::Warning;

fn list<'a>(svc: &'a Service, path: &str) -> &'a [Value] {
    let config = svc.provider_config();
    let found = match path {
        PROVIDER_STATEMENTS => config.and_then(|c| c.statements.as_ref()),
        LEGACY_PROVIDER_STATEMENTS => svc.provider.legacy_statements.as_ref(),
        "provider.iam.role.managedPolicies" => config.and_then(|c| c.managed_policies.as_ref()),
        _ => svc.provider.legacy_managed_policies.as_ref(),
    };
    found.map(Vec::as_slice).unwrap_or(&[])
}

/// The items of the list at `path` beyond its length when the plugin was constructed; none when
/// the plugin did not say (a direct call of the engine).
fn added<'a>(svc: &'a Service, path: &str) -> &'a [Value] {
    let Some(before) = svc.configured.get(path).and_then(Value::as_u64) else { return &[] };
    let items = list(svc, path);
    items.get(usize::try_from(before).unwrap_or(usize::MAX)..).unwrap_or(&[])
}

/// A statement in a few words: `sqs:SendMessage, sqs:GetQueueUrl on arn:…:queue`.
fn statement_text(s: &Value) -> String {
    let words = |v: Option<&Value>| match v {
        Some(Value::Array(a)) => a.iter().map(readable).collect::<Vec<_>>().join(", "),
        Some(v) => readable(v),
        None => "?".to_string(),
    };
    let effect = if s.get("Effect").and_then(Value::as_str) == Some("Deny") { "deny " } else { "" };
    let action = s.get("Action").or_else(|| s.get("NotAction"));
    let resource = s.get("Resource").or_else(|| s.get("NotResource"));
    format!("{effect}{} on {}", words(action), words(resource))
}

fn list_text(items: &[String]) -> String {
    joined(items, "; ")
}

/// The first few items, joined, and how many more there are.
fn joined(items: &[String], separator: &str) -> String {
    const SHOWN: usize = 3;
    let mut text = items.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(separator);
    if items.len() > SHOWN {
        text.push_str(&format!("; and {} more", items.len() - SHOWN));
    }
    text
}

/// `the role of function 'a'` / `the roles of functions 'a', 'b'`, with the verb that goes with it.
fn roles_of(keys: &[&str], singular: &'static str, plural: &'static str) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("'{k}'")).collect();
    if keys.len() == 1 {
        format!("the role of function {} {singular}", quoted[0])
    } else {
        format!("the roles of functions {} {plural}", joined(&quoted, ", "))
    }
}

/// Warnings for what other plugins appended to the provider's IAM settings that the dedicated
/// roles of `dedicated` do not get: statements they do not inherit (iam-behaviour.md §5.3) and, in
/// shared mode, managed policies (only perFunction mode gives dedicated roles the provider's).
pub fn provider_additions(svc: &Service, dedicated: &[&Function]) -> Vec<Warning> {
    let mut out = Vec::new();
    if dedicated.is_empty() {
        return out;
    }
    let inheritable = svc.inheritable_statements().0;
    for path in STATEMENT_LISTS {
        let items = added(svc, path);
        if items.is_empty() {
            continue;
        }
        let missing: Vec<&str> =
            dedicated.iter().filter(|f| path != inheritable || !svc.inherits(f)).map(|f| f.key.as_str()).collect();
        if missing.is_empty() {
            continue;
        }
        let texts: Vec<String> = items.iter().map(statement_text).collect();
        out.push(Warning::ProviderStatementsAdded {
            path: path.into(),
            count: items.len(),
            items: list_text(&texts),
            roles: roles_of(&missing, "does", "do"),
            inheritable: path == inheritable,
        });
    }
    if svc.mode() == Mode::PerFunction {
        return out;
    }
    for path in MANAGED_LISTS {
        let items = added(svc, path);
        if items.is_empty() {
            continue;
        }
        let keys: Vec<&str> = dedicated.iter().map(|f| f.key.as_str()).collect();
        let texts: Vec<String> = items.iter().map(readable).collect();
        out.push(Warning::ProviderManagedPoliciesAdded {
            path: path.into(),
            count: items.len(),
            items: list_text(&texts),
            roles: roles_of(&keys, "does", "do"),
        });
    }
    out
}

/// The compiled shared role as reconciliation left it and as it is once the template is complete.
#[derive(Debug, Clone, Deserialize)]
pub struct SharedRoleLater {
    pub reconciled: Value,
    pub now: Value,
    /// The functions with roles of their own, by key.
    pub dedicated: Vec<String>,
}

/// A warning when other plugins added grants to the shared role after this plugin built the
/// roles (after the event compilers): the functions with roles of their own do not get them.
pub fn shared_role_additions(later: &SharedRoleLater) -> Vec<Warning> {
    if later.dedicated.is_empty() {
        return Vec::new();
    }
    let before = crate::policy::observed_doc(&later.reconciled);
    let now = crate::policy::observed_doc(&later.now);
    let mut texts: Vec<String> =
        crate::policy::unaccounted(&now.statements, &before.statements).iter().map(statement_text).collect();
    texts.extend(
        crate::policy::unaccounted(&now.managed_policies, &before.managed_policies)
            .iter()
            .map(|m| format!("the managed policy {}", readable(m))),
    );
    if texts.is_empty() {
        return Vec::new();
    }
    let keys: Vec<&str> = later.dedicated.iter().map(String::as_str).collect();
    vec![Warning::SharedRoleExtended { items: list_text(&texts), roles: roles_of(&keys, "does", "do") }]
}
