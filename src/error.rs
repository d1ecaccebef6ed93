//! The one error type of the engine. Every variant names the config path it is about and
//! carries a stable SCREAMING_SNAKE code; `hint` says how to fix it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthError {
    #[error("the projected service must be a JSON object, got {found}")]
    InputNotObject { found: String },

    #[error("{path} must be {expected}, got {found}")]
    InvalidType { path: String, expected: String, found: String },

    #[error("{path} is not a valid IAM statement: {problem}")]
    InvalidStatement { path: String, problem: String, fix: String },

    #[error("{path}: the generated role name for function '{function}' is {length} characters long even without the '-lambdaRole' suffix; IAM allows 64")]
    RoleNameTooLong { path: String, function: String, length: usize },

    #[error("{path} is not set, and the generated shared role name (<service>-<stage>-<region>-lambdaRole) is {length} characters long; IAM allows 64")]
    SharedRoleNameTooLong { path: String, length: usize },

    #[error("{path} has Sid '{sid}', and so has {first}, in the same policy; IAM rejects a policy whose Sids repeat")]
    DuplicateSid { path: String, first: String, sid: String },

    #[error("{path}: role name '{name}' is {length} characters long; IAM allows 64")]
    ExplicitRoleNameTooLong { path: String, name: String, length: usize },

    #[error("{path}: function '{function}' sets `role` and also per-function IAM ({what})")]
    RoleConflict { path: String, function: String, what: String },

    #[error("provider.role cannot be combined with provider.iam.role.mode: perFunction")]
    ProviderRoleWithPerFunction { path: String },

    #[error("{path}: unknown mode '{value}'")]
    InvalidMode { path: String, value: String },

    #[error("{path}: cannot tell what kind of target the destination '{value}' is")]
    UnknownDestination { path: String, value: String },

    #[error("{path}: invalid role name: {problem}")]
    InvalidRoleName { path: String, problem: String },

    #[error("{path}: invalid role path: {problem}")]
    InvalidRolePath { path: String, problem: String },

    #[error("{path}: {problem}")]
    InvalidArn { path: String, problem: String },

    #[error("{path}: invalid tags: {problem}")]
    InvalidTags { path: String, problem: String },

    #[error("the projected service is {bytes} bytes of JSON; the engine reads at most {limit}")]
    InputTooLarge { bytes: usize, limit: usize },

    #[error("the projected service is nested deeper than the engine reads ({detail})")]
    InputTooDeep { detail: String },

    #[error("{role}: its policy is {size} characters, over IAM's limit of {limit}, and cannot be brought under it ({why}). Largest statements: {largest}")]
    PolicyTooLarge { path: String, role: String, size: usize, limit: usize, why: String, largest: String },

    #[error("the template has {count} resources, over CloudFormation's limit of {} per stack, so the deployment will fail; {}", crate::limits::MAX_RESOURCES, crate::limits::added_text(*added))]
    TooManyResources { path: String, count: usize, added: i64 },

    #[error("{path}: unknown value '{value}'")]
    InvalidOption { path: String, value: String, expected: String },

    #[error("--function: this service has no function '{function}'")]
    UnknownFunction { function: String, known: Vec<String> },

    #[error("internal error in the IAM synthesis engine: {message}")]
    Internal { message: String },
}

impl SynthError {
    /// The error's stable code, the config path it is about, and how to fix it: one arm per error.
    fn parts(&self) -> (&'static str, &str, String) {
        match self {
            SynthError::InputNotObject { .. } => ("IAM_SYNTH_INPUT_NOT_OBJECT", "", {
                "this is a bug in the plugin's projection of the service; please report it".into()
            }),
            SynthError::InvalidType { path, expected, .. } => ("IAM_SYNTH_INVALID_TYPE", path.as_str(), format!("write {path} as {expected} in serverless.yml")),
            SynthError::InvalidStatement { path, fix, .. } => ("IAM_SYNTH_INVALID_STATEMENT", path.as_str(), fix.clone()),
            SynthError::RoleNameTooLong { path, .. } => ("IAM_SYNTH_ROLE_NAME_TOO_LONG", path.as_str(), {
                "set iam.role.name on the function to an explicit name of at most 64 characters".into()
            }),
            SynthError::ExplicitRoleNameTooLong { path, .. } => ("IAM_SYNTH_ROLE_NAME_TOO_LONG", path.as_str(), "shorten the name to at most 64 characters".into()),
            SynthError::DuplicateSid { path, first, .. } => ("IAM_SYNTH_DUPLICATE_SID", path.as_str(), {
                let list = |p: &str| p.rsplit_once('[').map_or(p.to_string(), |(l, _)| l.to_string());
                if list(path) == list(first) {
                    "give one of the two statements another Sid, or none".into()
                } else {
                    format!("give one of the two statements another Sid (or none), or stop inheriting {}: iam.inheritStatements: false on the function", list(first))
                }
            }),
            SynthError::SharedRoleNameTooLong { path, .. } => ("IAM_SYNTH_ROLE_NAME_TOO_LONG", path.as_str(), {
                "set provider.iam.role.name to an explicit name of at most 64 characters, or shorten the service or stage name".into()
            }),
            SynthError::RoleConflict { path, .. } => ("IAM_SYNTH_ROLE_CONFLICT", path.as_str(), {
                "either remove `role` to get a generated role, or remove the per-function IAM settings and grant the permissions in your own role".into()
            }),
            SynthError::ProviderRoleWithPerFunction { path, .. } => ("IAM_SYNTH_PROVIDER_ROLE_WITH_PER_FUNCTION", path.as_str(), {
                "remove provider.role, or remove provider.iam.role.mode: perFunction".into()
            }),
            SynthError::InvalidMode { path, .. } => ("IAM_SYNTH_INVALID_MODE", path.as_str(), "use `shared` (the default) or `perFunction`".into()),
            SynthError::UnknownDestination { path, .. } => ("IAM_SYNTH_UNKNOWN_DESTINATION", path.as_str(), {
                "use a function key of this service, an ARN of a Lambda function, SQS queue, SNS topic or EventBridge bus, or an object with `type` (function, sqs, sns, eventBus) and `arn`".into()
            }),
            SynthError::InvalidRoleName { path, .. } => ("IAM_SYNTH_INVALID_ROLE_NAME", path.as_str(), {
                "use at most 64 letters, digits and +=,.@_- (or leave the name out to get a generated one)".into()
            }),
            SynthError::InvalidRolePath { path, .. } => ("IAM_SYNTH_INVALID_ROLE_PATH", path.as_str(), "use '/' or a path like '/team/app/'".into()),
            SynthError::InvalidArn { path, .. } => ("IAM_SYNTH_INVALID_ARN", path.as_str(), {
                "give the policy's ARN, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess, or a Ref/Fn::GetAtt/Fn::Sub/Fn::ImportValue".into()
            }),
            SynthError::InvalidTags { path, .. } => ("IAM_SYNTH_INVALID_TAGS", path.as_str(), "give at most 50 tags as `key: value`: keys of 1 to 128 and string values of up to 256 letters, digits, spaces and _ . : / = + - @, no key starting with aws:".into()),
            SynthError::InputTooDeep { .. } => ("IAM_SYNTH_INPUT_TOO_DEEP", "", {
                "simplify the deeply nested value in serverless.yml (IAM settings are never that deep)".into()
            }),
            SynthError::InputTooLarge { .. } => ("IAM_SYNTH_INPUT_TOO_LARGE", "", {
                "the IAM-relevant part of the service (provider, functions with their events, custom, resources) is far larger than any real service; look for a generated or runaway value".into()
            }),
            SynthError::PolicyTooLarge { path, .. } => ("IAM_SYNTH_POLICY_TOO_LARGE", path.as_str(), {
                "give the largest functions their own roles (iam.role.statements, or provider.iam.role.mode: perFunction), move broad grants into managed policies, or set custom.iamSynth.policySize: compact to let the plugin compact and split the policy".into()
            }),
            SynthError::InvalidOption { path, expected, .. } => ("IAM_SYNTH_INVALID_OPTION", path.as_str(), format!("use one of: {expected}")),
            SynthError::UnknownFunction { known, .. } => ("IAM_SYNTH_UNKNOWN_FUNCTION", "--function", {
                let shown: Vec<&str> = known.iter().take(10).map(String::as_str).collect();
                let more = if known.len() > 10 { format!(" and {} more", known.len() - 10) } else { String::new() };
                if known.is_empty() {
                    "the service has no functions".into()
                } else {
                    format!("give the function's key as in serverless.yml: {}{more}", shown.join(", "))
                }
            }),
            SynthError::TooManyResources { path, .. } => ("IAM_SYNTH_TOO_MANY_RESOURCES", path.as_str(), {
                "move resources into nested stacks with serverless-plugin-split-stacks, or give fewer functions a dedicated role (provider.iam.role.mode: perFunction gives every function one). custom.iamSynth.resourceLimit: error makes this fail the package; warn (the default) lets it through".into()
            }),
            SynthError::Internal { .. } => ("IAM_SYNTH_INTERNAL", "", "please report this with the serverless.yml that caused it".into()),
        }
    }

    #[cfg(test)]
    pub fn code(&self) -> &'static str {
        self.parts().0
    }

    #[cfg(test)]
    pub fn hint(&self) -> String {
        self.parts().2
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let (code, path, hint) = self.parts();
        Diagnostic { code: code.to_string(), path: path.to_string(), message: self.to_string(), hint }
    }
}

/// An error or warning as data, the form that crosses the boundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub path: String,
    pub message: String,
    pub hint: String,
}

/// Collects every problem found while reading the service, so all of them are reported at once.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<SynthError>);

impl Errors {
    pub fn push(&mut self, e: SynthError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A failure that is the plugin's bug, not the user's (`IAM_SYNTH_INTERNAL`).
pub fn internal(e: impl std::fmt::Display) -> Vec<SynthError> {
    vec![SynthError::Internal { message: e.to_string() }]
}
