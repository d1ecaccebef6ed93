//! CloudFormation's limit of 500 resources per stack (iam-behaviour.md §7), checked on the template
//! the framework is about to write: dedicated roles and split-off policies add resources, and a
//! template over the limit packages fine but fails at deploy time.

use serde::{Deserialize, Serialize};

/// Resources CloudFormation accepts in one stack.
pub const MAX_RESOURCES: usize = 500;

/// What `custom.iamSynth.resourceLimit` asks for over the limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Strictness {
    #[default]
    Warn,
    Error,
}

/// Carried by the plan to the check: how many resources the plan adds to the framework's template
/// (its roles and managed policies, less the framework's shared role when the plan drops or
/// replaces it) and what the user asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceBudget {
    pub added: i64,
    pub strictness: Strictness,
}

/// What the plugin's roles add to the stack, for the message.
pub fn added_text(added: i64) -> String {
    match added {
        n if n <= 0 => "none of them comes from this plugin's roles".to_string(),
        1 => "1 of them is a role or policy this plugin added".to_string(),
        n => format!("{n} of them are roles and policies this plugin added"),
    }
}
