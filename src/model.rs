//! The IAM-relevant part of a resolved service, read from the plugin's JSON projection.
//! Reading never stops at the first problem: every error is collected with its config path.

use serde_json::{Map, Value};

use crate::cfn::{has_intrinsic_key, truthy, type_name};
use crate::error::{Errors, SynthError};
use crate::validate;

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub stage: String,
    pub region: String,
    pub provider: Provider,
    pub functions: Vec<Function>,
    pub legacy_custom: LegacyCustom,
    /// `custom.iamSynth.policySize`.
    pub policy_size: PolicySize,
    /// `custom.iamSynth.resourceLimit`: over CloudFormation's 500 resources, warn or fail.
    pub resource_limit: crate::limits::Strictness,
    /// How long each provider IAM list was when the plugin was constructed, before other plugins'
    /// hooks ran (`configured` in the input): what lies beyond was added by another plugin.
    pub configured: Map<String, Value>,
}

/// `custom.iamSynth.policySize`: what the policy size budget does with a role over IAM's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicySize {
    Compact,
    Split,
    Error,
}

/// The setting a function's custom role comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleSetting {
    Function,
    ProviderIamRole,
    ProviderRole,
}

impl RoleSetting {
    /// Its config path.
    pub fn path(self, f: &Function) -> String {
        match self {
            RoleSetting::Function => format!("functions.{}.role", f.key),
            RoleSetting::ProviderIamRole => "provider.iam.role".into(),
            RoleSetting::ProviderRole => "provider.role".into(),
        }
    }
}

pub const PROVIDER_STATEMENTS: &str = "provider.iam.role.statements";
pub const LEGACY_PROVIDER_STATEMENTS: &str = "provider.iamRoleStatements";

/// The projection's contract, which the plugin reads from the engine (`contract()`): the keys it
/// copies of the provider, of each function and of `custom` (beyond these, `provider.logs.lambda`,
/// `provider.apiGateway.websocketApiId`, `provider.kinesis.consumerNamingMode` and
/// `resources.Resources`/`Outputs`), and the provider lists whose lengths it records when it is
/// constructed (`configured`).
/// Keys of `provider`.
pub const PROVIDER_KEYS: &[&str] = &[
    "iam",
    "role",
    "iamRoleStatements",
    "iamManagedPolicies",
    "rolePermissionsBoundary",
    "vpc",
    "tracing",
    "kmsKeyArn",
    "versionFunctions",
];
/// Keys of each function.
pub const FUNCTION_KEYS: &[&str] = &[
    "name",
    "role",
    "events",
    "onError",
    "kmsKeyArn",
    "tracing",
    "fileSystemConfig",
    "destinations",
    "vpc",
    "disableLogs",
    "logs",
    "condition",
    "durableConfig",
    "image",
    "versionFunction",
    "provisionedConcurrency",
    "snapStart",
    "iam",
    "iamRoleStatements",
    "iamRoleStatementsInherit",
    "iamRoleStatementsName",
    "iamPermissionsBoundary",
];
/// Keys of `custom`.
pub const CUSTOM_KEYS: &[&str] = &["serverless-iam-roles-per-function", "iamSynth"];
/// The provider's statement lists and managed policy lists another plugin may append to.
pub const STATEMENT_LISTS: [&str; 2] = [PROVIDER_STATEMENTS, LEGACY_PROVIDER_STATEMENTS];
pub const MANAGED_LISTS: [&str; 2] = ["provider.iam.role.managedPolicies", "provider.iamManagedPolicies"];

/// The contract as the plugin reads it.
pub fn contract() -> Value {
    serde_json::json!({
        "providerKeys": PROVIDER_KEYS,
        "functionKeys": FUNCTION_KEYS,
        "customKeys": CUSTOM_KEYS,
        "providerLists": STATEMENT_LISTS.iter().chain(&MANAGED_LISTS).collect::<Vec<_>>(),
        "sharedRoleId": crate::naming::SHARED_ROLE_ID,
    })
}

/// The configuration's rules: which role a function gets, which provider settings apply where.
impl Service {
    /// `provider.iam.role` when it is settings of a role to build (not an existing role).
    pub fn provider_config(&self) -> Option<&RoleConfig> {
        match &self.provider.iam_role {
            ProviderIamRole::Config(c) => Some(c),
            ProviderIamRole::Existing(_) => None,
        }
    }

    /// `provider.iam.role.mode`: shared unless perFunction is asked for (an existing role is shared).
    pub fn mode(&self) -> Mode {
        self.provider_config().and_then(|c| c.mode).unwrap_or(Mode::Shared)
    }

    /// The role the framework gives a function other than the shared role (`getCustomExecutionRole`),
    /// and the setting it comes from.
    pub fn custom_role<'a>(&'a self, f: &'a Function) -> Option<(&'a Value, RoleSetting)> {
        if let Some(r) = f.role.as_ref().filter(|r| truthy(Some(r))) {
            return Some((r, RoleSetting::Function));
        }
        if let ProviderIamRole::Existing(r) = &self.provider.iam_role {
            return Some((r, RoleSetting::ProviderIamRole));
        }
        self.provider.role.as_ref().filter(|r| truthy(Some(r))).map(|r| (r, RoleSetting::ProviderRole))
    }

    /// Does this function (which has no role of its own) get a dedicated role?
    pub fn wants_dedicated_role(&self, f: &Function) -> bool {
        self.mode() == Mode::PerFunction || !f.iam.requested_by.is_empty()
    }

    /// Does the framework (Serverless 3.40.0) create the shared role for this service?
    pub fn framework_has_shared_role(&self) -> bool {
        !self.functions.is_empty()
            && !matches!(self.provider.iam_role, ProviderIamRole::Existing(_))
            && self.provider.role.is_none()
            && !self.functions.iter().all(|f| f.role.is_some())
    }

    /// The shared role's provider statements and their config path: `provider.iam.role.statements`,
    /// else the deprecated `provider.iamRoleStatements`.
    pub fn provider_statements(&self) -> (&'static str, &[Value]) {
        match self.provider_config().and_then(|c| c.statements.as_deref()) {
            Some(s) => (PROVIDER_STATEMENTS, s),
            None => (LEGACY_PROVIDER_STATEMENTS, self.provider.legacy_statements.as_deref().unwrap_or(&[])),
        }
    }

    /// The provider statements a dedicated role inherits, and their path: as the shared role's, but
    /// the deprecated `provider.iamRoleStatements` only when `provider.iam` is absent.
    pub fn inheritable_statements(&self) -> (&'static str, &[Value]) {
        match self.provider_statements() {
            (LEGACY_PROVIDER_STATEMENTS, _) if self.provider.iam_present => (PROVIDER_STATEMENTS, &[]),
            other => other,
        }
    }

    /// Whether a dedicated role of `f` inherits the provider statements (`iam.inheritStatements`,
    /// else the legacy `custom.serverless-iam-roles-per-function.defaultInherit`, else by mode).
    pub fn inherits(&self, f: &Function) -> bool {
        f.iam.inherit_statements.unwrap_or_else(|| match self.mode() {
            Mode::PerFunction => self.legacy_custom.default_inherit.unwrap_or(true),
            Mode::Shared => self.legacy_custom.default_inherit.unwrap_or(false),
        })
    }

    /// Provider managed policies: `provider.iam.role.managedPolicies`, else `provider.iamManagedPolicies`.
    pub fn provider_managed_policies(&self) -> &[Value] {
        match self.provider_config().and_then(|c| c.managed_policies.as_deref()) {
            Some(m) => m,
            None => self.provider.legacy_managed_policies.as_deref().unwrap_or(&[]),
        }
    }
}

/// What `provider.iam.role` is.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per service
pub enum ProviderIamRole {
    /// Not set (or an object without settings): the framework builds the shared role.
    Config(RoleConfig),
    /// A string (ARN or logical id) or an object with an intrinsic key: an existing role.
    Existing(Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Shared,
    PerFunction,
}

/// Settings of a role to build (`provider.iam.role` as an object, or `functions.<k>.iam.role`).
#[derive(Debug, Clone, Default)]
pub struct RoleConfig {
    pub name: Option<Value>,
    pub path: Option<Value>,
    pub statements: Option<Vec<Value>>,
    pub managed_policies: Option<Vec<Value>>,
    pub permissions_boundary: Option<Value>,
    pub tags: Option<Vec<(String, Value)>>,
    pub mode: Option<Mode>,
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub iam_present: bool,
    pub iam_role: ProviderIamRole,
    /// `provider.role` (deprecated); the key's presence matters.
    pub role: Option<Value>,
    pub legacy_statements: Option<Vec<Value>>,
    pub legacy_managed_policies: Option<Vec<Value>>,
    pub role_permissions_boundary: Option<Value>,
    pub vpc: bool,
    pub tracing_lambda: bool,
    pub kms_key_arn: Option<Value>,
    pub log_group: Option<Value>,
    pub websocket_api_id: bool,
    /// `provider.versionFunctions` (default true).
    pub version_functions: bool,
    /// `provider.kinesis.consumerNamingMode` is set.
    pub kinesis_service_specific_consumers: bool,
}

#[derive(Debug, Clone, Default)]
pub struct LegacyCustom {
    pub default_inherit: Option<bool>,
    pub global_permissions_boundary: Option<Value>,
}

/// Per-function IAM settings, new keys merged over the legacy plugin's fields (§5.2).
#[derive(Debug, Clone, Default)]
pub struct FunctionIam {
    pub role: RoleConfig,
    pub inherit_statements: Option<bool>,
    /// Config paths of the settings that ask for a dedicated role, for error messages.
    pub requested_by: Vec<String>,
    /// Config paths of settings that only shape a dedicated role (name, path, tags, boundary,
    /// inheritance) and do not ask for one.
    pub shaping: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Function {
    pub key: String,
    pub name: String,
    pub role: Option<Value>,
    pub events: Vec<Value>,
    pub on_error: Option<Value>,
    pub kms_key_arn: Option<Value>,
    pub tracing: Option<Value>,
    pub file_system_config: Option<Value>,
    pub destinations: Option<Map<String, Value>>,
    pub vpc: bool,
    pub disable_logs: bool,
    /// `logs.logGroup`, from the configuration.
    pub log_group: Option<Value>,
    /// The log group the compiled Lambda writes to, when the plugin has seen the compiled template:
    /// its `LoggingConfig.LogGroup`, or null for the default `/aws/lambda/<name>` (iam-behaviour.md §5.4).
    pub compiled_log_group: Option<Value>,
    /// The compiled Lambda traces (`TracingConfig.Mode: Active`) though the configuration does not
    /// say so: another plugin (serverless-plugin-tracing) set it. Lambda then needs X-Ray permissions.
    pub compiled_tracing: bool,
    pub durable: bool,
    pub iam: FunctionIam,
    /// The few projected settings read only in one place (`RAW_KEYS`).
    pub raw: Map<String, Value>,
}

/// The function settings kept as they are in `Function::raw`.
const RAW_KEYS: [&str; 5] = ["provisionedConcurrency", "snapStart", "versionFunction", "image", "condition"];

impl Function {
    pub fn raw(&self, key: &str) -> Option<&Value> {
        debug_assert!(RAW_KEYS.contains(&key), "{key} is not kept in Function::raw");
        self.raw.get(key)
    }

    pub fn has_cloudfront_event(&self) -> bool {
        self.events.iter().any(|e| e.as_object().is_some_and(|o| truthy(o.get("cloudFront"))))
    }
}

struct Reader<'a> {
    errors: &'a mut Errors,
}

impl Reader<'_> {
    fn bad_type(&mut self, path: &str, expected: &str, v: &Value) {
        self.errors.push(SynthError::InvalidType {
            path: path.to_string(),
            expected: expected.to_string(),
            found: type_name(v).to_string(),
        });
    }

    fn object<'v>(&mut self, v: Option<&'v Value>, path: &str) -> Option<&'v Map<String, Value>> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                self.bad_type(path, "an object", other);
                None
            }
        }
    }

    /// `custom.iamSynth.<key>`: one of `allowed` (the first is the default), or absent; anything else is
    /// an `InvalidOption`, and reads as absent.
    fn choice<'a>(&mut self, settings: Option<&Map<String, Value>>, key: &str, allowed: &[&'a str]) -> Option<&'a str> {
        match settings.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => None,
            Some(Value::String(v)) if allowed.contains(&v.as_str()) => allowed.iter().copied().find(|a| a == v),
            Some(other) => {
                let expected: Vec<String> = allowed
                    .iter()
                    .enumerate()
                    .map(|(i, a)| if i == 0 { format!("{a} (the default)") } else { a.to_string() })
                    .collect();
                self.errors.push(SynthError::InvalidOption {
                    path: format!("custom.iamSynth.{key}"),
                    value: other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string()),
                    expected: expected.join(", "),
                });
                None
            }
        }
    }

    fn string(&mut self, v: Option<&Value>, path: &str) -> Option<String> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.bad_type(path, "a string", other);
                None
            }
        }
    }

    fn list(&mut self, v: Option<&Value>, path: &str) -> Option<Vec<Value>> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => {
                self.bad_type(path, "a list", other);
                None
            }
        }
    }

    fn boolean(&mut self, v: Option<&Value>, path: &str) -> Option<bool> {
        match v {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.bad_type(path, "true or false", other);
                None
            }
        }
    }

    /// A list of IAM statements: validated, string `Action`/`NotAction` turned into one-element lists.
    fn statements(&mut self, v: Option<&Value>, path: &str) -> Option<Vec<Value>> {
        let list = self.list(v, path)?;
        Some(list.into_iter().enumerate().map(|(i, s)| self.statement(s, &format!("{path}[{i}]"))).collect())
    }

    fn statement(&mut self, s: Value, path: &str) -> Value {
        // A statement that exists only under a condition: `Fn::If: [condition, statement, statement or
        // {Ref: AWS::NoValue}]` (CloudFormation drops the `AWS::NoValue` branch). Both branches are
        // checked; the statement is kept as written, as the framework keeps it.
        if let Some(Value::Array(branches)) = s.as_object().filter(|m| m.len() == 1).and_then(|m| m.get("Fn::If")) {
            if branches.len() == 3 && branches[0].is_string() {
                for i in [1, 2] {
                    if !crate::cfn::is_no_value(&branches[i]) {
                        self.statement(branches[i].clone(), &format!("{path}.Fn::If[{i}]"));
                    }
                }
                return s;
            }
        }
        let Value::Object(mut m) = s else {
            self.errors.push(SynthError::InvalidStatement {
                path: path.to_string(),
                problem: format!("expected an object, got {}", type_name(&s)),
                fix: crate::validate::fix::OBJECT.to_string(),
            });
            return s;
        };
        let problems = crate::validate::statement_problems(&m);
        if !problems.is_empty() {
            let text: Vec<&str> = problems.iter().map(|(t, _)| t.as_str()).collect();
            let mut fixes: Vec<&str> = Vec::new();
            for (_, how) in &problems {
                if !fixes.contains(how) {
                    fixes.push(how);
                }
            }
            self.errors.push(SynthError::InvalidStatement {
                path: path.to_string(),
                problem: text.join("; "),
                fix: fixes.join("; "),
            });
        }
        for key in ["Action", "NotAction"] {
            if let Some(Value::String(a)) = m.get(key) {
                let one = Value::Array(vec![Value::String(a.clone())]);
                m.insert(key.to_string(), one);
            }
        }
        Value::Object(m)
    }

    fn tags(&mut self, v: Option<&Value>, path: &str) -> Option<Vec<(String, Value)>> {
        let m = self.object(v, path)?;
        if m.len() > validate::MAX_TAGS {
            let problem = format!("{} tags; IAM allows {}", m.len(), validate::MAX_TAGS);
            self.errors.push(SynthError::InvalidTags { path: path.to_string(), problem });
        }
        for (k, v) in m {
            if let Some(problem) = validate::tag_key_problem(k).or_else(|| validate::tag_value_problem(v)) {
                self.errors.push(SynthError::InvalidTags { path: format!("{path}.{k}"), problem });
            }
        }
        Some(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    /// A value checked by `check`; problems are reported with `make`.
    fn checked(
        &mut self,
        v: Option<&Value>,
        path: &str,
        check: fn(&Value) -> Option<String>,
        make: fn(String, String) -> SynthError,
    ) -> Option<Value> {
        let v = v.filter(|v| truthy(Some(v)))?;
        if let Some(problem) = check(v) {
            self.errors.push(make(path.to_string(), problem));
        }
        Some(v.clone())
    }

    fn role_name(&mut self, v: Option<&Value>, path: &str) -> Option<Value> {
        if let Some(Value::String(s)) = v {
            let length = s.chars().count();
            if length > crate::naming::MAX_ROLE_NAME {
                self.errors.push(SynthError::ExplicitRoleNameTooLong {
                    path: path.to_string(),
                    name: s.clone(),
                    length,
                });
                return Some(Value::String(s.clone()));
            }
        }
        self.checked(v, path, validate::role_name_problem, |path, problem| SynthError::InvalidRoleName {
            path,
            problem,
        })
    }

    fn arn(&mut self, v: Option<&Value>, path: &str) -> Option<Value> {
        self.checked(v, path, validate::arn_problem, |path, problem| SynthError::InvalidArn { path, problem })
    }

    fn arns(&mut self, v: Option<&Value>, path: &str) -> Option<Vec<Value>> {
        let list = self.list(v, path)?;
        for (i, a) in list.iter().enumerate() {
            self.arn(Some(a), &format!("{path}[{i}]"));
        }
        Some(list)
    }

    fn role_config(&mut self, m: &Map<String, Value>, path: &str) -> RoleConfig {
        let mode = match m.get("mode") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s == "shared" => Some(Mode::Shared),
            Some(Value::String(s)) if s == "perFunction" => Some(Mode::PerFunction),
            Some(other) => {
                let value = other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string());
                self.errors.push(SynthError::InvalidMode { path: format!("{path}.mode"), value });
                None
            }
        };
        let permissions_boundary = self
            .arn(m.get("permissionsBoundary"), &format!("{path}.permissionsBoundary"))
            .or_else(|| self.arn(m.get("permissionBoundary"), &format!("{path}.permissionBoundary")));
        let role_path =
            self.checked(m.get("path"), &format!("{path}.path"), validate::path_problem, |path, problem| {
                SynthError::InvalidRolePath { path, problem }
            });
        RoleConfig {
            name: self.role_name(m.get("name"), &format!("{path}.name")),
            path: role_path,
            statements: self.statements(m.get("statements"), &format!("{path}.statements")),
            managed_policies: self.arns(m.get("managedPolicies"), &format!("{path}.managedPolicies")),
            permissions_boundary,
            tags: self.tags(m.get("tags"), &format!("{path}.tags")),
            mode,
        }
    }

    fn provider(&mut self, p: Option<&Map<String, Value>>) -> Provider {
        let empty = Map::new();
        let p = p.unwrap_or(&empty);
        let iam = self.object(p.get("iam"), "provider.iam");
        let iam_role = match iam.and_then(|i| i.get("role")) {
            None | Some(Value::Null) => ProviderIamRole::Config(RoleConfig::default()),
            Some(v @ Value::String(_)) => ProviderIamRole::Existing(v.clone()),
            Some(Value::Object(m)) if has_intrinsic_key(m) => ProviderIamRole::Existing(Value::Object(m.clone())),
            Some(Value::Object(m)) => ProviderIamRole::Config(self.role_config(m, "provider.iam.role")),
            Some(other) => {
                self.bad_type("provider.iam.role", "an object, an ARN or a logical id", other);
                ProviderIamRole::Config(RoleConfig::default())
            }
        };
        let tracing_lambda = match p.get("tracing") {
            Some(Value::Object(t)) => truthy(t.get("lambda")),
            _ => false,
        };
        let log_group = p
            .get("logs")
            .and_then(Value::as_object)
            .and_then(|l| l.get("lambda"))
            .and_then(Value::as_object)
            .and_then(|l| l.get("logGroup"))
            .filter(|v| truthy(Some(v)))
            .cloned();
        let websocket_api_id =
            p.get("apiGateway").and_then(Value::as_object).map(|a| truthy(a.get("websocketApiId"))).unwrap_or(false);
        Provider {
            iam_present: iam.is_some(),
            iam_role,
            role: p.get("role").cloned(),
            legacy_statements: self.statements(p.get("iamRoleStatements"), "provider.iamRoleStatements"),
            legacy_managed_policies: self.arns(p.get("iamManagedPolicies"), "provider.iamManagedPolicies"),
            role_permissions_boundary: self.arn(p.get("rolePermissionsBoundary"), "provider.rolePermissionsBoundary"),
            vpc: truthy(p.get("vpc")),
            tracing_lambda,
            kms_key_arn: p.get("kmsKeyArn").filter(|v| truthy(Some(v))).cloned(),
            log_group,
            websocket_api_id,
            version_functions: p.get("versionFunctions") != Some(&Value::Bool(false)),
            kinesis_service_specific_consumers: p
                .get("kinesis")
                .and_then(Value::as_object)
                .is_some_and(|k| truthy(k.get("consumerNamingMode"))),
        }
    }

    fn function_iam(&mut self, f: &Map<String, Value>, path: &str) -> FunctionIam {
        let mut requested_by = Vec::new();
        let iam = self.object(f.get("iam"), &format!("{path}.iam"));
        let role = match iam.and_then(|i| i.get("role")) {
            None | Some(Value::Null) => RoleConfig::default(),
            Some(Value::Object(m)) => self.role_config(m, &format!("{path}.iam.role")),
            Some(other) => {
                self.bad_type(&format!("{path}.iam.role"), "an object", other);
                RoleConfig::default()
            }
        };
        let mut role = role;
        if role.mode.is_some() {
            // `mode` is a provider-level setting only.
            role.mode = None;
        }
        // A key present with no value (YAML's `iamRoleStatements:` with its items commented out) still
        // asks for a role of its own, with no statements: serverless-iam-roles-per-function does so.
        let null_key =
            |m: Option<&Map<String, Value>>, key: &str| m.and_then(|m| m.get(key)).is_some_and(Value::is_null);
        if role.statements.is_none()
            && null_key(iam.and_then(|i| i.get("role")).and_then(Value::as_object), "statements")
        {
            role.statements = Some(Vec::new());
        }
        let legacy_statements = self
            .statements(f.get("iamRoleStatements"), &format!("{path}.iamRoleStatements"))
            .or_else(|| null_key(Some(f), "iamRoleStatements").then(Vec::new));
        if role.statements.is_some() {
            requested_by.push(format!("{path}.iam.role.statements"));
        } else if legacy_statements.is_some() {
            requested_by.push(format!("{path}.iamRoleStatements"));
            role.statements = legacy_statements;
        }
        if role.managed_policies.as_ref().is_some_and(|m| !m.is_empty()) {
            requested_by.push(format!("{path}.iam.role.managedPolicies"));
        }
        let legacy_name = self.role_name(f.get("iamRoleStatementsName"), &format!("{path}.iamRoleStatementsName"));
        if role.name.is_none() {
            role.name = legacy_name;
        }
        let legacy_boundary = self.arn(f.get("iamPermissionsBoundary"), &format!("{path}.iamPermissionsBoundary"));
        if role.permissions_boundary.is_none() {
            role.permissions_boundary = legacy_boundary;
        }
        let inherit_statements = match iam.and_then(|i| i.get("inheritStatements")) {
            Some(v) if !v.is_null() => self.boolean(Some(v), &format!("{path}.iam.inheritStatements")),
            _ => self.boolean(f.get("iamRoleStatementsInherit"), &format!("{path}.iamRoleStatementsInherit")),
        };
        let mut shaping = Vec::new();
        let present = |key: &str| f.get(key).is_some_and(|v| !v.is_null());
        let role_obj = iam.and_then(|i| i.get("role")).and_then(Value::as_object);
        for key in ["name", "path", "tags", "permissionsBoundary"] {
            if role_obj.is_some_and(|r| r.get(key).is_some_and(|v| !v.is_null())) {
                shaping.push(format!("{path}.iam.role.{key}"));
            }
        }
        if role_obj.and_then(|r| r.get("managedPolicies")).and_then(Value::as_array).is_some_and(|a| a.is_empty()) {
            shaping.push(format!("{path}.iam.role.managedPolicies"));
        }
        if iam.is_some_and(|i| i.get("inheritStatements").is_some_and(|v| !v.is_null())) {
            shaping.push(format!("{path}.iam.inheritStatements"));
        }
        for key in ["iamRoleStatementsName", "iamRoleStatementsInherit", "iamPermissionsBoundary"] {
            if present(key) {
                shaping.push(format!("{path}.{key}"));
            }
        }
        FunctionIam { role, inherit_statements, requested_by, shaping }
    }

    fn function(&mut self, svc: &str, stage: &str, key: &str, v: &Value) -> Option<Function> {
        let path = format!("functions.{key}");
        let f = match v {
            Value::Object(m) => m,
            Value::Null => return None,
            other => {
                self.bad_type(&path, "an object", other);
                return None;
            }
        };
        let name = self
            .string(f.get("name"), &format!("{path}.name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{svc}-{stage}-{key}"));
        let events = self.list(f.get("events"), &format!("{path}.events")).unwrap_or_default();
        let destinations = self.object(f.get("destinations"), &format!("{path}.destinations")).cloned();
        let log_group = f
            .get("logs")
            .and_then(Value::as_object)
            .and_then(|l| l.get("logGroup"))
            .filter(|v| truthy(Some(v)))
            .cloned();
        let iam = self.function_iam(f, &path);
        Some(Function {
            key: key.to_string(),
            name,
            role: f.get("role").filter(|v| !v.is_null()).cloned(),
            events,
            on_error: f.get("onError").filter(|v| truthy(Some(v))).cloned(),
            kms_key_arn: f.get("kmsKeyArn").filter(|v| truthy(Some(v))).cloned(),
            tracing: f.get("tracing").filter(|v| !v.is_null()).cloned(),
            file_system_config: f.get("fileSystemConfig").filter(|v| !v.is_null()).cloned(),
            destinations,
            vpc: f.contains_key("vpc"),
            disable_logs: truthy(f.get("disableLogs")),
            log_group,
            compiled_log_group: None,
            compiled_tracing: false,
            durable: truthy(f.get("durableConfig")),
            iam,
            raw: RAW_KEYS.iter().filter_map(|k| f.get(*k).map(|v| (k.to_string(), v.clone()))).collect(),
        })
    }
}

/// Reads the projection `{service, stage, region, provider, functions, custom}`. Returns the service
/// as far as it could be read, with every problem found; fails only when there is nothing to read.
pub fn read_service(input: &Value) -> Result<(Service, Errors), Errors> {
    let mut errors = Errors::default();
    let Value::Object(root) = input else {
        errors.push(SynthError::InputNotObject { found: type_name(input).to_string() });
        return Err(errors);
    };
    let mut r = Reader { errors: &mut errors };
    let name = r.string(root.get("service"), "service").unwrap_or_default();
    let stage = r.string(root.get("stage"), "provider.stage").unwrap_or_else(|| "dev".to_string());
    let region = r.string(root.get("region"), "provider.region").unwrap_or_else(|| "us-east-1".to_string());
    let provider_obj = r.object(root.get("provider"), "provider");
    let provider = r.provider(provider_obj);
    let mut functions = Vec::new();
    // What the plugin read of the compiled template (js/apply.js `compiledFacts`), by function key.
    let compiled = |kind: &str| root.get("compiled").and_then(|c| c.get(kind)).and_then(Value::as_object);
    let (compiled_log_groups, compiled_tracing) = (compiled("logGroups"), compiled("tracing"));
    if let Some(fs) = r.object(root.get("functions"), "functions") {
        for (key, v) in fs {
            if let Some(mut f) = r.function(&name, &stage, key, v) {
                f.compiled_log_group = compiled_log_groups.and_then(|c| c.get(key)).cloned();
                f.compiled_tracing =
                    compiled_tracing.and_then(|c| c.get(key)).and_then(Value::as_bool).unwrap_or(false);
                functions.push(f);
            }
        }
    }
    let legacy_custom =
        match root.get("custom").and_then(Value::as_object).and_then(|c| c.get("serverless-iam-roles-per-function")) {
            Some(v) => match r.object(Some(v), "custom.serverless-iam-roles-per-function") {
                Some(m) => LegacyCustom {
                    default_inherit: r
                        .boolean(m.get("defaultInherit"), "custom.serverless-iam-roles-per-function.defaultInherit"),
                    global_permissions_boundary: r.arn(
                        m.get("iamGlobalPermissionsBoundary"),
                        "custom.serverless-iam-roles-per-function.iamGlobalPermissionsBoundary",
                    ),
                },
                None => LegacyCustom::default(),
            },
            None => LegacyCustom::default(),
        };
    let synth_custom = root.get("custom").and_then(Value::as_object).and_then(|c| c.get("iamSynth"));
    let mut r = Reader { errors: &mut errors };
    let synth_custom = r.object(synth_custom, "custom.iamSynth");
    // `stateWriter` is read by the plugin (js/state.js); it is checked here with the rest.
    r.choice(synth_custom, "stateWriter", &["fast", "framework"]);
    let policy_size = match r.choice(synth_custom, "policySize", &["compact", "split", "error"]) {
        Some("split") => PolicySize::Split,
        Some("error") => PolicySize::Error,
        _ => PolicySize::Compact,
    };
    let resource_limit = match r.choice(synth_custom, "resourceLimit", &["warn", "error"]) {
        Some("error") => crate::limits::Strictness::Error,
        _ => crate::limits::Strictness::Warn,
    };
    let configured = root.get("configured").and_then(Value::as_object).cloned().unwrap_or_default();
    Ok((
        Service { name, stage, region, provider, functions, legacy_custom, policy_size, resource_limit, configured },
        errors,
    ))
}
