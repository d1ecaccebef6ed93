//! The shared role `IamRoleLambdaExecution` (iam-behaviour.md §3), in the framework's statement order.
//!
//! The same assembly serves two purposes: with `Flavor::Framework` over every function it reproduces
//! what Serverless 3.40.0 writes (so the plugin can recognise it in the compiled template); with
//! `Flavor::Ours` over the functions that really run under the shared role it is the role we emit.
//!
//! Order (v3): log statements, provider statements, then what compileFunctions adds (zip functions
//! in declaration order: onError, kms, xray, file system, destinations of unversioned functions; then
//! image functions; then destinations of versioned functions), then the event compilers in plugin
//! order: scheduler, websocket, stream, kafka, activemq, rabbitmq, msk, sqs, cloudFront.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::grants::{self, Flavor, FnGrants, Timing};
use crate::model::{Function, Service};
use crate::naming;
use crate::policy::{canonical, role_resource, tag_list, RoleDoc};

/// The statement list under construction, with the framework's `_.unionWith` semantics available.
struct Statements {
    list: Vec<Value>,
    /// Canonical keys of `list[..clean]`, which holds no duplicates.
    seen: HashSet<String>,
    clean: usize,
}

impl Statements {
    fn new(list: Vec<Value>) -> Self {
        Statements { list, seen: HashSet::new(), clean: 0 }
    }

    fn push(&mut self, s: Value) {
        self.list.push(s);
    }

    /// `_.unionWith(list, [s], _.isEqual)`: the whole list loses its duplicates (first occurrence
    /// kept), then `s` is appended unless already present.
    fn union(&mut self, s: Value) {
        let tail: Vec<Value> = self.list.drain(self.clean..).collect();
        for item in tail.into_iter().chain(std::iter::once(s)) {
            if self.seen.insert(canonical(&item)) {
                self.list.push(item);
            }
        }
        self.clean = self.list.len();
    }
}

fn log_arn(log_group: &str, suffix: &str) -> Value {
    crate::cfn::sub_arn(&format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group}{suffix}"))
}

/// Log statements A (create/tag) and B (put), and the Deny for canonical functions without logs.
fn log_statements(svc: &Service, fns: &[&Function], flavor: Flavor) -> Vec<Value> {
    let prefix = format!("{}-{}", svc.name, svc.stage);
    let (mut a, mut b, mut denied) = (Vec::new(), Vec::new(), Vec::new());
    let mut canonical_logs = false;
    for f in fns {
        if f.name.starts_with(&prefix) {
            if f.disable_logs {
                denied.push(log_arn(&naming::log_group_name(&f.name), ":*"));
            } else {
                canonical_logs = true;
            }
        } else if !f.disable_logs {
            let group = naming::log_group_name(&f.name);
            a.push(log_arn(&group, ":*"));
            b.push(log_arn(&group, ":*:*"));
        }
    }
    if canonical_logs {
        let group = naming::log_group_name(&prefix);
        a.push(log_arn(&group, "*:*"));
        b.push(log_arn(&group, "*:*:*"));
    }
    let mut out = Vec::new();
    let keep_empty = flavor == Flavor::Framework;
    if keep_empty || !a.is_empty() {
        out.push(grants::allow(&["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"], Value::Array(a)));
    }
    if keep_empty || !b.is_empty() {
        out.push(grants::allow(&["logs:PutLogEvents"], Value::Array(b)));
    }
    // The framework denies a function without logs its group whenever some function of the service
    // writes canonical logs. Ours keeps that Deny even when those functions left for roles of their
    // own: another grant of the role (a cloudFront event's logs on every group, a provider statement)
    // must not let the function write logs it disabled.
    let service_logs = || svc.functions.iter().any(|f| f.name.starts_with(&prefix) && !f.disable_logs);
    if !denied.is_empty() && (canonical_logs || (flavor == Flavor::Ours && service_logs())) {
        out.push(grants::statement("Deny", Value::from("logs:PutLogEvents"), Value::Array(denied)));
    }
    out
}

/// The shared role's document for `fns` (the functions it serves), each with its grants.
pub fn shared_role_doc(svc: &Service, fns: &[(&Function, &FnGrants)], flavor: Flavor) -> RoleDoc {
    let only_fns: Vec<&Function> = fns.iter().map(|(f, _)| *f).collect();
    let mut st = Statements::new(log_statements(svc, &only_fns, flavor));
    for s in svc.provider_statements().1.iter().cloned() {
        st.push(s);
    }
    if flavor == Flavor::Framework {
        // osls (not Serverless 3.40.0) grants durable functions on the shared role inline.
        let durable: Vec<Value> = fns
            .iter()
            .filter(|(_, g)| g.durable)
            .map(|(f, _)| {
                crate::cfn::sub_arn(&format!(
                    "lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{}:*/durable-execution/*/*",
                    f.name
                ))
            })
            .collect();
        if !durable.is_empty() {
            st.push(grants::allow(
                &["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"],
                Value::Array(durable),
            ));
        }
    }

    // compileFunctions
    let mut granted_destinations: HashSet<String> = HashSet::new();
    let mut destinations = |st: &mut Statements, g: &FnGrants| {
        for d in &g.destinations {
            if d.memo.as_ref().is_none_or(|m| granted_destinations.insert(m.clone())) {
                st.push(d.statement.clone());
            }
        }
    };
    let function_phase = |st: &mut Statements, g: &FnGrants| {
        if let Some(s) = &g.on_error {
            st.push(s.clone());
        }
        if let Some(s) = &g.kms {
            st.union(s.clone());
        }
        if g.xray {
            st.union(grants::xray_statement());
        }
        if let Some(s) = &g.file_system {
            st.push(s.clone());
        }
    };
    let timing_of = |f: &Function| grants::timing(svc, f);
    for (f, g) in fns.iter().filter(|(f, _)| timing_of(f) != Timing::Image) {
        function_phase(&mut st, g);
        if timing_of(f) == Timing::ZipInline {
            destinations(&mut st, g);
        }
    }
    for (_, g) in fns.iter().filter(|(f, _)| timing_of(f) == Timing::Image) {
        function_phase(&mut st, g);
        destinations(&mut st, g);
    }
    for (_, g) in fns.iter().filter(|(f, _)| timing_of(f) == Timing::ZipDeferredDestinations) {
        destinations(&mut st, g);
    }

    // compileEvents, in the framework's plugin order
    let mut principals = vec![grants::LAMBDA_PRINCIPAL.to_string()];
    let scheduler: Vec<Value> = fns
        .iter()
        .filter_map(|(_, g)| g.scheduler.as_ref())
        .flat_map(|r| r.as_array().cloned().unwrap_or_default())
        .collect();
    if !scheduler.is_empty() {
        principals.push(grants::SCHEDULER_PRINCIPAL.to_string());
        st.push(grants::allow(&["lambda:InvokeFunction"], Value::Array(scheduler)));
    }
    if !svc.provider.websocket_api_id && fns.iter().any(|(_, g)| g.websocket) {
        st.push(grants::websocket_statement());
    }
    let per_function: [fn(&FnGrants) -> &Vec<Value>; 5] =
        [|g| &g.streams, |g| &g.kafka, |g| &g.activemq, |g| &g.rabbitmq, |g| &g.msk];
    for pick in per_function {
        for (_, g) in fns {
            for s in pick(g) {
                st.push(s.clone());
            }
        }
    }
    let queues: Vec<Value> = fns.iter().flat_map(|(_, g)| g.sqs.iter().cloned()).collect();
    if !queues.is_empty() {
        st.push(grants::allow(
            &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            Value::Array(queues),
        ));
    }
    if fns.iter().any(|(_, g)| g.cloudfront) {
        principals.push(grants::EDGE_PRINCIPAL.to_string());
        st.push(grants::cloudfront_logs_statement());
    }

    let mut managed = svc.provider_managed_policies().to_vec();
    if fns.iter().any(|(_, g)| g.vpc) {
        managed.push(grants::vpc_managed_policy());
    }
    if flavor == Flavor::Ours && fns.iter().any(|(_, g)| g.durable) {
        managed.push(grants::durable_managed_policy());
    }
    RoleDoc { principals, statements: st.list, managed_policies: managed }
}

/// The shared role resource around `doc`, with the provider's name, path, tags and boundary.
pub fn shared_role_resource(svc: &Service, doc: RoleDoc) -> Value {
    let empty = Default::default();
    let cfg = svc.provider_config().unwrap_or(&empty);
    let mut extra = Map::new();
    extra.insert("Path".into(), cfg.path.clone().unwrap_or_else(|| json!("/")));
    extra
        .insert("RoleName".into(), cfg.name.clone().unwrap_or_else(|| naming::shared_role_name(&svc.name, &svc.stage)));
    if let Some(tags) = &cfg.tags {
        extra.insert("Tags".into(), tag_list(tags.clone()));
    }
    if let Some(b) = cfg.permissions_boundary.clone().or_else(|| svc.provider.role_permissions_boundary.clone()) {
        extra.insert("PermissionsBoundary".into(), b);
    }
    role_resource(svc, doc, extra)
}
