//! The plan: what synthesis decided, typed end to end. The plugin applies it to the compiled
//! template; reconciliation and the report read it. It imports no step of the pipeline.

use std::collections::HashMap;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::budget::{Outcome, RoleSizes};
use crate::limits::ResourceBudget;
use crate::naming::SHARED_ROLE_ID;
use crate::policy::RoleDoc;
use crate::readable::{plural, thousands};
use crate::warning::Warning;

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
    /// By function key, in declaration order.
    pub functions: Functions,
    /// The shared role's grants as Serverless 3.40.0 writes them, to tell its statements from those
    /// added by something this engine does not know.
    pub framework_shared_role: Option<RoleDoc>,
    /// Sent as diagnostics; the plan the plugin sends back carries none.
    #[serde(default, skip_deserializing)]
    pub warnings: Vec<Warning>,
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
    /// once the template is complete (`check::check_template`).
    #[serde(default)]
    pub resource_budget: ResourceBudget,
    /// Every generated role's policy sizes against IAM's limits (read by the report and the summary
    /// inside the engine; not sent to the plugin).
    #[serde(skip)]
    pub sizes: Vec<RoleSizes>,
    /// What `package` prints about the roles.
    #[serde(default)]
    pub summary: Summary,
}

/// The function plans by function key, in declaration order (a JSON object on the wire).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Functions(Vec<(String, FunctionPlan)>);

impl Functions {
    pub fn new(plans: Vec<(String, FunctionPlan)>) -> Self {
        Functions(plans)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &FunctionPlan)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn values(&self) -> impl Iterator<Item = &FunctionPlan> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl Serialize for Functions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Functions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Functions;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of function plans")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Functions, A::Error> {
                let mut plans = Vec::with_capacity(access.size_hint().unwrap_or(0));
                while let Some(entry) = access.next_entry()? {
                    plans.push(entry);
                }
                Ok(Functions(plans))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// What `package` prints: one line, and one line per role at `--verbose`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub line: String,
    pub roles: Vec<String>,
}

/// The package-time summary of a plan.
pub fn summary(plan: &Plan) -> Summary {
    let functions = plan.functions.len();
    let custom = plan.functions.values().filter(|fp| fp.role_source == RoleSource::Custom).count();
    let dedicated = plan.roles.keys().filter(|id| id.as_str() != SHARED_ROLE_ID).count();
    let shared = plan.roles.len() - dedicated;
    let mut line = format!(
        "{} ({dedicated} dedicated, {shared} shared) for {}",
        plural(plan.roles.len(), "role", "roles"),
        plural(functions, "function", "functions")
    );
    if custom > 0 {
        line.push_str(&format!(
            ", {} on {}",
            thousands(custom),
            if custom == 1 { "a custom role" } else { "custom roles" }
        ));
    }
    let largest = plan.sizes.iter().max_by_key(|s| (s.inline.percent(), s.inline.size));
    if let Some(s) = largest {
        line.push_str(&format!(
            "; largest policy {} at {} of {} characters ({}%)",
            s.logical_id,
            thousands(s.inline.size),
            thousands(s.inline.limit),
            s.inline.percent()
        ));
    }
    let mut served: HashMap<&str, usize> = HashMap::new();
    for fp in plan.functions.values().filter(|fp| fp.role_source != RoleSource::Custom) {
        *served.entry(fp.role_resource.as_deref().unwrap_or("")).or_default() += 1;
    }
    let roles = plan
        .sizes
        .iter()
        .map(|s| {
            let fns = served.get(s.logical_id.as_str()).copied().unwrap_or(0);
            let kind = if s.logical_id == SHARED_ROLE_ID { "shared" } else { "dedicated" };
            let mut text = format!(
                "{} ({kind}, {}): {} of {} characters ({}%)",
                s.logical_id,
                plural(fns, "function", "functions"),
                thousands(s.inline.size),
                thousands(s.inline.limit),
                s.inline.percent()
            );
            if s.outcome != Outcome::Fits {
                text.push_str(&format!(", {}", s.outcome.as_str()));
                if !s.managed_policies.is_empty() {
                    text.push_str(&format!(
                        " into {}",
                        plural(s.managed_policies.len(), "managed policy", "managed policies")
                    ));
                }
            }
            text
        })
        .collect();
    Summary { line, roles }
}
