//! What each function's settings and events grant (iam-behaviour.md §4), computed once per function
//! in the framework's exact statement shapes. The role assemblers (shared, dedicated) decide where
//! and in which order these go.

use serde_json::{json, Value};

use crate::cfn::{object, sub_arn, truthy};
use crate::error::{Errors, SynthError};
use crate::model::{Function, Service};
use crate::naming;

pub const LAMBDA_PRINCIPAL: &str = "lambda.amazonaws.com";
pub const SCHEDULER_PRINCIPAL: &str = "scheduler.amazonaws.com";
pub const EDGE_PRINCIPAL: &str = "edgelambda.amazonaws.com";

/// Which flavour of the rules to apply: the framework's 3.40.0 behaviour (used to recognise what
/// the framework wrote) or ours (its documented improvements: S3 Files, durable functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Framework,
    Ours,
}

/// When the framework's async compileFunction emits a function's statements (see the v3 notes in
/// shared.rs): zip functions synchronously, destinations of versioned ones after everything else,
/// image functions after all zip functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    ZipInline,
    ZipDeferredDestinations,
    Image,
}

#[derive(Debug, Clone)]
pub struct Destination {
    /// Memo key of the framework (string targets are granted once per service).
    pub memo: Option<String>,
    pub statement: Value,
}

#[derive(Debug, Clone, Default)]
pub struct FnGrants {
    pub on_error: Option<Value>,
    pub kms: Option<Value>,
    pub xray: bool,
    pub file_system: Option<Value>,
    pub destinations: Vec<Destination>,
    pub scheduler: Option<Value>,
    pub websocket: bool,
    pub streams: Vec<Value>,
    pub kafka: Vec<Value>,
    pub activemq: Vec<Value>,
    pub rabbitmq: Vec<Value>,
    pub msk: Vec<Value>,
    pub sqs: Vec<Value>,
    pub cloudfront: bool,
    pub vpc: bool,
    pub durable: bool,
}

/// `{"Effect", "Action", "Resource"}`, in that order (the framework's key order).
pub fn statement(effect: &str, action: Value, resource: Value) -> Value {
    object([("Effect", Value::from(effect)), ("Action", action), ("Resource", resource)])
}

pub fn allow(actions: &[&str], resource: Value) -> Value {
    statement("Allow", Value::Array(actions.iter().map(|a| Value::from(*a)).collect()), resource)
}

pub fn ec2_statement() -> Value {
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

pub fn xray_statement() -> Value {
    allow(&["xray:PutTraceSegments", "xray:PutTelemetryRecords"], json!(["*"]))
}

pub fn websocket_statement() -> Value {
    allow(&["execute-api:ManageConnections"], json!([sub_arn("execute-api:*:*:*/@connections/*")]))
}

pub fn cloudfront_logs_statement() -> Value {
    allow(
        &["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"],
        json!([sub_arn("logs:*:*:*")]),
    )
}

pub fn function_arn_sub(fn_name: &str) -> Value {
    sub_arn(&format!("lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{fn_name}"))
}

pub fn vpc_managed_policy() -> Value {
    crate::cfn::aws_managed_policy("service-role/AWSLambdaVPCAccessExecutionRole")
}

pub fn durable_managed_policy() -> Value {
    crate::cfn::aws_managed_policy("service-role/AWSLambdaBasicDurableExecutionRolePolicy")
}

/// The third `:`-separated part of a string ARN (`arn:aws:sqs:…` → `sqs`).
fn arn_service(v: &Value) -> Option<&str> {
    v.as_str().and_then(|s| s.split(':').nth(2))
}

fn event_body<'a>(event: &'a Value, kind: &str) -> Option<&'a Value> {
    event.as_object()?.get(kind).filter(|v| truthy(Some(v)))
}

fn is_versioned(svc: &Service, f: &Function) -> bool {
    if f.has_cloudfront_event() || truthy(f.raw("provisionedConcurrency")) || truthy(f.raw("snapStart")) {
        return true;
    }
    match f.raw("versionFunction") {
        Some(Value::Bool(b)) => *b,
        _ => svc.provider.version_functions,
    }
}

pub fn timing(svc: &Service, f: &Function) -> Timing {
    if truthy(f.raw("image")) {
        Timing::Image
    } else if is_versioned(svc, f) {
        Timing::ZipDeferredDestinations
    } else {
        Timing::ZipInline
    }
}

fn destination(svc: &Service, target: &Value, path: &str, errors: &mut Errors) -> Option<Destination> {
    let unknown = |errors: &mut Errors| {
        errors.push(SynthError::UnknownDestination {
            path: path.to_string(),
            value: target.as_str().map(str::to_string).unwrap_or_else(|| target.to_string()),
        })
    };
    match target {
        Value::String(s) => {
            let action = if !s.starts_with("arn:") || s.contains(":function:") {
                "lambda:InvokeFunction"
            } else if s.contains(":sqs:") {
                "sqs:SendMessage"
            } else if s.contains(":sns:") {
                "sns:Publish"
            } else if s.contains(":event-bus/") {
                "events:PutEvents"
            } else {
                unknown(errors);
                return None;
            };
            let resource = if s.starts_with("arn:") {
                Value::String(s.clone())
            } else {
                match svc.functions.iter().find(|f| &f.key == s) {
                    Some(target_fn) => function_arn_sub(&target_fn.name),
                    None => {
                        unknown(errors);
                        return None;
                    }
                }
            };
            Some(Destination { memo: Some(s.clone()), statement: statement("Allow", Value::from(action), resource) })
        }
        Value::Object(o) => {
            let action = match o.get("type").and_then(Value::as_str) {
                Some("function") => "lambda:InvokeFunction",
                Some("sqs") => "sqs:SendMessage",
                Some("sns") => "sns:Publish",
                Some("eventBus") => "events:PutEvents",
                _ => {
                    unknown(errors);
                    return None;
                }
            };
            let resource = match o.get("arn") {
                Some(arn) if arn.is_string() || crate::validate::is_intrinsic(arn) => arn.clone(),
                other => {
                    errors.push(SynthError::InvalidType {
                        path: format!("{path}.arn"),
                        expected: "the target's ARN (a string or an intrinsic function)".into(),
                        found: other.map_or("nothing", crate::cfn::type_name).into(),
                    });
                    return None;
                }
            };
            Some(Destination { memo: None, statement: statement("Allow", Value::from(action), resource) })
        }
        _ => {
            unknown(errors);
            None
        }
    }
}

/// Name of a stream as the framework derives it, for the consumer's logical id.
fn stream_name(arn: &Value) -> String {
    if let Some(o) = arn.as_object() {
        if let Some(Value::Array(a)) = o.get("Fn::GetAtt") {
            return a.first().and_then(Value::as_str).unwrap_or_default().to_string();
        }
        if let Some(Value::String(s)) = o.get("Fn::ImportValue") {
            return s.clone();
        }
        if let Some(Value::String(s)) = o.get("Ref") {
            return s.clone();
        }
        if let Some(Value::Array(j)) = o.get("Fn::Join") {
            let last =
                j.get(1).and_then(Value::as_array).and_then(|l| l.last()).and_then(Value::as_str).unwrap_or_default();
            return last.rsplit('/').next().unwrap_or_default().to_string();
        }
        return String::new();
    }
    arn.as_str().and_then(|s| s.split('/').nth(1)).unwrap_or_default().to_string()
}

fn streams(svc: &Service, f: &Function) -> Vec<Value> {
    let (mut dynamo, mut kinesis, mut kinesis_consumer, mut consumer, mut fail_sns, mut fail_sqs) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for event in &f.events {
        let Some(stream) = event_body(event, "stream") else { continue };
        let (arn, obj) = match stream {
            Value::Object(o) => (o.get("arn").cloned().unwrap_or(Value::Null), Some(o)),
            other => (other.clone(), None),
        };
        let stream_type = obj
            .and_then(|o| o.get("type"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| arn_service(&arn).map(str::to_string))
            .unwrap_or_default();
        let consumer_setting = obj.and_then(|o| o.get("consumer")).filter(|c| truthy(Some(c)));
        if stream_type == "dynamodb" {
            dynamo.push(arn.clone());
        } else if consumer_setting.is_some() {
            kinesis_consumer.push(arn.clone());
        } else {
            kinesis.push(arn.clone());
        }
        if let Some(on_failure) = obj
            .and_then(|o| o.get("destinations"))
            .and_then(Value::as_object)
            .and_then(|d| d.get("onFailure"))
            .filter(|v| truthy(Some(v)))
        {
            let (dest_arn, dest_type) = match on_failure {
                Value::Object(o) => {
                    let a = o.get("arn").cloned().unwrap_or(Value::Null);
                    let t = o
                        .get("type")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| arn_service(&a).map(str::to_string));
                    (a, t)
                }
                other => (other.clone(), arn_service(other).map(str::to_string)),
            };
            if dest_type.as_deref() == Some("sns") {
                fail_sns.push(dest_arn);
            } else {
                fail_sqs.push(dest_arn);
            }
        }
        if let Some(c) = consumer_setting {
            if stream_type == "kinesis" {
                if c == &Value::Bool(true) {
                    let name = stream_name(&arn);
                    let consumer_name = if svc.provider.kinesis_service_specific_consumers {
                        format!("{}{}{}{}Consumer", f.key, name, svc.name, svc.stage)
                    } else {
                        format!("{}{}Consumer", f.key, name)
                    };
                    consumer.push(json!({ "Ref": format!("{}StreamConsumer", naming::normalized(&consumer_name)) }));
                } else {
                    consumer.push(c.clone());
                }
            }
        }
    }
    let groups: [(&[&str], Vec<Value>); 6] = [
        (
            &["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"],
            dynamo,
        ),
        (&["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"], kinesis),
        (
            &["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary", "kinesis:ListShards"],
            kinesis_consumer,
        ),
        (&["kinesis:SubscribeToShard"], consumer),
        (&["sns:Publish"], fail_sns),
        (&["sqs:ListQueues", "sqs:SendMessage"], fail_sqs),
    ];
    groups.into_iter().filter(|(_, r)| !r.is_empty()).map(|(a, r)| allow(a, Value::Array(r))).collect()
}

const KAFKA_SECRET_KEYS: [&str; 5] =
    ["saslPlainAuth", "saslScram256Auth", "saslScram512Auth", "clientCertificateTlsAuth", "serverRootCaCertificate"];

fn kafka(f: &Function) -> Vec<Value> {
    let mut secrets = Vec::new();
    let mut needs_ec2 = false;
    let mut any = false;
    for event in &f.events {
        let Some(k) = event_body(event, "kafka") else { continue };
        any = true;
        let Some(access) = k.get("accessConfigurations").and_then(Value::as_object) else { continue };
        for (key, v) in access {
            if KAFKA_SECRET_KEYS.contains(&key.as_str()) {
                match v {
                    Value::Array(a) => secrets.extend(a.iter().cloned()),
                    other => secrets.push(other.clone()),
                }
            } else if key == "vpcSubnet" || key == "vpcSecurityGroup" {
                needs_ec2 = true;
            }
        }
    }
    let mut out = Vec::new();
    if any {
        if !secrets.is_empty() {
            out.push(allow(&["secretsmanager:GetSecretValue"], Value::Array(secrets)));
        }
        if needs_ec2 {
            out.push(ec2_statement());
        }
    }
    out
}

fn message_queue(f: &Function, kind: &str) -> Vec<Value> {
    let mut secrets = Vec::new();
    let mut brokers = Vec::new();
    let mut any = false;
    for event in &f.events {
        let Some(mq) = event_body(event, kind) else { continue };
        any = true;
        brokers.push(mq.get("arn").cloned().unwrap_or(Value::Null));
        secrets.push(mq.get("basicAuthArn").cloned().unwrap_or(Value::Null));
    }
    if !any {
        return Vec::new();
    }
    vec![
        allow(&["secretsmanager:GetSecretValue"], Value::Array(secrets)),
        allow(&["mq:DescribeBroker"], Value::Array(brokers)),
        ec2_statement(),
    ]
}

fn msk(f: &Function) -> Vec<Value> {
    let clusters: Vec<Value> = f
        .events
        .iter()
        .filter_map(|e| event_body(e, "msk"))
        .map(|m| m.get("arn").cloned().unwrap_or(Value::Null))
        .collect();
    if clusters.is_empty() {
        Vec::new()
    } else {
        vec![allow(&["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"], Value::Array(clusters)), ec2_statement()]
    }
}

fn sqs(f: &Function) -> Vec<Value> {
    f.events
        .iter()
        .filter_map(|e| event_body(e, "sqs"))
        .map(|q| match q {
            Value::Object(o) => o.get("arn").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        })
        .collect()
}

fn has_scheduler(f: &Function) -> bool {
    f.events
        .iter()
        .filter_map(|e| event_body(e, "schedule"))
        .any(|s| s.as_object().and_then(|o| o.get("method")).and_then(Value::as_str) == Some("scheduler"))
}

fn file_system(f: &Function, flavor: Flavor) -> Option<Value> {
    let fs = f.file_system_config.as_ref().filter(|v| truthy(Some(v)))?;
    let arn = fs.get("arn").cloned().unwrap_or(Value::Null);
    let s3files = flavor == Flavor::Ours
        && (fs.get("type").and_then(Value::as_str) == Some("s3files")
            || arn.as_str().is_some_and(|a| a.contains(":s3files:")));
    Some(if s3files {
        allow(&["s3files:ClientMount", "s3files:ClientWrite"], json!([arn]))
    } else {
        allow(&["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], json!([arn]))
    })
}

/// Whether the function's role needs X-Ray permissions: tracing configured for it or for every
/// Lambda (as the framework reads it), or its compiled Lambda found tracing.
pub fn traces(svc: &Service, f: &Function) -> bool {
    truthy(f.tracing.as_ref()) || svc.provider.tracing_lambda || f.compiled_tracing
}

/// Everything function `f` grants, as the framework shapes it.
pub fn function_grants(svc: &Service, f: &Function, flavor: Flavor, errors: &mut Errors) -> FnGrants {
    let p = &svc.provider;
    let on_error = f.on_error.as_ref().filter(|v| v.is_string()).map(|arn| allow(&["sns:Publish"], json!([arn])));
    let kms = f
        .kms_key_arn
        .as_ref()
        .or(p.kms_key_arn.as_ref())
        .filter(|v| v.is_string())
        .map(|arn| allow(&["kms:Decrypt"], json!([arn])));
    let xray = traces(svc, f);
    let mut destinations = Vec::new();
    if let Some(d) = &f.destinations {
        for key in ["onSuccess", "onFailure"] {
            if let Some(target) = d.get(key).filter(|v| truthy(Some(v))) {
                let path = format!("functions.{}.destinations.{key}", f.key);
                destinations.extend(destination(svc, target, &path, errors));
            }
        }
    }
    let scheduler = has_scheduler(f).then(|| {
        let arn = format!("lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{}", f.name);
        json!([sub_arn(&arn), sub_arn(&format!("{arn}:*"))])
    });
    FnGrants {
        on_error,
        kms,
        xray,
        file_system: file_system(f, flavor),
        destinations,
        scheduler,
        websocket: f.events.iter().any(|e| event_body(e, "websocket").is_some()),
        streams: streams(svc, f),
        kafka: kafka(f),
        activemq: message_queue(f, "activemq"),
        rabbitmq: message_queue(f, "rabbitmq"),
        msk: msk(f),
        sqs: sqs(f),
        cloudfront: f.has_cloudfront_event(),
        vpc: f.vpc || p.vpc,
        durable: f.durable,
    }
}
