//! Property test of the synthesis entry point: arbitrary JSON and structure-aware mutations of valid
//! services never panic, and a service that synthesizes gives the same plan twice and reconciles
//! without panicking. `fuzz_short` runs in the suite; `fuzz_long` (ignored) runs
//! `IAM_SYNTH_FUZZ_CASES` inputs (default 1,000,000):
//! `IAM_SYNTH_FUZZ_CASES=1000000 cargo test --release fuzz_long -- --ignored --nocapture`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{json, Map, Value};

use crate::synth;

/// xorshift64*: small, deterministic, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const KEYS: &[&str] = &[
    "service",
    "stage",
    "region",
    "provider",
    "functions",
    "custom",
    "resources",
    "iam",
    "role",
    "statements",
    "managedPolicies",
    "permissionsBoundary",
    "permissionBoundary",
    "name",
    "path",
    "tags",
    "mode",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Sid",
    "events",
    "stream",
    "sqs",
    "kafka",
    "activemq",
    "rabbitmq",
    "msk",
    "schedule",
    "websocket",
    "cloudFront",
    "arn",
    "type",
    "consumer",
    "destinations",
    "onSuccess",
    "onFailure",
    "onError",
    "kmsKeyArn",
    "tracing",
    "lambda",
    "vpc",
    "fileSystemConfig",
    "disableLogs",
    "logs",
    "logGroup",
    "dependsOn",
    "durableConfig",
    "image",
    "versionFunction",
    "iamRoleStatements",
    "iamRoleStatementsInherit",
    "iamRoleStatementsName",
    "iamPermissionsBoundary",
    "inheritStatements",
    "serverless-iam-roles-per-function",
    "defaultInherit",
    "iamGlobalPermissionsBoundary",
    "accessConfigurations",
    "saslScram512Auth",
    "vpcSubnet",
    "basicAuthArn",
    "method",
    "Fn::GetAtt",
    "Fn::Sub",
    "Ref",
    "Fn::Join",
    "Fn::ImportValue",
    "Resources",
    "Outputs",
    "IamRoleLambdaExecution",
    "apiGateway",
    "websocketApiId",
    "kinesis",
    "consumerNamingMode",
];

const STRINGS: &[&str] = &[
    "",
    "*",
    "Allow",
    "Deny",
    "allow",
    "perFunction",
    "shared",
    "arn:aws:sqs:us-east-1:123456789012:q",
    "arn:aws:sns:us-east-1:123456789012:t",
    "arn:aws:kinesis:us-east-1:123456789012:stream/s",
    "arn:aws:dynamodb:us-east-1:1:table/t/stream/x",
    "arn:aws:lambda:us-east-1:1:function:f",
    "arn:aws:events:us-east-1:1:event-bus/b",
    "arn:aws:kms:us-east-1:1:key/k",
    "arn:",
    "arn:aws:s3files:x",
    "s3:GetObject",
    "s3:*",
    "bad action",
    "IamRoleLambdaExecution",
    "a",
    "fn-x_y",
    "/",
    "/a/",
    "scheduler",
    "dynamodb",
    "kinesis",
    "sqs",
    "sns",
    "function",
    "eventBus",
    "s3files",
    "rate(1 minute)",
    "ü日本",
    "${IamRoleLambdaExecution.Arn}",
    "x:y",
    ":::",
    "a-very-long-function-key-that-makes-the-role-name-too-long",
];

fn random_string(rng: &mut Rng) -> String {
    if rng.chance(80) {
        STRINGS[rng.below(STRINGS.len())].to_string()
    } else {
        (0..rng.below(12)).map(|_| char::from(b' ' + rng.below(95) as u8)).collect()
    }
}

fn random_key(rng: &mut Rng) -> String {
    if rng.chance(85) {
        KEYS[rng.below(KEYS.len())].to_string()
    } else {
        random_string(rng)
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let leaf = depth == 0 || rng.chance(45);
    match (leaf, rng.below(if leaf { 5 } else { 7 })) {
        (_, 0) => Value::Null,
        (_, 1) => Value::Bool(rng.chance(50)),
        (_, 2) => json!(rng.next() as i64 % 1000),
        (_, 3) | (_, 4) => Value::String(random_string(rng)),
        (_, 5) => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth - 1)).collect()),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(5) {
                m.insert(random_key(rng), random_value(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

fn seeds() -> Vec<Value> {
    let statement = json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*" });
    vec![
        json!({ "service": "svc", "stage": "dev", "region": "us-east-1",
            "provider": { "iam": { "role": { "statements": [statement], "tags": { "a": "b" } } }, "tracing": { "lambda": true } },
            "functions": {
                "a": { "events": [{ "sqs": "arn:aws:sqs:us-east-1:1:q" }, { "stream": { "arn": "arn:aws:kinesis:us-east-1:1:stream/s", "consumer": true } }] },
                "b": { "name": "other", "disableLogs": true, "onError": "arn:aws:sns:us-east-1:1:t", "kmsKeyArn": "arn:aws:kms:us-east-1:1:key/k" },
                "c": { "iam": { "role": { "statements": [statement], "managedPolicies": ["arn:aws:iam::aws:policy/X"] }, "inheritStatements": true },
                       "events": [{ "schedule": { "rate": ["rate(1 minute)"], "method": "scheduler" } }, { "cloudFront": { "eventType": "viewer-request" } }],
                       "destinations": { "onSuccess": "a", "onFailure": { "type": "sqs", "arn": { "Fn::GetAtt": ["Q", "Arn"] } } } },
                "d": { "role": { "Fn::GetAtt": ["R", "Arn"] }, "events": [{ "websocket": { "route": "$default" } }] }
            },
            "custom": { "serverless-iam-roles-per-function": { "defaultInherit": true } },
            "resources": { "Outputs": { "O": { "Value": { "Ref": "IamRoleLambdaExecution" } } } } }),
        json!({ "service": "svc", "provider": { "iam": { "role": { "mode": "perFunction", "managedPolicies": ["arn:aws:iam::aws:policy/Y"],
                "permissionsBoundary": "arn:aws:iam::1:policy/b", "path": "/p/" } }, "vpc": { "subnetIds": ["s"] } },
            "functions": {
                "k": { "events": [{ "kafka": { "accessConfigurations": { "saslScram512Auth": ["arn:aws:secretsmanager:us-east-1:1:secret:s"], "vpcSubnet": ["x"] }, "topic": "t" } },
                                   { "activemq": { "arn": "arn:aws:mq:us-east-1:1:broker:b", "basicAuthArn": "arn:aws:secretsmanager:us-east-1:1:secret:m" } },
                                   { "msk": { "arn": "arn:aws:kafka:us-east-1:1:cluster/c/x", "topic": "t" } }],
                       "fileSystemConfig": { "arn": "arn:aws:s3files:us-east-1:1:x", "localMountPath": "/mnt/x" }, "durableConfig": { "executionTimeout": 1 } },
                "legacy": { "iamRoleStatements": [statement], "iamRoleStatementsName": "legacy-role", "iamPermissionsBoundary": "arn:aws:iam::1:policy/c" },
                "custom": { "role": "arn:aws:iam::1:role/r" }
            } }),
        json!({ "service": "svc", "provider": { "iamRoleStatements": [statement], "iamManagedPolicies": ["arn:aws:iam::aws:policy/Z"], "role": "MyRole" },
            "functions": { "x": { "events": [{ "stream": "arn:aws:dynamodb:us-east-1:1:table/t/stream/x" }] } } }),
    ]
}

/// Replaces, removes or duplicates one node somewhere in `v`.
fn mutate(rng: &mut Rng, v: &mut Value, depth: usize) {
    let descend = depth < 8 && rng.chance(70);
    match v {
        Value::Object(m) if !m.is_empty() && descend => {
            let i = rng.below(m.len());
            if let Some((_, child)) = m.iter_mut().nth(i) {
                mutate(rng, child, depth + 1);
            }
        }
        Value::Array(a) if !a.is_empty() && descend => {
            let i = rng.below(a.len());
            mutate(rng, &mut a[i], depth + 1);
        }
        Value::Object(m) => match rng.below(4) {
            0 if !m.is_empty() => {
                let k = m.keys().nth(rng.below(m.len())).cloned().unwrap_or_default();
                m.remove(&k);
            }
            1 => {
                m.insert(random_key(rng), random_value(rng, 3));
            }
            _ => *v = random_value(rng, 3),
        },
        Value::Array(a) => match rng.below(3) {
            0 if !a.is_empty() => {
                let dup = a[rng.below(a.len())].clone();
                a.push(dup);
            }
            1 => a.push(random_value(rng, 3)),
            _ => *v = random_value(rng, 3),
        },
        _ => *v = random_value(rng, 3),
    }
}

/// Runs `cases` inputs; returns (inputs, panics, plans produced).
fn run(cases: u64, seed: u64) -> (u64, Vec<String>, u64) {
    let seeds = seeds();
    let mut rng = Rng(seed | 1);
    let mut panics = Vec::new();
    let mut plans = 0;
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for i in 0..cases {
        let input = if rng.chance(25) {
            random_value(&mut rng, 6)
        } else {
            let mut s = seeds[rng.below(seeds.len())].clone();
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut s, 0);
            }
            s
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let first = synth::synthesize(&input);
            if let Ok(plan) = &first {
                let again = synth::synthesize(&input).ok();
                assert_eq!(again.as_ref(), Some(plan), "same input, same plan");
                let plan_json = serde_json::to_value(plan).expect("plan serializes");
                let shared = plan.roles.get("IamRoleLambdaExecution").cloned().unwrap_or(Value::Null);
                let mut garbage = Value::Null;
                let _ =
                    crate::reconcile::reconcile(&json!({ "plan": plan_json, "sharedRole": shared, "resources": {} }));
                let _ = crate::reconcile::reconcile(
                    &json!({ "plan": plan_json, "sharedRole": { "Properties": garbage.take() }, "resources": { "X": { "Type": "AWS::Lambda::EventSourceMapping" } } }),
                );
                return true;
            }
            false
        }));
        match outcome {
            Ok(true) => plans += 1,
            Ok(false) => {}
            Err(p) => {
                let msg =
                    p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
                if panics.len() < 10 {
                    panics.push(format!("case {i}: {}: {input}", msg.unwrap_or_default()));
                }
            }
        }
    }
    std::panic::set_hook(previous_hook);
    (cases, panics, plans)
}

#[test]
fn fuzz_short() {
    let (n, panics, plans) = run(20_000, 0x5eed);
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
    // the mutations must keep many inputs valid, or the property says little
    assert!(plans > n / 10, "only {plans} of {n} inputs synthesized");
}

#[test]
#[ignore = "long run; see the module documentation"]
fn fuzz_long() {
    let cases = std::env::var("IAM_SYNTH_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let seed = std::env::var("IAM_SYNTH_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0xfeed_f00d);
    let start = std::time::Instant::now();
    let (n, panics, plans) = run(cases, seed);
    println!(
        "fuzz: {n} inputs, {} panics, {plans} synthesized to a plan, {:.1}s",
        panics.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
}
