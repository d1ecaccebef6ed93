//! The same service gives byte-identical output, and reordering keys that carry no order gives the
//! same output (iam-behaviour.md §6.6). Keys that do carry order are left alone: the order of
//! `functions` (declaration order decides statement order), of tags (it is the order of `Tags`), of
//! lists, and inside user-written statements (copied verbatim).

use serde_json::{json, Map, Value};

use crate::synth;

fn service() -> Value {
    json!({
        "service": "svc", "stage": "prod", "region": "eu-west-1",
        "provider": {
            "tracing": { "lambda": true },
            "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/k",
            "vpc": { "subnetIds": ["s"], "securityGroupIds": ["g"] },
            "iam": { "role": {
                "path": "/apps/",
                "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*" }],
                "managedPolicies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                "permissionsBoundary": "arn:aws:iam::123456789012:policy/b",
                "tags": { "team": "a", "cost": "b" }
            } }
        },
        "functions": {
            "api": { "events": [{ "http": { "path": "/", "method": "get" } }], "onError": "arn:aws:sns:eu-west-1:123456789012:dlq" },
            "worker": {
                "name": "svc-prod-worker",
                "events": [
                    { "sqs": { "arn": "arn:aws:sqs:eu-west-1:123456789012:q", "batchSize": 5 } },
                    { "stream": { "type": "kinesis", "arn": "arn:aws:kinesis:eu-west-1:123456789012:stream/s", "consumer": true } },
                    { "schedule": { "method": "scheduler", "rate": ["rate(1 hour)"] } }
                ],
                "destinations": { "onFailure": "arn:aws:sqs:eu-west-1:123456789012:dead", "onSuccess": "api" },
                "iam": { "inheritStatements": true, "role": {
                    "statements": [{ "Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": "arn:aws:dynamodb:eu-west-1:123456789012:table/t" }],
                    "tags": { "fn": "worker" }, "path": "/workers/"
                } }
            },
            "custom-role": { "role": "arn:aws:iam::123456789012:role/r", "events": [{ "sqs": "arn:aws:sqs:eu-west-1:123456789012:q2" }] }
        },
        "custom": { "serverless-iam-roles-per-function": { "iamGlobalPermissionsBoundary": "arn:aws:iam::123456789012:policy/g", "defaultInherit": false } }
    })
}

/// Reverses the key order of every object whose keys carry no order.
fn reorder(v: &Value, key: &str) -> Value {
    match v {
        Value::Object(m) => {
            let keep_order = key == "functions" || key == "tags" || key == "statements";
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            if !keep_order {
                entries.reverse();
            }
            let mut out = Map::new();
            for (k, child) in entries {
                let child = if key == "statements" { child.clone() } else { reorder(child, k) };
                out.insert(k.clone(), child);
            }
            Value::Object(out)
        }
        Value::Array(a) if key == "statements" => Value::Array(a.clone()),
        Value::Array(a) => Value::Array(a.iter().map(|x| reorder(x, "")).collect()),
        other => other.clone(),
    }
}

fn plan_text(input: &Value) -> String {
    let plan = synth::synthesize(input).expect("the service synthesizes");
    serde_json::to_string(&plan).expect("the plan serializes")
}

#[test]
fn the_same_service_gives_byte_identical_output() {
    let first = plan_text(&service());
    for _ in 0..5 {
        assert_eq!(plan_text(&service()), first);
    }
}

#[test]
fn reordering_keys_that_carry_no_order_gives_the_same_output() {
    let original = service();
    let reordered = reorder(&original, "");
    assert_ne!(
        serde_json::to_string(&original).unwrap(),
        serde_json::to_string(&reordered).unwrap(),
        "the test must reorder something"
    );
    assert_eq!(plan_text(&reordered), plan_text(&original));
}

#[test]
fn reordering_functions_changes_only_what_declaration_order_decides() {
    // Declaration order decides the order of roles and of the shared role's statements; the set of
    // roles and each function's own role stay the same.
    let original = service();
    let mut swapped = original.clone();
    let fns = swapped["functions"].as_object().unwrap().clone();
    let mut rev = Map::new();
    for (k, v) in fns.iter().rev() {
        rev.insert(k.clone(), v.clone());
    }
    swapped["functions"] = Value::Object(rev);
    let a = serde_json::to_value(synth::synthesize(&original).unwrap()).unwrap();
    let b = serde_json::to_value(synth::synthesize(&swapped).unwrap()).unwrap();
    let mut ids_a: Vec<&String> = a["roles"].as_object().unwrap().keys().collect();
    let mut ids_b: Vec<&String> = b["roles"].as_object().unwrap().keys().collect();
    ids_a.sort();
    ids_b.sort();
    assert_eq!(ids_a, ids_b);
    assert_eq!(a["roles"]["WorkerIamRoleLambdaExecution"], b["roles"]["WorkerIamRoleLambdaExecution"]);
    for (k, f) in a["functions"].as_object().unwrap() {
        assert_eq!(&b["functions"][k], f);
    }
}
