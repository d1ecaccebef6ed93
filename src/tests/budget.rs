//! The policy size budget: sizes, lossless compaction, split into managed policies, the option.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::budget::{self, compact, Outcome};
use crate::model::PolicySize as Mode;
use crate::policy::canonical;
use crate::size::{document_size, INLINE_LIMIT, MANAGED_LIMIT};

use super::*;

fn allow(actions: Value, resources: Value) -> Value {
    json!({ "Effect": "Allow", "Action": actions, "Resource": resources })
}

/// Every (effect, action, resource, condition) a list of statements grants; statements of another
/// shape are kept whole.
fn tuples(statements: &[Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let list = |v: &Value| match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    for s in statements {
        let m = s.as_object().unwrap();
        let plain = m.contains_key("Action") && m.contains_key("Resource") && !m.contains_key("Sid");
        if !plain {
            out.insert(canonical(s));
            continue;
        }
        for a in list(&s["Action"]) {
            for r in list(&s["Resource"]) {
                out.insert(format!(
                    "{}|{}|{}|{}",
                    canonical(&s["Effect"]),
                    canonical(&a),
                    canonical(&r),
                    s.get("Condition").map(canonical).unwrap_or_default()
                ));
            }
        }
    }
    out
}

fn role(statements: Vec<Value>) -> Value {
    json!({ "Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Principal": { "Service": ["lambda.amazonaws.com"] }, "Action": ["sts:AssumeRole"] }] },
        "Policies": [{ "PolicyName": "p", "PolicyDocument": { "Version": "2012-10-17", "Statement": statements } }],
        "Path": "/"
    } })
}

fn stream(i: usize) -> Value {
    allow(
        json!(["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"]),
        json!([format!(
            "arn:aws:dynamodb:us-east-1:123456789012:table/table-number-{i:04}/stream/2024-01-01T00:00:00.000"
        )]),
    )
}

#[test]
fn exact_duplicate_statements_are_dropped() {
    let s = allow(json!(["s3:GetObject"]), json!("arn:aws:s3:::b/*"));
    assert_eq!(compact(&[s.clone(), s.clone()]), vec![s]);
}

#[test]
fn duplicates_inside_a_statement_are_dropped() {
    let s = allow(json!(["s3:GetObject", "s3:GetObject"]), json!(["arn:aws:s3:::b/*", "arn:aws:s3:::b/*"]));
    assert_eq!(compact(&[s]), vec![allow(json!(["s3:GetObject"]), json!(["arn:aws:s3:::b/*"]))]);
}

#[test]
fn statements_differing_only_in_resources_merge() {
    let out = compact(&[stream(1), stream(2)]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["Resource"].as_array().unwrap().len(), 2);
}

#[test]
fn statements_differing_only_in_actions_merge() {
    let a = allow(json!(["sqs:SendMessage"]), json!(["arn:aws:sqs:us-east-1:1:q"]));
    let b = allow(json!(["sqs:GetQueueUrl"]), json!("arn:aws:sqs:us-east-1:1:q"));
    assert_eq!(
        compact(&[a, b]),
        vec![allow(json!(["sqs:SendMessage", "sqs:GetQueueUrl"]), json!(["arn:aws:sqs:us-east-1:1:q"]))]
    );
}

#[test]
fn no_merge_across_effect_condition_or_not_shapes() {
    let a = allow(json!(["s3:GetObject"]), json!(["arn:aws:s3:::a"]));
    let deny = json!({ "Effect": "Deny", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b"] });
    let cond = json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::c"], "Condition": { "Bool": { "aws:SecureTransport": "true" } } });
    let not_action = json!({ "Effect": "Allow", "NotAction": ["s3:GetObject"], "Resource": ["arn:aws:s3:::d"] });
    let not_action2 = json!({ "Effect": "Allow", "NotAction": ["s3:GetObject"], "Resource": ["arn:aws:s3:::e"] });
    let with_sid =
        json!({ "Sid": "Keep", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::f"] });
    let input = vec![a.clone(), deny.clone(), cond.clone(), not_action.clone(), not_action2.clone(), with_sid.clone()];
    assert_eq!(compact(&input), input);
}

#[test]
fn compaction_never_invents_a_wildcard() {
    let statements: Vec<Value> = (0..60).map(stream).collect();
    assert!(!canonical(&Value::Array(compact(&statements))).contains("\"*\""));
}

#[test]
fn a_role_that_fits_is_untouched() {
    let r = role((0..10).map(stream).collect());
    let (out, policies, sizes, warnings) = budget::apply("R", r.clone(), Mode::Compact).unwrap();
    assert_eq!(out, r);
    assert!(policies.is_empty() && warnings.is_empty());
    assert_eq!(sizes.outcome, Outcome::Fits);
    assert_eq!(sizes.inline.size, document_size(&(0..10).map(stream).collect::<Vec<_>>()));
}

#[test]
fn compaction_brings_a_role_under_the_limit_and_says_so() {
    let statements: Vec<Value> = (0..60).map(stream).collect();
    assert!(document_size(&statements) > INLINE_LIMIT);
    let (out, policies, sizes, warnings) = budget::apply("R", role(statements.clone()), Mode::Compact).unwrap();
    assert!(policies.is_empty());
    assert_eq!(sizes.outcome, Outcome::Compacted);
    assert!(sizes.inline.size <= INLINE_LIMIT);
    assert_eq!(warning_codes(&serde_json::to_value(&warnings).unwrap()), vec!["IAM_SYNTH_POLICY_COMPACTED"]);
    let after = statements_of(&out);
    assert_eq!(tuples(after.as_array().unwrap()), tuples(&statements));
}

fn distinct(i: usize) -> Value {
    // different actions and resources: nothing merges
    allow(
        json!([format!("service{i}:ActionNumber{i}")]),
        json!([format!("arn:aws:service{i}:us-east-1:123456789012:resource/a-long-resource-name-{i:04}")]),
    )
}

#[test]
fn what_compaction_cannot_fit_is_split_into_managed_policies() {
    let statements: Vec<Value> = (0..200).map(distinct).collect();
    let (out, policies, sizes, warnings) = budget::apply("R", role(statements.clone()), Mode::Compact).unwrap();
    assert_eq!(sizes.outcome, Outcome::Split);
    assert!(sizes.inline.size <= INLINE_LIMIT);
    assert!(!policies.is_empty());
    for (i, (id, p)) in policies.iter().enumerate() {
        assert_eq!(id, &format!("RPolicy{}", i + 1));
        assert_eq!(p["Type"], "AWS::IAM::ManagedPolicy");
        assert_eq!(p["Properties"]["Roles"], json!([{ "Ref": "R" }]));
        assert!(document_size(p["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap()) <= MANAGED_LIMIT);
    }
    let codes = warning_codes(&serde_json::to_value(&warnings).unwrap());
    assert_eq!(codes, vec!["IAM_SYNTH_POLICY_COMPACTED", "IAM_SYNTH_POLICY_SPLIT"]);
    // the first statements stay inline, in order; nothing is lost
    let inline = statements_of(&out).as_array().unwrap().clone();
    assert_eq!(inline[..], statements[..inline.len()]);
    let mut all = inline;
    for (_, p) in &policies {
        all.extend(p["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(tuples(&all), tuples(&statements));
}

#[test]
fn split_mode_does_not_compact_first() {
    let statements: Vec<Value> = (0..60).map(stream).collect();
    let (_, policies, sizes, warnings) = budget::apply("R", role(statements), Mode::Split).unwrap();
    assert_eq!(sizes.outcome, Outcome::Split);
    assert!(!policies.is_empty());
    assert_eq!(warning_codes(&serde_json::to_value(&warnings).unwrap()), vec!["IAM_SYNTH_POLICY_SPLIT"]);
}

#[test]
fn error_mode_refuses_with_a_report_of_the_largest_statements() {
    let mut statements: Vec<Value> = (0..200).map(distinct).collect();
    statements[7] = allow(
        json!(["s3:GetObject"]),
        json!((0..30).map(|i| format!("arn:aws:s3:::bucket-{i}/*")).collect::<Vec<_>>()),
    );
    let err = budget::apply("R", role(statements), Mode::Error).unwrap_err();
    assert_eq!(err.code(), "IAM_SYNTH_POLICY_TOO_LARGE");
    let text = err.to_string();
    assert!(text.contains("statement 7 ("), "{text}");
    assert!(text.contains("10240"), "{text}");
    assert!(err.hint().contains("perFunction"));
}

#[test]
fn more_than_ten_managed_policies_is_an_error() {
    let statements: Vec<Value> = (0..1500).map(distinct).collect();
    let err = budget::apply("R", role(statements), Mode::Split).unwrap_err();
    assert_eq!(err.code(), "IAM_SYNTH_POLICY_TOO_LARGE");
    assert!(err.to_string().contains("at most 10"), "{err}");
}

#[test]
fn functions_and_mappings_depend_on_the_split_policies() {
    // one big shared role: 200 statements of the provider
    let input = service(
        json!({ "iam": { "role": { "statements": (0..200).map(distinct).collect::<Vec<_>>() } } }),
        json!({ "api": {} }),
    );
    let p = plan(&input);
    assert!(p["managedPolicies"].as_object().unwrap().keys().all(|k| k.starts_with("IamRoleLambdaExecutionPolicy")));
    let deps = &p["functions"]["api"]["dependsOn"]["prepend"];
    assert_eq!(deps, &json!(p["managedPolicies"].as_object().unwrap().keys().collect::<Vec<_>>()));
    assert_eq!(p["functions"]["api"]["policyResources"], *deps);
}

#[test]
fn an_unknown_option_value_is_an_error() {
    let mut input = with_functions(json!({ "a": {} }));
    input["custom"] = json!({ "iamSynth": { "policySize": "shrink" } });
    let errs = errors(&input);
    assert_eq!(errs[0].code, "IAM_SYNTH_INVALID_OPTION");
    assert_eq!(errs[0].path, "custom.iamSynth.policySize");
}

#[test]
fn the_state_writer_option_takes_fast_or_framework() {
    for ok in ["fast", "framework"] {
        let mut input = with_functions(json!({ "a": {} }));
        input["custom"] = json!({ "iamSynth": { "stateWriter": ok } });
        plan(&input);
    }
    let mut input = with_functions(json!({ "a": {} }));
    input["custom"] = json!({ "iamSynth": { "stateWriter": "slow", "policySize": "shrink" } });
    let errs = errors(&input);
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["custom.iamSynth.stateWriter", "custom.iamSynth.policySize"]);
    assert!(errs.iter().all(|e| e.code == "IAM_SYNTH_INVALID_OPTION"));
    assert!(errs[0].message.contains("slow"), "{}", errs[0].message);
}

/// Property: for random statement lists, compaction and split keep exactly the granted tuples.
#[test]
fn compaction_and_split_preserve_the_granted_tuples() {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..300 {
        let count = 1 + next(250) as usize;
        let statements: Vec<Value> = (0..count)
            .map(|_| {
                let actions: Vec<String> = (0..1 + next(3)).map(|_| format!("svc{}:Act{}", next(4), next(5))).collect();
                let resources: Vec<String> = (0..1 + next(3))
                    .map(|_| format!("arn:aws:svc:us-east-1:123456789012:res/long-resource-name-{}", next(40)))
                    .collect();
                let mut s = allow(json!(actions), json!(resources));
                match next(10) {
                    0 => s["Effect"] = json!("Deny"),
                    1 => s["Condition"] = json!({ "StringEquals": { "aws:RequestTag/t": format!("v{}", next(2)) } }),
                    2 => {
                        let a = s["Action"].take();
                        s.as_object_mut().unwrap().remove("Action");
                        s["NotAction"] = a;
                    }
                    3 => s["Resource"] = json!(resources[0]),
                    _ => {}
                }
                s
            })
            .collect();
        assert_eq!(tuples(&compact(&statements)), tuples(&statements));
        for mode in [Mode::Compact, Mode::Split] {
            if let Ok((out, policies, _, _)) = budget::apply("R", role(statements.clone()), mode) {
                let mut all = statements_of(&out).as_array().unwrap().clone();
                for (_, p) in &policies {
                    all.extend(p["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().iter().cloned());
                }
                assert_eq!(tuples(&all), tuples(&statements));
            }
        }
    }
}

#[test]
fn the_resource_limit_option_takes_warn_or_error_and_travels_in_the_plan() {
    for (value, strictness) in [("warn", "warn"), ("error", "error")] {
        let mut input = with_functions(json!({ "a": { "iam": { "role": { "statements": [] } } } }));
        input["custom"] = json!({ "iamSynth": { "resourceLimit": value } });
        // one dedicated role, and the framework's shared role it replaces: nothing added
        assert_eq!(plan(&input)["resourceBudget"], json!({ "added": 0, "strictness": strictness }));
    }
    let p = plan(&with_functions(
        json!({ "a": { "iam": { "role": { "statements": [] } } }, "b": { "iam": { "role": { "statements": [] } } }, "c": {} }),
    ));
    // the shared role stays for c: two roles added
    assert_eq!(p["resourceBudget"], json!({ "added": 2, "strictness": "warn" }));
    let mut input = with_functions(json!({ "a": {} }));
    input["custom"] = json!({ "iamSynth": { "resourceLimit": "ignore" } });
    let errs = errors(&input);
    assert_eq!(errs[0].path, "custom.iamSynth.resourceLimit");
    assert_eq!(errs[0].code, "IAM_SYNTH_INVALID_OPTION");
    assert_eq!(errs[0].hint, "use one of: warn (the default), error");
}

#[test]
fn policies_split_off_a_conditional_role_share_its_condition() {
    let many: Vec<serde_json::Value> = (0..400)
        .map(|i| json!({ "Effect": "Allow", "Action": [format!("s3:GetObject{i}")], "Resource": format!("arn:aws:s3:::bucket-with-a-long-name-{i}/*") }))
        .collect();
    let f = json!({ "condition": "IsProd", "iam": { "role": { "statements": many } } });
    let mut input = with_functions(json!({ "a": f }));
    input["custom"] = json!({ "iamSynth": { "policySize": "split" } });
    let p = plan(&input);
    let policies = p["managedPolicies"].as_object().expect("split-off policies");
    assert!(!policies.is_empty());
    for policy in policies.values() {
        assert_eq!(policy["Condition"], json!("IsProd"));
    }
}
