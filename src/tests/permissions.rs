//! What function settings add to the shared role: onError, kms, xray, file systems, destinations
//! (iam-behaviour.md §4; v3 notes §4.2, §4.4, §7 items 2, 4, 12, 15).

use serde_json::{json, Value};

use super::*;

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:dlq";
const KEY_P: &str = "arn:aws:kms:us-east-1:123456789012:key/provider";
const KEY_F: &str = "arn:aws:kms:us-east-1:123456789012:key/function";
const EFS_AP: &str = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:dest";

fn in_vpc(mut f: Value) -> Value {
    f["vpc"] = json!({ "securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"] });
    f
}

fn destination(action: &str, resource: Value) -> Value {
    json!({ "Effect": "Allow", "Action": action, "Resource": resource })
}

// --- onError ----------------------------------------------------------------------------------

#[test]
fn on_error_string_grants_sns_publish_on_it() {
    let p = plan(&with_functions(json!({ "a": { "onError": TOPIC } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![sns_publish(TOPIC)]));
}

#[test]
fn on_error_intrinsic_grants_nothing() {
    let p = plan(&with_functions(json!({ "a": { "onError": { "Ref": "DlqTopic" } } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(framework_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn on_error_gives_one_statement_per_function() {
    let p = plan(&with_functions(json!({ "a": { "onError": TOPIC }, "b": { "onError": TOPIC } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![sns_publish(TOPIC), sns_publish(TOPIC)]));
}

// --- kms --------------------------------------------------------------------------------------

#[test]
fn provider_kms_key_grants_decrypt() {
    let p = plan(&service(json!({ "kmsKeyArn": KEY_P }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![kms(KEY_P)]));
}

#[test]
fn function_kms_key_overrides_the_provider_key() {
    let p = plan(&service(json!({ "kmsKeyArn": KEY_P }), json!({ "a": { "kmsKeyArn": KEY_F } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![kms(KEY_F)]));
}

#[test]
fn intrinsic_function_kms_key_overrides_the_provider_key_and_grants_nothing() {
    let p = plan(&service(
        json!({ "kmsKeyArn": KEY_P }),
        json!({ "a": { "kmsKeyArn": { "Fn::GetAtt": ["Key", "Arn"] } } }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn intrinsic_provider_kms_key_grants_nothing() {
    let p = plan(&service(json!({ "kmsKeyArn": { "Fn::ImportValue": "key-arn" } }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn the_same_kms_key_is_granted_once() {
    let p = plan(&service(
        json!({ "kmsKeyArn": KEY_P }),
        json!({ "a": {}, "b": { "kmsKeyArn": KEY_F }, "c": {}, "d": { "kmsKeyArn": KEY_F } }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![kms(KEY_P), kms(KEY_F)]));
}

// --- the whole-list de-duplication of `_.unionWith` -------------------------------------------

fn dup_statement() -> Value {
    json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*" })
}

#[test]
fn identical_provider_statements_are_kept_without_kms_or_tracing() {
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [dup_statement(), dup_statement()] } } }),
        json!({ "a": {} }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![dup_statement(), dup_statement()]));
}

#[test]
fn identical_provider_statements_collapse_when_a_function_has_a_kms_key() {
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [dup_statement(), dup_statement()] } } }),
        json!({ "a": {}, "b": { "kmsKeyArn": KEY_F } }),
    ));
    let expected = after_canonical_logs(vec![dup_statement(), kms(KEY_F)]);
    assert_json(shared_statements(&p), &expected);
    assert_json(framework_statements(&p), &expected);
}

#[test]
fn identical_provider_statements_collapse_when_a_function_has_tracing() {
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [dup_statement(), dup_statement()] } } }),
        json!({ "a": { "tracing": "Active" } }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![dup_statement(), xray()]));
}

#[test]
fn identical_on_error_statements_collapse_when_a_later_function_has_a_kms_key() {
    let p = plan(&with_functions(json!({
        "a": { "onError": TOPIC },
        "b": { "onError": TOPIC },
        "c": { "kmsKeyArn": KEY_F }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![sns_publish(TOPIC), kms(KEY_F)]));
}

#[test]
fn duplicates_pushed_after_the_last_kms_or_xray_step_survive() {
    let p = plan(&with_functions(json!({
        "a": { "kmsKeyArn": KEY_F },
        "b": { "onError": TOPIC },
        "c": { "onError": TOPIC }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![kms(KEY_F), sns_publish(TOPIC), sns_publish(TOPIC)]));
}

#[test]
fn de_duplication_ignores_key_order() {
    // The provider's statement equals the xray statement up to key order: the first one is kept.
    let reordered = json!({ "Resource": ["*"], "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Effect": "Allow" });
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [reordered.clone()] } } }),
        json!({ "a": { "tracing": true } }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![reordered]));
}

#[test]
fn de_duplication_tells_a_scalar_resource_from_a_list() {
    let scalar = json!({ "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": KEY_F });
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [scalar.clone()] } } }),
        json!({ "a": { "kmsKeyArn": KEY_F } }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![scalar, kms(KEY_F)]));
}

// --- xray -------------------------------------------------------------------------------------

#[test]
fn function_tracing_grants_xray_once() {
    let p = plan(&with_functions(json!({ "a": { "tracing": "Active" }, "b": { "tracing": true } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![xray()]));
}

#[test]
fn pass_through_tracing_counts() {
    let p = plan(&with_functions(json!({ "a": { "tracing": "PassThrough" } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![xray()]));
}

#[test]
fn provider_lambda_tracing_grants_xray_once() {
    let p = plan(&service(json!({ "tracing": { "lambda": true } }), json!({ "a": {}, "b": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![xray()]));
}

#[test]
fn function_tracing_false_does_not_turn_off_provider_tracing() {
    let p = plan(&service(json!({ "tracing": { "lambda": "PassThrough" } }), json!({ "a": { "tracing": false } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![xray()]));
}

#[test]
fn no_tracing_no_xray() {
    let p = plan(&service(json!({ "tracing": { "apiGateway": true } }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
}

// --- file systems -----------------------------------------------------------------------------

fn efs(arn: &str) -> Value {
    allow(&["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], json!([arn]))
}

#[test]
fn efs_grants_mount_and_write_on_the_access_point() {
    let p = plan(&with_functions(json!({
        "a": in_vpc(json!({ "fileSystemConfig": { "arn": EFS_AP, "localMountPath": "/mnt/data" } }))
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![efs(EFS_AP)]));
    assert_json(shared_role(&p)["Properties"].get("ManagedPolicyArns"), json!([vpc_policy()]));
}

#[test]
fn efs_is_granted_per_function_without_de_duplication() {
    let fs = json!({ "arn": EFS_AP, "localMountPath": "/mnt/data" });
    let p = plan(&with_functions(json!({
        "a": in_vpc(json!({ "fileSystemConfig": fs.clone() })),
        "b": in_vpc(json!({ "fileSystemConfig": fs }))
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![efs(EFS_AP), efs(EFS_AP)]));
}

#[test]
fn s3_files_get_their_own_actions_on_our_role_only() {
    // 3.40.0 has no S3 Files support: its role holds the EFS actions.
    let arn = "arn:aws:s3files:us-east-1:123456789012:file-system/fs-1/access-point/ap-1";
    let p = plan(&with_functions(json!({
        "a": in_vpc(json!({ "fileSystemConfig": { "arn": arn, "localMountPath": "/mnt/s3" } }))
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![allow(&["s3files:ClientMount", "s3files:ClientWrite"], json!([arn]))]),
    );
    assert_json(framework_statements(&p), after_canonical_logs(vec![efs(arn)]));
}

// --- destinations -----------------------------------------------------------------------------

#[test]
fn destinations_of_the_four_string_kinds() {
    let p = plan(&with_functions(json!({
        "a": { "destinations": {
            "onSuccess": "arn:aws:lambda:us-east-1:123456789012:function:other",
            "onFailure": "arn:aws:sqs:us-east-1:123456789012:failed"
        } },
        "b": { "destinations": {
            "onSuccess": "arn:aws:sns:us-east-1:123456789012:done",
            "onFailure": "arn:aws:events:us-east-1:123456789012:event-bus/default"
        } }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            destination("lambda:InvokeFunction", json!("arn:aws:lambda:us-east-1:123456789012:function:other")),
            destination("sqs:SendMessage", json!("arn:aws:sqs:us-east-1:123456789012:failed")),
            destination("sns:Publish", json!("arn:aws:sns:us-east-1:123456789012:done")),
            destination("events:PutEvents", json!("arn:aws:events:us-east-1:123456789012:event-bus/default")),
        ]),
    );
}

#[test]
fn destination_to_a_function_key_uses_the_targets_deployed_name() {
    let p = plan(&with_functions(json!({
        "a": { "destinations": { "onSuccess": "b" } },
        "b": { "name": "svc-dev-worker" }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![destination("lambda:InvokeFunction", function_arn("svc-dev-worker"))]),
    );
}

#[test]
fn destination_to_a_function_key_with_the_default_name() {
    let p = plan(&with_functions(json!({ "a": { "destinations": { "onFailure": "b" } }, "b": {} })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![destination("lambda:InvokeFunction", function_arn("svc-dev-b"))]),
    );
}

#[test]
fn destination_objects_use_their_type_and_arn_as_given() {
    let p = plan(&with_functions(json!({
        "a": { "destinations": {
            "onSuccess": { "type": "sqs", "arn": { "Fn::GetAtt": ["Queue", "Arn"] } },
            "onFailure": { "type": "eventBus", "arn": { "Fn::ImportValue": "bus-arn" } }
        } },
        "b": { "destinations": {
            "onSuccess": { "type": "function", "arn": { "Fn::GetAtt": ["OtherLambdaFunction", "Arn"] } },
            "onFailure": { "type": "sns", "arn": { "Ref": "Topic" } }
        } }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            destination("sqs:SendMessage", json!({ "Fn::GetAtt": ["Queue", "Arn"] })),
            destination("events:PutEvents", json!({ "Fn::ImportValue": "bus-arn" })),
            destination("lambda:InvokeFunction", json!({ "Fn::GetAtt": ["OtherLambdaFunction", "Arn"] })),
            destination("sns:Publish", json!({ "Ref": "Topic" })),
        ]),
    );
}

#[test]
fn on_success_comes_before_on_failure_whatever_the_key_order() {
    let p = plan(&with_functions(json!({
        "a": { "destinations": { "onFailure": TOPIC, "onSuccess": QUEUE } }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            destination("sqs:SendMessage", json!(QUEUE)),
            destination("sns:Publish", json!(TOPIC)),
        ]),
    );
}

#[test]
fn one_statement_per_distinct_string_target() {
    let p = plan(&with_functions(json!({
        "a": { "destinations": { "onSuccess": QUEUE } },
        "b": { "destinations": { "onFailure": QUEUE } }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![destination("sqs:SendMessage", json!(QUEUE))]));
}

#[test]
fn equal_object_targets_are_granted_each_time() {
    let target = json!({ "type": "sqs", "arn": QUEUE });
    let p = plan(&with_functions(json!({
        "a": { "destinations": { "onSuccess": target.clone() } },
        "b": { "destinations": { "onSuccess": target } }
    })));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            destination("sqs:SendMessage", json!(QUEUE)),
            destination("sqs:SendMessage", json!(QUEUE)),
        ]),
    );
}

#[test]

fn destinations_skipped_for_functions_with_a_custom_role() {
    let p = plan(&with_functions(json!({
        "a": { "role": "arn:aws:iam::123456789012:role/custom", "destinations": { "onSuccess": QUEUE } },
        "b": {}
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(framework_statements(&p), after_canonical_logs(vec![]));
}

#[test]

fn a_custom_role_destination_does_not_use_up_the_target_for_later_functions() {
    let p = plan(&service(
        json!({ "versionFunctions": false }),
        json!({
            "a": { "role": "arn:aws:iam::123456789012:role/custom", "destinations": { "onSuccess": QUEUE } },
            "b": { "onError": TOPIC, "destinations": { "onSuccess": QUEUE } }
        }),
    ));
    // Inline destinations: b's statement comes right after its onError statement.
    assert_json(
        framework_statements(&p),
        after_canonical_logs(vec![sns_publish(TOPIC), destination("sqs:SendMessage", json!(QUEUE))]),
    );
}

#[test]
fn unknown_destination_arn_is_an_error() {
    let e = errors(&with_functions(json!({ "a": { "destinations": { "onFailure": "arn:aws:s3:::bucket" } } })));
    assert_eq!(codes(&e), vec!["IAM_SYNTH_UNKNOWN_DESTINATION"]);
    assert!(e[0].path.contains("functions.a.destinations.onFailure"), "path names the setting: {}", e[0].path);
}

#[test]
fn unknown_destination_object_type_is_an_error() {
    let e = errors(&with_functions(json!({
        "a": { "destinations": { "onSuccess": { "type": "s3", "arn": "arn:aws:s3:::bucket" } } }
    })));
    assert_eq!(codes(&e), vec!["IAM_SYNTH_UNKNOWN_DESTINATION"]);
}

#[test]
fn destination_to_a_missing_function_key_is_an_error() {
    let e = errors(&with_functions(json!({ "a": { "destinations": { "onSuccess": "nope" } } })));
    assert_eq!(codes(&e), vec!["IAM_SYNTH_UNKNOWN_DESTINATION"]);
}
