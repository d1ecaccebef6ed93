//! Unit tests of the engine, driven through its public entry points `synth::synthesize` and
//! `reconcile::reconcile`.
//!
//! Every expected value is written by hand from /work/shared/docs/iam-behaviour.md (§1-§4, §6) and
//! the reading of Serverless 3.40.0's source (the "v3 notes"). Where the engine disagrees with those
//! documents the test keeps the documented expectation and is marked `#[ignore = "engine bug: …"]`.
//!
//! JSON comparisons are strict about key order (see `assert_json`): the shared role must be what the
//! framework writes, key for key and in the same order (§6.1).

use serde::Serialize;
use serde_json::{json, Value};

use crate::error::Diagnostic;
use crate::synth;

mod broken;
mod budget;
mod determinism;
mod events;
mod fuzz;
mod layers;
mod logs;
mod order;
mod permissions;
mod provider;
mod reconcile;
mod report;
mod roles;

pub const SHARED: &str = "IamRoleLambdaExecution";

// ---------------------------------------------------------------------------------------------
// Building inputs

/// The plugin's projection of service `svc`, stage `dev`, region `us-east-1`.
pub fn service(provider: Value, functions: Value) -> Value {
    json!({
        "service": "svc",
        "stage": "dev",
        "region": "us-east-1",
        "provider": provider,
        "functions": functions,
        "custom": {}
    })
}

/// A service with an empty provider section.
pub fn with_functions(functions: Value) -> Value {
    service(json!({}), functions)
}

// ---------------------------------------------------------------------------------------------
// Running the engine

/// The plan for `input` as JSON (the form that crosses the napi boundary); panics on errors.
pub fn plan(input: &Value) -> Value {
    match synth::synthesize(input) {
        Ok(p) => serde_json::to_value(p).expect("the plan serializes"),
        Err(errors) => panic!("synthesize failed: {:#?}", errors.iter().map(|e| e.to_diagnostic()).collect::<Vec<_>>()),
    }
}

/// The errors for `input`; panics if synthesis succeeds.
pub fn errors(input: &Value) -> Vec<Diagnostic> {
    match synth::synthesize(input) {
        Ok(p) => panic!("expected errors, got a plan: {}", serde_json::to_string_pretty(&p).unwrap()),
        Err(errors) => errors.iter().map(|e| e.to_diagnostic()).collect(),
    }
}

/// `reconcile::reconcile` on `{plan, sharedRole, resources}`, as JSON.
pub fn reconcile(plan: &Value, shared_role: Value, resources: Value) -> Value {
    let request = json!({ "plan": plan, "sharedRole": shared_role, "resources": resources });
    match crate::reconcile::reconcile(&request) {
        Ok(r) => serde_json::to_value(r).expect("the reconciliation serializes"),
        Err(errors) => panic!("reconcile failed: {:#?}", errors.iter().map(|e| e.to_diagnostic()).collect::<Vec<_>>()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the plan

/// Our shared role resource; panics if the plan has none.
pub fn shared_role(plan: &Value) -> &Value {
    plan["roles"]
        .get(SHARED)
        .unwrap_or_else(|| panic!("the plan has no {SHARED}: {}", serde_json::to_string_pretty(plan).unwrap()))
}

/// The statements of a role resource (empty when it has no inline policy).
pub fn statements_of(role: &Value) -> Value {
    role.pointer("/Properties/Policies/0/PolicyDocument/Statement").cloned().unwrap_or_else(|| json!([]))
}

/// The statements of our shared role.
pub fn shared_statements(plan: &Value) -> Value {
    statements_of(shared_role(plan))
}

/// The trust principals of our shared role.
pub fn shared_principals(plan: &Value) -> Value {
    shared_role(plan)
        .pointer("/Properties/AssumeRolePolicyDocument/Statement/0/Principal/Service")
        .cloned()
        .unwrap_or(Value::Null)
}

/// `frameworkSharedRole.statements`: what Serverless 3.40.0 would write.
pub fn framework_statements(plan: &Value) -> Value {
    plan.pointer("/frameworkSharedRole/statements").cloned().unwrap_or_else(|| {
        panic!("the plan has no frameworkSharedRole: {}", serde_json::to_string_pretty(plan).unwrap())
    })
}

/// The plan of one function.
pub fn function<'a>(plan: &'a Value, key: &str) -> &'a Value {
    plan["functions"].get(key).unwrap_or_else(|| panic!("the plan has no function '{key}'"))
}

// ---------------------------------------------------------------------------------------------
// Expected values, spelled as the documents spell them

/// `Sub(x)` of the behaviour document: `{"Fn::Sub": "arn:${AWS::Partition}:" + x}`.
pub fn sub(rest: &str) -> Value {
    json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:{rest}") })
}

/// `Sub(logs:${AWS::Region}:${AWS::AccountId}:log-group:<group><suffix>)`.
pub fn log_arn(group: &str, suffix: &str) -> Value {
    sub(&format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}{suffix}"))
}

/// `Sub(lambda:${AWS::Region}:${AWS::AccountId}:function:<name>)`.
pub fn function_arn(name: &str) -> Value {
    sub(&format!("lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}"))
}

/// Log statement A.
pub fn logs_a(resources: Value) -> Value {
    json!({ "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"], "Resource": resources })
}

/// Log statement B.
pub fn logs_b(resources: Value) -> Value {
    json!({ "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": resources })
}

/// The wildcard pair for prefix `svc-dev`, when only canonical functions log.
pub fn canonical_logs() -> Vec<Value> {
    vec![
        logs_a(json!([log_arn("/aws/lambda/svc-dev*", ":*")])),
        logs_b(json!([log_arn("/aws/lambda/svc-dev*", ":*:*")])),
    ]
}

/// `canonical_logs()` followed by `rest`.
pub fn after_canonical_logs(rest: Vec<Value>) -> Value {
    let mut all = canonical_logs();
    all.extend(rest);
    Value::Array(all)
}

pub fn allow(actions: &[&str], resource: Value) -> Value {
    json!({ "Effect": "Allow", "Action": actions, "Resource": resource })
}

pub fn ec2() -> Value {
    allow(
        &[
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeVpcs",
            "ec2:DeleteNetworkInterface",
            "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
        ],
        json!("*"),
    )
}

pub fn xray() -> Value {
    allow(&["xray:PutTraceSegments", "xray:PutTelemetryRecords"], json!(["*"]))
}

pub fn kms(arn: &str) -> Value {
    allow(&["kms:Decrypt"], json!([arn]))
}

pub fn sns_publish(arn: &str) -> Value {
    allow(&["sns:Publish"], json!([arn]))
}

pub fn vpc_policy() -> Value {
    json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]] })
}

pub fn get_att(id: &str) -> Value {
    json!({ "Fn::GetAtt": [id, "Arn"] })
}

// ---------------------------------------------------------------------------------------------
// Assertions

/// Strict JSON equality: same values *and* the same key order (serde_json keeps insertion order
/// here, and `Value`'s own `==` ignores it).
#[track_caller]
pub fn assert_json<A: Serialize, E: Serialize>(actual: A, expected: E) {
    let actual = serde_json::to_string_pretty(&actual).expect("serializable");
    let expected = serde_json::to_string_pretty(&expected).expect("serializable");
    assert!(actual == expected, "JSON differs\n--- actual ---\n{actual}\n--- expected ---\n{expected}\n");
}

/// The codes of some diagnostics.
pub fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The codes of the diagnostics in a JSON list (`warnings` of a plan or a reconciliation).
pub fn warning_codes(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|a| a.iter().filter_map(|w| w["code"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}
