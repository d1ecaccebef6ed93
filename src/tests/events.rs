//! What the event compilers add to the shared role: scheduler, websockets, streams, kafka,
//! activemq/rabbitmq, msk, sqs, cloudFront (iam-behaviour.md §4; v3 notes §5, §7 items 9-11).

use serde_json::{json, Value};

use super::*;

const ACCOUNT_ARN: &str = "us-east-1:123456789012";

fn arn(service: &str, rest: &str) -> String {
    format!("arn:aws:{service}:{ACCOUNT_ARN}:{rest}")
}

fn scheduler(rate: &str) -> Value {
    json!({ "schedule": { "rate": [rate], "method": "scheduler" } })
}

fn websocket() -> Value {
    allow(&["execute-api:ManageConnections"], json!([sub("execute-api:*:*:*/@connections/*")]))
}

fn dynamodb(resources: Value) -> Value {
    allow(
        &["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"],
        resources,
    )
}

fn kinesis(resources: Value) -> Value {
    allow(
        &["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"],
        resources,
    )
}

fn kinesis_consumer(resources: Value) -> Value {
    allow(
        &["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary", "kinesis:ListShards"],
        resources,
    )
}

fn subscribe(resources: Value) -> Value {
    allow(&["kinesis:SubscribeToShard"], resources)
}

fn secrets(resources: Value) -> Value {
    allow(&["secretsmanager:GetSecretValue"], resources)
}

fn broker(resources: Value) -> Value {
    allow(&["mq:DescribeBroker"], resources)
}

fn sqs_read(resources: Value) -> Value {
    allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], resources)
}

fn cloudfront_logs() -> Value {
    allow(
        &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"],
        json!([sub("logs:*:*:*")]),
    )
}

fn cloudfront_event() -> Value {
    json!({ "cloudFront": { "eventType": "viewer-request", "origin": "s3://bucket.s3.amazonaws.com/files" } })
}

// --- scheduler --------------------------------------------------------------------------------

#[test]
fn scheduler_gives_one_statement_with_two_arns_per_function_and_trusts_the_scheduler() {
    let p = plan(&with_functions(json!({
        "a": { "events": [scheduler("rate(1 minute)"), scheduler("rate(1 hour)")] },
        "b": { "name": "svc-dev-custom", "events": [scheduler("rate(5 minutes)")] },
        "c": {}
    })));
    let statement = allow(
        &["lambda:InvokeFunction"],
        json!([
            function_arn("svc-dev-a"),
            function_arn("svc-dev-a:*"),
            function_arn("svc-dev-custom"),
            function_arn("svc-dev-custom:*"),
        ]),
    );
    assert_json(shared_statements(&p), after_canonical_logs(vec![statement]));
    assert_json(shared_principals(&p), json!(["lambda.amazonaws.com", "scheduler.amazonaws.com"]));
    assert_json(&p["frameworkSharedRole"]["principals"], json!(["lambda.amazonaws.com", "scheduler.amazonaws.com"]));
}

#[test]
fn event_bridge_schedules_grant_nothing() {
    let p = plan(&with_functions(json!({
        "a": { "events": [{ "schedule": "rate(1 minute)" }, { "schedule": { "rate": ["rate(1 hour)"] } }] }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(shared_principals(&p), json!(["lambda.amazonaws.com"]));
}

// --- websockets -------------------------------------------------------------------------------

#[test]
fn websocket_events_grant_manage_connections_once() {
    let p = plan(&with_functions(json!({
        "a": { "events": [{ "websocket": { "route": "$connect" } }, { "websocket": "$disconnect" }] },
        "b": { "events": [{ "websocket": { "route": "$default" } }] }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![websocket()]));
}

#[test]
fn no_websocket_statement_with_an_external_websocket_api() {
    let p = plan(&service(
        json!({ "apiGateway": { "websocketApiId": "abc123" } }),
        json!({ "a": { "events": [{ "websocket": { "route": "$connect" } }] } }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(framework_statements(&p), after_canonical_logs(vec![]));
}

// --- streams ----------------------------------------------------------------------------------

#[test]
fn dynamodb_stream_grants_the_dynamodb_actions() {
    let table = arn("dynamodb", "table/t/stream/2024-01-01T00:00:00.000");
    let p = plan(&with_functions(json!({ "a": { "events": [{ "stream": table.clone() }] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![dynamodb(json!([table]))]));
}

#[test]
fn kinesis_stream_grants_the_kinesis_actions() {
    let s = arn("kinesis", "stream/s1");
    let p = plan(&with_functions(json!({ "a": { "events": [{ "stream": { "arn": s.clone() } }] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![kinesis(json!([s]))]));
}

#[test]
fn stream_type_key_wins_and_intrinsic_arns_are_copied() {
    let table = json!({ "Fn::GetAtt": ["Table", "StreamArn"] });
    let s = json!({ "Fn::ImportValue": "stream-arn" });
    let p = plan(&with_functions(json!({ "a": { "events": [
        { "stream": { "arn": table.clone(), "type": "dynamodb" } },
        { "stream": { "arn": s.clone(), "type": "kinesis" } }
    ] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![dynamodb(json!([table])), kinesis(json!([s]))]));
}

#[test]
fn stream_statements_of_one_function_come_in_framework_order() {
    // Events in an order unlike the statement order D, K, KC, C, FS, FQ.
    let k1 = arn("kinesis", "stream/s1");
    let k2 = arn("kinesis", "stream/s2");
    let k3 = arn("kinesis", "stream/s3");
    let k4 = arn("kinesis", "stream/s4");
    let ddb = arn("dynamodb", "table/t/stream/x");
    let consumer_arn = arn("kinesis", "stream/s4/consumer/c:1");
    let failed_sqs = arn("sqs", "failed");
    let failed_sns = arn("sns", "failed");
    let p = plan(&with_functions(json!({ "a": { "events": [
        { "stream": { "arn": k1.clone(), "consumer": true } },
        { "stream": { "arn": k2.clone(), "destinations": { "onFailure": failed_sqs.clone() } } },
        { "stream": { "arn": ddb.clone(), "destinations": { "onFailure": { "arn": failed_sns.clone(), "type": "sns" } } } },
        { "stream": k3.clone() },
        { "stream": { "arn": k4.clone(), "consumer": consumer_arn.clone() } }
    ] } })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            dynamodb(json!([ddb])),
            kinesis(json!([k2, k3])),
            kinesis_consumer(json!([k1, k4])),
            subscribe(json!([{ "Ref": "As1ConsumerStreamConsumer" }, consumer_arn])),
            allow(&["sns:Publish"], json!([failed_sns])),
            allow(&["sqs:ListQueues", "sqs:SendMessage"], json!([failed_sqs])),
        ]),
    );
}

#[test]
fn consumer_true_refers_to_the_normalized_consumer_logical_id() {
    let s = arn("kinesis", "stream/my_stream");
    let p =
        plan(&with_functions(json!({ "my-fn": { "events": [{ "stream": { "arn": s.clone(), "consumer": true } }] } })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            kinesis_consumer(json!([s])),
            // `my-fn` + `my_stream` + `Consumer`, normalized, + `StreamConsumer`
            subscribe(json!([{ "Ref": "MyDashfnmyUnderscorestreamConsumerStreamConsumer" }])),
        ]),
    );
}

#[test]
fn consumer_logical_id_honours_service_specific_naming() {
    let s = arn("kinesis", "stream/s1");
    let p = plan(&service(
        json!({ "kinesis": { "consumerNamingMode": "serviceSpecific" } }),
        json!({ "a": { "events": [{ "stream": { "arn": s.clone(), "consumer": true } }] } }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            kinesis_consumer(json!([s])),
            subscribe(json!([{ "Ref": "As1svcdevConsumerStreamConsumer" }])),
        ]),
    );
}

#[test]
fn stream_on_failure_of_an_unknown_type_gets_the_sqs_actions() {
    let target = arn("lambda", "function:handler");
    let s = arn("kinesis", "stream/s1");
    let p = plan(&with_functions(json!({ "a": { "events": [
        { "stream": { "arn": s.clone(), "destinations": { "onFailure": target.clone() } } }
    ] } })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![kinesis(json!([s])), allow(&["sqs:ListQueues", "sqs:SendMessage"], json!([target]))]),
    );
}

#[test]
fn stream_statements_are_per_function_in_declaration_order() {
    let t1 = arn("dynamodb", "table/t1/stream/x");
    let t2 = arn("dynamodb", "table/t2/stream/x");
    let s = arn("kinesis", "stream/s1");
    let p = plan(&with_functions(json!({
        "a": { "events": [{ "stream": t1.clone() }, { "stream": s.clone() }] },
        "b": { "events": [{ "stream": t2.clone() }] }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![dynamodb(json!([t1])), kinesis(json!([s])), dynamodb(json!([t2]))]),
    );
}

// --- kafka ------------------------------------------------------------------------------------

fn kafka_event(access: Value) -> Value {
    json!({ "kafka": { "accessConfigurations": access, "topic": "orders", "bootstrapServers": ["b-1.kafka:9092"] } })
}

#[test]
fn kafka_secrets_in_access_configuration_key_order() {
    let ca = arn("secretsmanager", "secret:ca");
    let scram = arn("secretsmanager", "secret:scram512");
    let plain = arn("secretsmanager", "secret:plain");
    let p = plan(&with_functions(json!({ "a": { "events": [kafka_event(json!({
        "serverRootCaCertificate": [ca.clone()],
        "saslScram512Auth": [scram.clone()],
        "saslPlainAuth": [plain.clone()]
    }))] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![secrets(json!([ca, scram, plain]))]));
}

#[test]
fn kafka_in_a_vpc_adds_the_ec2_statement_with_a_scalar_resource() {
    let tls = arn("secretsmanager", "secret:tls");
    let p = plan(&with_functions(json!({ "a": { "events": [kafka_event(json!({
        "vpcSubnet": ["subnet-1"],
        "clientCertificateTlsAuth": [tls.clone()],
        "vpcSecurityGroup": ["sg-1"]
    }))] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![secrets(json!([tls])), ec2()]));
    assert_eq!(shared_statements(&p)[3]["Resource"], json!("*"));
}

#[test]
fn kafka_in_a_vpc_without_secrets_gets_only_ec2() {
    let p = plan(&with_functions(json!({ "a": { "events": [kafka_event(json!({
        "vpcSubnet": ["subnet-1"],
        "vpcSecurityGroup": ["sg-1"]
    }))] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![ec2()]));
}

#[test]
fn kafka_secrets_of_one_function_are_one_statement() {
    let s1 = arn("secretsmanager", "secret:one");
    let s2 = arn("secretsmanager", "secret:two");
    let p = plan(&with_functions(json!({ "a": { "events": [
        kafka_event(json!({ "saslScram256Auth": [s1.clone()] })),
        kafka_event(json!({ "saslScram256Auth": [s2.clone()] }))
    ] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![secrets(json!([s1, s2]))]));
}

// --- activemq / rabbitmq ----------------------------------------------------------------------

fn mq_event(kind: &str, broker: &str, secret: &str) -> Value {
    json!({ kind: { "arn": broker, "basicAuthArn": secret, "queue": "jobs" } })
}

#[test]
fn activemq_always_grants_secrets_broker_and_ec2() {
    let (b1, s1) = (arn("mq", "broker:b1:b-1"), arn("secretsmanager", "secret:mq1"));
    let (b2, s2) = (arn("mq", "broker:b2:b-2"), arn("secretsmanager", "secret:mq2"));
    let p = plan(&with_functions(
        json!({ "a": { "events": [mq_event("activemq", &b1, &s1), mq_event("activemq", &b2, &s2)] } }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![secrets(json!([s1, s2])), broker(json!([b1, b2])), ec2()]),
    );
}

#[test]
fn rabbitmq_always_grants_secrets_broker_and_ec2() {
    let (b, s) = (arn("mq", "broker:r1:b-3"), arn("secretsmanager", "secret:rabbit"));
    let p = plan(&with_functions(json!({ "a": { "events": [mq_event("rabbitmq", &b, &s)] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![secrets(json!([s])), broker(json!([b])), ec2()]));
}

#[test]
fn all_activemq_statements_come_before_rabbitmq_ones() {
    let (rb, rs) = (arn("mq", "broker:r:b-r"), arn("secretsmanager", "secret:r"));
    let (ab, as_) = (arn("mq", "broker:a:b-a"), arn("secretsmanager", "secret:a"));
    let (cb, cs) = (arn("mq", "broker:c:b-c"), arn("secretsmanager", "secret:c"));
    let p = plan(&with_functions(json!({
        "a": { "events": [mq_event("rabbitmq", &rb, &rs)] },
        "b": { "events": [mq_event("activemq", &ab, &as_), mq_event("rabbitmq", &cb, &cs)] }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            secrets(json!([as_])),
            broker(json!([ab])),
            ec2(),
            secrets(json!([rs])),
            broker(json!([rb])),
            ec2(),
            secrets(json!([cs])),
            broker(json!([cb])),
            ec2(),
        ]),
    );
}

// --- msk --------------------------------------------------------------------------------------

#[test]
fn msk_grants_the_cluster_statement_and_ec2() {
    let c1 = arn("kafka", "cluster/c1/abc");
    let c2 = json!({ "Ref": "Cluster" });
    let p = plan(&with_functions(json!({ "a": { "events": [
        { "msk": { "arn": c1.clone(), "topic": "t1" } },
        { "msk": { "arn": c2.clone(), "topic": "t2", "saslScram512": arn("secretsmanager", "secret:msk") } }
    ] } })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            allow(&["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"], json!([c1, c2])),
            ec2(),
        ]),
    );
}

// --- sqs --------------------------------------------------------------------------------------

#[test]
fn sqs_is_one_statement_for_the_whole_service_with_duplicates_kept() {
    let q1 = arn("sqs", "q1");
    let q2 = json!({ "Fn::GetAtt": ["Queue2", "Arn"] });
    let p = plan(&with_functions(json!({
        "a": { "events": [{ "sqs": q1.clone() }, { "sqs": { "arn": q2.clone(), "batchSize": 5 } }] },
        "b": {},
        "c": { "events": [{ "sqs": { "arn": q1.clone() } }] }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![sqs_read(json!([q1.clone(), q2, q1]))]));
}

// --- cloudFront -------------------------------------------------------------------------------

#[test]
fn cloudfront_grants_logs_once_and_trusts_edgelambda() {
    let p = plan(&with_functions(json!({
        "a": { "events": [cloudfront_event()] },
        "b": { "events": [cloudfront_event()] }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![cloudfront_logs()]));
    assert_json(shared_principals(&p), json!(["lambda.amazonaws.com", "edgelambda.amazonaws.com"]));
}

#[test]
fn edgelambda_is_trusted_after_the_scheduler() {
    let p = plan(&with_functions(json!({
        "a": { "events": [cloudfront_event()] },
        "b": { "events": [scheduler("rate(1 day)")] }
    })));
    assert_json(
        shared_principals(&p),
        json!(["lambda.amazonaws.com", "scheduler.amazonaws.com", "edgelambda.amazonaws.com"]),
    );
    assert_json(
        &p["frameworkSharedRole"]["principals"],
        json!(["lambda.amazonaws.com", "scheduler.amazonaws.com", "edgelambda.amazonaws.com"]),
    );
}

// --- events that grant nothing ----------------------------------------------------------------

#[test]
fn other_events_add_nothing_to_the_role() {
    let p = plan(&with_functions(json!({ "a": { "events": [
        { "http": { "path": "/", "method": "get" } },
        { "httpApi": "GET /items" },
        { "s3": { "bucket": "uploads", "event": "s3:ObjectCreated:*" } },
        { "sns": "topic" },
        { "eventBridge": { "pattern": { "source": ["app"] } } },
        { "cloudwatchLog": "/aws/lambda/other" },
        { "alb": { "listenerArn": arn("elasticloadbalancing", "listener/app/x/y/z"), "priority": 1, "conditions": { "path": "/x" } } },
        { "iot": { "sql": "SELECT * FROM 'topic'" } },
        { "cognitoUserPool": { "pool": "users", "trigger": "PreSignUp" } },
        { "alexaSkill": "amzn1.ask.skill.x" }
    ] } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(shared_principals(&p), json!(["lambda.amazonaws.com"]));
}
