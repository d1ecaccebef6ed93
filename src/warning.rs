//! The warnings of the engine, typed as its errors are: each variant has its stable code, the config
//! path it is about, its message and the hint, written here and nowhere else. They cross the boundary
//! as `Diagnostic`s.

use serde::{Serialize, Serializer};

use crate::error::Diagnostic;
use crate::naming::SHARED_ROLE_ID;
use crate::readable::plural;

const SMALL_ROLES: &str =
    "nothing to do; per-function roles (iam.role.statements or mode: perFunction) keep each role small";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A function under an existing role sets per-function IAM (`path`: the first such setting).
    FunctionIamIgnored {
        path: String,
        function: String,
    },
    /// A function on the shared role sets role-shaping keys that need a role of its own.
    FunctionIamUnused {
        path: String,
        function: String,
        settings: Vec<String>,
    },
    /// No function runs under the shared role, but the user's resources refer to it.
    SharedRoleKept {
        path: String,
    },
    /// A configured log group the compiled functions do not use: the first such function, the group
    /// it uses, and how many functions there are.
    LogGroupNotApplied {
        path: String,
        function: String,
        used: String,
        count: usize,
    },
    PolicyCompacted {
        role: String,
        before: usize,
        limit: usize,
        after: usize,
    },
    /// `policies`: each split-off policy's logical id and size.
    PolicySplit {
        role: String,
        before: usize,
        limit: usize,
        moved: usize,
        policies: Vec<(String, usize)>,
        inline: usize,
    },
    /// The user's `resources.Resources.<id>` override a generated role and take grants away.
    ResourceOverride {
        id: String,
        lost: Vec<String>,
    },
    /// `count` statements another plugin appended to a provider list after this plugin was
    /// constructed (`items`: the first of them as text), which `roles` (as text) do not inherit;
    /// `inheritable`: the list is the one dedicated roles can inherit.
    ProviderStatementsAdded {
        path: String,
        count: usize,
        items: String,
        roles: String,
        inheritable: bool,
    },
    /// Managed policies another plugin appended to a provider list, which `roles` do not get.
    ProviderManagedPoliciesAdded {
        path: String,
        count: usize,
        items: String,
        roles: String,
    },
    /// Grants another plugin added to the shared role after reconciliation.
    SharedRoleExtended {
        items: String,
        roles: String,
    },
    /// What the compiled shared role holds that no known source explains: `kind` says which kind,
    /// `item` is the JSON of it.
    UnknownGrant {
        kind: UnknownKind,
        item: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKind {
    Statement,
    ManagedPolicy,
    Principal,
}

impl Warning {
    pub fn code(&self) -> &'static str {
        match self {
            Warning::FunctionIamIgnored { .. } => "IAM_SYNTH_FUNCTION_IAM_IGNORED",
            Warning::FunctionIamUnused { .. } => "IAM_SYNTH_FUNCTION_IAM_UNUSED",
            Warning::SharedRoleKept { .. } => "IAM_SYNTH_SHARED_ROLE_KEPT",
            Warning::LogGroupNotApplied { .. } => "IAM_SYNTH_LOG_GROUP_NOT_APPLIED",
            Warning::PolicyCompacted { .. } => "IAM_SYNTH_POLICY_COMPACTED",
            Warning::PolicySplit { .. } => "IAM_SYNTH_POLICY_SPLIT",
            Warning::ResourceOverride { .. } => "IAM_SYNTH_RESOURCE_OVERRIDE",
            Warning::ProviderStatementsAdded { .. } | Warning::ProviderManagedPoliciesAdded { .. } => {
                "IAM_SYNTH_PROVIDER_IAM_ADDED"
            }
            Warning::SharedRoleExtended { .. } => "IAM_SYNTH_SHARED_ROLE_EXTENDED",
            Warning::UnknownGrant { kind: UnknownKind::Statement, .. } => "IAM_SYNTH_UNKNOWN_STATEMENT",
            Warning::UnknownGrant { kind: UnknownKind::ManagedPolicy, .. } => "IAM_SYNTH_UNKNOWN_MANAGED_POLICY",
            Warning::UnknownGrant { kind: UnknownKind::Principal, .. } => "IAM_SYNTH_UNKNOWN_PRINCIPAL",
        }
    }

    pub fn path(&self) -> String {
        match self {
            Warning::FunctionIamIgnored { path, .. }
            | Warning::FunctionIamUnused { path, .. }
            | Warning::SharedRoleKept { path }
            | Warning::LogGroupNotApplied { path, .. }
            | Warning::ProviderStatementsAdded { path, .. }
            | Warning::ProviderManagedPoliciesAdded { path, .. } => path.clone(),
            Warning::PolicyCompacted { role, .. } | Warning::PolicySplit { role, .. } => role.clone(),
            Warning::ResourceOverride { id, .. } => format!("resources.Resources.{id}"),
            Warning::SharedRoleExtended { .. } | Warning::UnknownGrant { .. } => SHARED_ROLE_ID.to_string(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Warning::FunctionIamIgnored { function, .. } => format!(
                "function '{function}' runs under the provider's existing role, so its per-function IAM settings make no role"
            ),
            Warning::FunctionIamUnused { function, settings, .. } => {
                let verb = if settings.len() == 1 { "has" } else { "have" };
                format!("function '{function}' runs under the shared role, so {} {verb} no effect", settings.join(", "))
            }
            Warning::SharedRoleKept { path } => format!(
                "no function runs under {SHARED_ROLE_ID}, but {path} refers to it, so it is kept with the provider's settings only"
            ),
            Warning::LogGroupNotApplied { path, function, used, count: 1 } => format!(
                "function '{function}' writes its logs to {used}, not to the log group {path} names: the framework did not compile that setting into the function, so its role grants {used}"
            ),
            Warning::LogGroupNotApplied { path, function, used, count } => format!(
                "{count} functions write their logs elsewhere than the log group {path} names ('{function}' to {used}, and {} more): the framework did not compile that setting into them, so their roles grant the groups they use",
                count - 1
            ),
            Warning::PolicyCompacted { role, before, limit, after } => format!(
                "{role}: its inline policy would be {before} characters (IAM allows {limit}); compacted losslessly to {after}"
            ),
            Warning::PolicySplit { role, before, limit, moved, policies, inline } => format!(
                "{role}: its inline policy would be {before} characters (IAM allows {limit}); {moved} statement(s) moved into {} managed polic{} ({}), leaving {inline} inline",
                policies.len(),
                if policies.len() == 1 { "y" } else { "ies" },
                policies.iter().map(|(id, size)| format!("{id} {size} characters")).collect::<Vec<_>>().join(", ")
            ),
            Warning::ResourceOverride { id, lost } => format!(
                "resources.Resources.{id} overrides a role this plugin generates and removes {} of its grants: {}",
                lost.len(),
                lost.join("; ")
            ),
            Warning::ProviderStatementsAdded { path, count, items, roles, .. } => format!(
                "another plugin added {} to {path} ({items}), which {roles} not inherit",
                plural(*count, "statement", "statements")
            ),
            Warning::ProviderManagedPoliciesAdded { path, count, items, roles } => format!(
                "another plugin added {} to {path} ({items}), which {roles} not get: in shared mode a role of its own takes no provider managed policy",
                plural(*count, "managed policy", "managed policies")
            ),
            Warning::SharedRoleExtended { items, roles } => {
                format!("another plugin added to {SHARED_ROLE_ID} after this plugin built the roles: {items}; {roles} not get it")
            }
            Warning::UnknownGrant { kind, item } => {
                let what = match kind {
                    UnknownKind::Statement => "the shared role holds a statement",
                    UnknownKind::ManagedPolicy => "the shared role has a managed policy",
                    UnknownKind::Principal => "the shared role's trust policy names a service",
                };
                format!("{what} this plugin does not know the origin of: {item}")
            }
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            Warning::FunctionIamIgnored { .. } => {
                "remove provider.iam.role / provider.role to let the plugin build roles, or grant these permissions in that role"
            }
            Warning::FunctionIamUnused { .. } => {
                "add iam.role.statements (even []) or iam.role.managedPolicies to give the function its own role"
            }
            Warning::SharedRoleKept { .. } => "remove the reference to drop the unused role",
            Warning::LogGroupNotApplied { .. } => {
                "Serverless 3 does not support logs.logGroup: remove it, or package with osls, where a function's own `logs` replaces provider.logs.lambda"
            }
            Warning::PolicyCompacted { .. } | Warning::PolicySplit { .. } => SMALL_ROLES,
            Warning::ResourceOverride { .. } => {
                "your resources win (the framework merges them last); remove the override, or add the permission back there if that is not what you meant"
            }
            Warning::ProviderStatementsAdded { inheritable: true, .. } => {
                "if they need them, set iam.inheritStatements: true on those functions (or custom.serverless-iam-roles-per-function.defaultInherit: true), or add what each needs to its iam.role.statements"
            }
            Warning::ProviderStatementsAdded { inheritable: false, .. } => {
                "roles of their own inherit provider.iam.role.statements only: if they need these, add them to their iam.role.statements"
            }
            Warning::ProviderManagedPoliciesAdded { .. } => {
                "if they need it, add it to those functions' iam.role.managedPolicies, or set provider.iam.role.mode: perFunction"
            }
            Warning::SharedRoleExtended { .. } => {
                "if one of them needs it (serverless-plugin-canary-deployments' traffic hooks do), add the statement to its iam.role.statements"
            }
            Warning::UnknownGrant { .. } => {
                "the plugin kept it on the shared role; if it belongs to a function with its own role, grant it there"
            }
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic { code: self.code().into(), path: self.path(), message: self.message(), hint: self.hint().into() }
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_diagnostic().serialize(serializer)
    }
}
