//! Statement order across the phases of Serverless 3.40.0 (iam-behaviour.md §3.3.3; v3 notes §4.1,
//! §6): logs, provider statements, compileFunctions (zip functions, image functions, deferred
//! destinations), then the event compilers in plugin order.

use serde_json::{json, Value};

use super::*;

const KEY_P: &str = "arn:aws:kms:us-east-1:123456789012:key/provider";
const KEY_B: &str = "arn:aws:kms:us-east-1:123456789012:key/b";
const DLQ: &str = "arn:aws:sns:us-east-1:123456789012:dlq";
const DEST: &str = "arn:aws:sqs:us-east-1:123456789012:dest";
const EFS_AP: &str = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1";
const DDB: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x";
const KAFKA_SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka";
const MQ_BROKER: &str = "arn:aws:mq:us-east-1:123456789012:broker:a:b-a";
const MQ_SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mq";
const RMQ_BROKER: &str = "arn:aws:mq:us-east-1:123456789012:broker:r:b-r";
const RMQ_SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rmq";
const CLUSTER: &str = "arn:aws:kafka:us-east-1:123456789012:cluster/c/abc";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:q";

fn provider_statement() -> Value {
    json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*" })
}

fn dest(action: &str, resource: &str) -> Value {
    json!({ "Effect": "Allow", "Action": action, "Resource": resource })
}

#[test]
fn a_service_with_everything_in_the_framework_order() {
    let input = service(
        json!({
            "kmsKeyArn": KEY_P,
            "tracing": { "lambda": true },
            "iam": { "role": { "statements": [provider_statement()] } }
        }),
        json!({
            "a": { "events": [
                { "schedule": { "rate": ["rate(5 minutes)"], "method": "scheduler" } },
                { "websocket": { "route": "$connect" } },
                { "stream": DDB }
            ] },
            "b": {
                "onError": DLQ,
                "kmsKeyArn": KEY_B,
                "vpc": { "securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"] },
                "fileSystemConfig": { "arn": EFS_AP, "localMountPath": "/mnt/data" },
                "destinations": { "onSuccess": DEST },
                "events": [
                    { "kafka": { "accessConfigurations": { "saslScram512Auth": [KAFKA_SECRET] }, "topic": "t", "bootstrapServers": ["k:9092"] } },
                    { "activemq": { "arn": MQ_BROKER, "basicAuthArn": MQ_SECRET, "queue": "q" } }
                ]
            },
            "c": { "disableLogs": true, "events": [
                { "rabbitmq": { "arn": RMQ_BROKER, "basicAuthArn": RMQ_SECRET, "queue": "q" } },
                { "msk": { "arn": CLUSTER, "topic": "t" } },
                { "sqs": QUEUE },
                { "cloudFront": { "eventType": "origin-request", "origin": "s3://bucket.s3.amazonaws.com/" } }
            ] }
        }),
    );
    let expected = json!([
        logs_a(json!([log_arn("/aws/lambda/svc-dev*", ":*")])),
        logs_b(json!([log_arn("/aws/lambda/svc-dev*", ":*:*")])),
        { "Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": [log_arn("/aws/lambda/svc-dev-c", ":*")] },
        provider_statement(),
        // compileFunctions: a
        kms(KEY_P),
        xray(),
        // b (its xray is a duplicate)
        sns_publish(DLQ),
        kms(KEY_B),
        allow(&["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], json!([EFS_AP])),
        // c: provider key and xray again, both already there
        // destinations of versioned functions
        dest("sqs:SendMessage", DEST),
        // compileEvents
        allow(&["lambda:InvokeFunction"], json!([function_arn("svc-dev-a"), function_arn("svc-dev-a:*")])),
        allow(&["execute-api:ManageConnections"], json!([sub("execute-api:*:*:*/@connections/*")])),
        allow(&["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"], json!([DDB])),
        allow(&["secretsmanager:GetSecretValue"], json!([KAFKA_SECRET])),
        allow(&["secretsmanager:GetSecretValue"], json!([MQ_SECRET])),
        allow(&["mq:DescribeBroker"], json!([MQ_BROKER])),
        ec2(),
        allow(&["secretsmanager:GetSecretValue"], json!([RMQ_SECRET])),
        allow(&["mq:DescribeBroker"], json!([RMQ_BROKER])),
        ec2(),
        allow(&["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"], json!([CLUSTER])),
        ec2(),
        allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], json!([QUEUE])),
        allow(
            &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"],
            json!([sub("logs:*:*:*")])
        ),
    ]);
    let p = plan(&input);
    assert_json(shared_statements(&p), &expected);
    assert_json(framework_statements(&p), &expected);
    let principals = json!(["lambda.amazonaws.com", "scheduler.amazonaws.com", "edgelambda.amazonaws.com"]);
    assert_json(shared_principals(&p), &principals);
    assert_json(&p["frameworkSharedRole"]["principals"], &principals);
    assert_json(&shared_role(&p)["Properties"]["ManagedPolicyArns"], json!([vpc_policy()]));
    assert_json(&p["frameworkSharedRole"]["managedPolicies"], json!([vpc_policy()]));
}

#[test]
fn destinations_of_versioned_functions_come_after_every_functions_own_statements() {
    let p = plan(&with_functions(json!({
        "a": { "destinations": { "onSuccess": DEST } },
        "b": { "onError": DLQ, "tracing": true }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![sns_publish(DLQ), xray(), dest("sqs:SendMessage", DEST)]),
    );
}

#[test]
fn destinations_are_inline_when_provider_version_functions_is_false() {
    let p = plan(&service(
        json!({ "versionFunctions": false }),
        json!({
            "a": { "destinations": { "onSuccess": DEST } },
            "b": { "onError": DLQ, "tracing": true }
        }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![dest("sqs:SendMessage", DEST), sns_publish(DLQ), xray()]),
    );
}

#[test]
fn destinations_are_inline_when_the_function_sets_version_function_false() {
    let p = plan(&with_functions(json!({
        "a": { "versionFunction": false, "destinations": { "onSuccess": DEST } },
        "b": { "onError": DLQ }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![dest("sqs:SendMessage", DEST), sns_publish(DLQ)]));
}

#[test]
fn inline_destinations_follow_their_functions_file_system_statement() {
    let p = plan(&service(
        json!({ "versionFunctions": false }),
        json!({ "a": {
            "onError": DLQ,
            "vpc": { "securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"] },
            "fileSystemConfig": { "arn": EFS_AP, "localMountPath": "/mnt/data" },
            "destinations": { "onFailure": DEST }
        } }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            sns_publish(DLQ),
            allow(&["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], json!([EFS_AP])),
            dest("sqs:SendMessage", DEST),
        ]),
    );
}

#[test]
fn provisioned_concurrency_defers_destinations_even_without_versioning() {
    let p = plan(&service(
        json!({ "versionFunctions": false }),
        json!({
            "a": { "provisionedConcurrency": 1, "destinations": { "onSuccess": DEST } },
            "b": { "onError": DLQ }
        }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![sns_publish(DLQ), dest("sqs:SendMessage", DEST)]));
}

#[test]
fn cloudfront_functions_are_always_versioned_so_their_destinations_are_deferred() {
    let p = plan(&service(
        json!({ "versionFunctions": false }),
        json!({
            "a": {
                "destinations": { "onSuccess": DEST },
                "events": [{ "cloudFront": { "eventType": "viewer-request", "origin": "s3://bucket.s3.amazonaws.com/" } }]
            },
            "b": { "onError": DLQ }
        }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            sns_publish(DLQ),
            dest("sqs:SendMessage", DEST),
            allow(
                &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"],
                json!([sub("logs:*:*:*")]),
            ),
        ]),
    );
}

#[test]
fn image_functions_come_after_zip_functions_and_before_deferred_destinations() {
    let img_dlq = "arn:aws:sns:us-east-1:123456789012:img-dlq";
    let img_dest = "arn:aws:sqs:us-east-1:123456789012:img-dest";
    let p = plan(&with_functions(json!({
        "img": {
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc",
            "onError": img_dlq,
            "destinations": { "onSuccess": img_dest }
        },
        "zip": { "onError": DLQ, "destinations": { "onSuccess": DEST } }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            sns_publish(DLQ),
            sns_publish(img_dlq),
            dest("sqs:SendMessage", img_dest),
            dest("sqs:SendMessage", DEST),
        ]),
    );
}

#[test]
fn event_compilers_are_compiler_major_across_functions() {
    // a's sqs comes after b's stream although a is declared first.
    let p = plan(&with_functions(json!({
        "a": { "events": [{ "sqs": QUEUE }] },
        "b": { "events": [{ "stream": DDB }] }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            allow(
                &[
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                    "dynamodb:ListStreams",
                ],
                json!([DDB]),
            ),
            allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], json!([QUEUE])),
        ]),
    );
}
