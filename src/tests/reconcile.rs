//! Reconciling the compiled template with the plan after the framework's event compilers ran:
//! unknown grants on the compiled shared role, event source mapping `DependsOn`, schedule `RoleArn`
//! (iam-behaviour.md §2 last paragraph, §6.3; v3 notes §5, §7 item 6).

use serde_json::{json, Value};

use super::*;

const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:q1";
const DLQ: &str = "arn:aws:sns:us-east-1:123456789012:dlq";

/// `IamRoleLambdaExecution` as Serverless 3.40.0 writes it for service `svc`, stage `dev`.
fn compiled_shared_role(statements: Value) -> Value {
    json!({
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{ "Effect": "Allow", "Principal": { "Service": ["lambda.amazonaws.com"] }, "Action": ["sts:AssumeRole"] }]
            },
            "Policies": [{
                "PolicyName": { "Fn::Join": ["-", ["svc", "dev", "lambda"]] },
                "PolicyDocument": { "Version": "2012-10-17", "Statement": statements }
            }],
            "Path": "/",
            "RoleName": { "Fn::Join": ["-", ["svc", "dev", { "Ref": "AWS::Region" }, "lambdaRole"]] }
        }
    })
}

fn sqs_read(queues: Value) -> Value {
    allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], queues)
}

/// An SQS event source mapping as the framework writes it.
fn sqs_mapping(depends_on: Value, function_name: Value) -> Value {
    json!({
        "Type": "AWS::Lambda::EventSourceMapping",
        "DependsOn": depends_on,
        "Properties": { "BatchSize": 10, "EventSourceArn": QUEUE, "FunctionName": function_name, "Enabled": true }
    })
}

fn schedule(lambda: &str, role_arn: Value) -> Value {
    json!({
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "ScheduleExpression": "rate(1 hour)",
            "State": "ENABLED",
            "Target": { "Arn": get_att(lambda), "RoleArn": role_arn },
            "FlexibleTimeWindow": { "Mode": "OFF" }
        }
    })
}

fn join_role() -> Value {
    json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":role/custom"]] })
}

fn unknown_warnings(reconciled: &Value) -> Vec<String> {
    warning_codes(&reconciled["warnings"]).into_iter().filter(|c| c.starts_with("IAM_SYNTH_UNKNOWN")).collect()
}

// --- grants of unknown origin -----------------------------------------------------------------

#[test]
fn unknown_statement_on_the_compiled_shared_role_is_kept_and_warned_about() {
    let p = plan(&with_functions(json!({ "a": { "events": [{ "sqs": QUEUE }] } })));
    let extra = json!({ "Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/x" });
    let compiled = compiled_shared_role(after_canonical_logs(vec![sqs_read(json!([QUEUE])), extra.clone()]));
    let r = reconcile(&p, compiled, json!({}));
    assert_json(statements_of(&r["roles"][SHARED]), after_canonical_logs(vec![sqs_read(json!([QUEUE])), extra]));
    assert_eq!(warning_codes(&r["warnings"]), vec!["IAM_SYNTH_UNKNOWN_STATEMENT"]);
}

#[test]
fn the_frameworks_own_statements_are_not_reported() {
    // 3.40.0 put a's permissions on the shared role although a has its own role; they are known.
    let p = plan(&with_functions(json!({
        "a": { "role": "MyRole", "onError": DLQ, "events": [{ "sqs": QUEUE }] },
        "b": {}
    })));
    let compiled = compiled_shared_role(after_canonical_logs(vec![sns_publish(DLQ), sqs_read(json!([QUEUE]))]));
    let r = reconcile(&p, compiled, json!({}));
    assert_eq!(unknown_warnings(&r), Vec::<String>::new());
    if let Some(role) = r["roles"].get(SHARED) {
        let statements = statements_of(role).to_string();
        assert!(!statements.contains("sns:Publish") && !statements.contains("sqs:ReceiveMessage"), "{statements}");
    }
}

// A repeat of a statement the framework writes grants nothing new (osls appends the kms and xray
// statements only when missing, Serverless 3 de-duplicates with lodash): neither reported nor kept.
#[test]
fn a_repeat_of_a_known_statement_is_neither_reported_nor_kept() {
    let p = plan(&with_functions(json!({ "a": { "events": [{ "sqs": QUEUE }] } })));
    let compiled = compiled_shared_role(after_canonical_logs(vec![sqs_read(json!([QUEUE])), sqs_read(json!([QUEUE]))]));
    let r = reconcile(&p, compiled, json!({}));
    assert_eq!(warning_codes(&r["warnings"]), Vec::<String>::new());
    assert!(r["roles"].get(SHARED).is_none(), "the planned shared role stands unchanged");
}

// --- event source mappings --------------------------------------------------------------------

#[test]
fn mapping_of_a_function_with_a_join_role_loses_its_shared_role_dependency() {
    let p = plan(&with_functions(json!({
        "a": { "role": join_role(), "events": [{ "sqs": QUEUE }] },
        "b": { "events": [{ "sqs": QUEUE }] }
    })));
    let r = reconcile(
        &p,
        Value::Null,
        json!({
            "AEventSourceMappingSQSQ1": sqs_mapping(json!([SHARED]), get_att("ALambdaFunction")),
            "BEventSourceMappingSQSQ1": sqs_mapping(json!([SHARED]), get_att("BLambdaFunction"))
        }),
    );
    assert_json(&r["patches"], json!({ "AEventSourceMappingSQSQ1": { "DependsOn": [] } }));
}

#[test]
fn mapping_of_an_aliased_function_with_a_join_role_keeps_the_alias_dependency() {
    let p = plan(&with_functions(json!({
        "a": { "role": join_role(), "provisionedConcurrency": 1, "events": [{ "sqs": QUEUE }] }
    })));
    let alias_target = json!({ "Fn::Join": [":", [get_att("ALambdaFunction"), "provisioned"]] });
    let r = reconcile(
        &p,
        Value::Null,
        json!({
            "AEventSourceMappingSQSQ1": sqs_mapping(json!([SHARED, "AProvConcLambdaAlias"]), alias_target)
        }),
    );
    assert_json(&r["patches"], json!({ "AEventSourceMappingSQSQ1": { "DependsOn": ["AProvConcLambdaAlias"] } }));
}

#[test]
fn mappings_that_already_match_the_plan_are_not_patched() {
    let p = plan(&with_functions(json!({
        "a": { "events": [{ "sqs": QUEUE }] },
        "b": { "role": "MyRole", "events": [{ "sqs": QUEUE }] },
        "c": { "role": "arn:aws:iam::123456789012:role/custom", "events": [{ "sqs": QUEUE }] }
    })));
    let r = reconcile(
        &p,
        Value::Null,
        json!({
            "AEventSourceMappingSQSQ1": sqs_mapping(json!([SHARED]), get_att("ALambdaFunction")),
            "BEventSourceMappingSQSQ1": sqs_mapping(json!(["MyRole"]), get_att("BLambdaFunction")),
            "CEventSourceMappingSQSQ1": sqs_mapping(json!([]), get_att("CLambdaFunction"))
        }),
    );
    assert_json(&r["patches"], json!({}));
}

#[test]
fn mapping_of_a_function_with_a_dedicated_role_depends_on_that_role() {
    let p = plan(&with_functions(json!({
        "a": {
            "iam": { "role": { "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }] } },
            "events": [{ "sqs": QUEUE }]
        },
        "b": {}
    })));
    let r = reconcile(
        &p,
        Value::Null,
        json!({ "AEventSourceMappingSQSQ1": sqs_mapping(json!([SHARED]), get_att("ALambdaFunction")) }),
    );
    assert_json(&r["patches"], json!({ "AEventSourceMappingSQSQ1": { "DependsOn": ["AIamRoleLambdaExecution"] } }));
}

// --- scheduler schedules ----------------------------------------------------------------------

#[test]
fn schedule_role_arn_is_not_patched_when_it_already_matches() {
    let role = "arn:aws:iam::123456789012:role/custom";
    let p = plan(&with_functions(json!({
        "a": { "role": role, "events": [{ "schedule": { "rate": ["rate(1 hour)"], "method": "scheduler" } }] },
        "b": { "events": [{ "schedule": { "rate": ["rate(1 hour)"], "method": "scheduler" } }] }
    })));
    let r = reconcile(
        &p,
        Value::Null,
        json!({
            "ASchedulerSchedule1": schedule("ALambdaFunction", json!(role)),
            "BSchedulerSchedule1": schedule("BLambdaFunction", get_att(SHARED))
        }),
    );
    assert_json(&r["patches"], json!({}));
}

#[test]
fn schedule_role_arn_is_patched_when_it_differs() {
    let p = plan(&with_functions(json!({
        "a": {
            "iam": { "role": { "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }] } },
            "events": [{ "schedule": { "rate": ["rate(1 hour)"], "method": "scheduler" } }]
        },
        "b": { "events": [{ "schedule": { "rate": ["rate(1 hour)"], "method": "scheduler" } }] }
    })));
    let r = reconcile(
        &p,
        Value::Null,
        json!({
            "ASchedulerSchedule1": schedule("ALambdaFunction", get_att(SHARED)),
            "BSchedulerSchedule1": schedule("BLambdaFunction", get_att(SHARED))
        }),
    );
    assert_json(&r["patches"], json!({ "ASchedulerSchedule1": { "RoleArn": get_att("AIamRoleLambdaExecution") } }));
}

// osls writes an inline durable-execution statement on the shared role for every durable function
// it believes runs there (it knows nothing of dedicated roles); it is recognised, not kept.
#[test]
fn the_osls_durable_statement_for_a_dedicated_function_is_recognised_and_dropped() {
    let p = plan(&with_functions(json!({
        "a": { "durableConfig": { "executionTimeout": 60 }, "iam": { "role": { "statements": [] } } },
        "b": {}
    })));
    let osls_durable = json!({
        "Effect": "Allow",
        "Action": ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"],
        "Resource": [{ "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:svc-dev-a:*/durable-execution/*/*" }]
    });
    let compiled = compiled_shared_role(after_canonical_logs(vec![osls_durable]));
    let r = reconcile(&p, compiled, json!({}));
    assert_eq!(warning_codes(&r["warnings"]), Vec::<String>::new());
    assert!(r["roles"].get(SHARED).is_none(), "the planned shared role stands unchanged");
    assert!(!statements_of(&p["roles"][SHARED]).to_string().contains("Durable"));
}
