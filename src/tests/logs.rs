//! Log statements of the shared role (iam-behaviour.md §3.3.1, v3 notes §3 step 5, §6.2).

use serde_json::{json, Value};

use super::*;

fn deny(resources: Value) -> Value {
    json!({ "Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": resources })
}

#[test]
fn canonical_functions_share_one_wildcard_pair() {
    let p = plan(&with_functions(json!({ "a": {}, "b": {} })));
    let expected = json!([
        logs_a(json!([log_arn("/aws/lambda/svc-dev*", ":*")])),
        logs_b(json!([log_arn("/aws/lambda/svc-dev*", ":*:*")])),
    ]);
    assert_json(shared_statements(&p), &expected);
    assert_json(framework_statements(&p), &expected);
}

#[test]
fn non_canonical_names_come_first_in_declaration_order_with_star_suffixes() {
    let p = plan(&with_functions(json!({
        "a": { "name": "zeta-fn" },
        "b": {},
        "c": { "name": "alpha-fn" }
    })));
    assert_json(
        shared_statements(&p),
        json!([
            logs_a(json!([
                log_arn("/aws/lambda/zeta-fn", ":*"),
                log_arn("/aws/lambda/alpha-fn", ":*"),
                log_arn("/aws/lambda/svc-dev*", ":*"),
            ])),
            logs_b(json!([
                log_arn("/aws/lambda/zeta-fn", ":*:*"),
                log_arn("/aws/lambda/alpha-fn", ":*:*"),
                log_arn("/aws/lambda/svc-dev*", ":*:*"),
            ])),
        ]),
    );
}

#[test]
fn only_non_canonical_functions_give_no_wildcard() {
    let p = plan(&with_functions(json!({ "a": { "name": "other" } })));
    assert_json(
        shared_statements(&p),
        json!([
            logs_a(json!([log_arn("/aws/lambda/other", ":*")])),
            logs_b(json!([log_arn("/aws/lambda/other", ":*:*")])),
        ]),
    );
}

#[test]
fn canonical_is_a_plain_prefix_test() {
    // `svc-devious` starts with `svc-dev`: covered by the wildcard, no entry of its own.
    let p = plan(&with_functions(json!({ "a": { "name": "svc-devious" } })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn an_explicit_name_with_the_prefix_is_canonical() {
    let p = plan(&with_functions(json!({ "a": { "name": "svc-dev-renamed" }, "b": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn the_prefix_uses_the_stage() {
    let mut input = with_functions(json!({ "a": { "name": "svc-dev-a" }, "b": {} }));
    input["stage"] = json!("prod");
    let p = plan(&input);
    assert_json(
        shared_statements(&p),
        json!([
            logs_a(json!([log_arn("/aws/lambda/svc-dev-a", ":*"), log_arn("/aws/lambda/svc-prod*", ":*")])),
            logs_b(json!([log_arn("/aws/lambda/svc-dev-a", ":*:*"), log_arn("/aws/lambda/svc-prod*", ":*:*")])),
        ]),
    );
}

#[test]
fn canonical_disable_logs_functions_get_a_deny_with_a_string_action() {
    let p = plan(&with_functions(json!({
        "a": {},
        "b": { "disableLogs": true },
        "c": { "name": "svc-devious", "disableLogs": true }
    })));
    let expected = after_canonical_logs(vec![deny(json!([
        log_arn("/aws/lambda/svc-dev-b", ":*"),
        log_arn("/aws/lambda/svc-devious", ":*"),
    ]))]);
    assert_json(shared_statements(&p), &expected);
    assert_json(framework_statements(&p), &expected);
    assert!(shared_statements(&p)[2]["Action"].is_string(), "the Deny's Action is a plain string");
}

#[test]
fn the_deny_stays_when_the_functions_that_log_left_for_roles_of_their_own() {
    // Differential seed 190: `b` alone on the shared role, without logs, with a cloudFront event
    // (logs on every group); the framework's Deny (there because `a` logs) must stay, or `b` could
    // write the logs it disabled.
    let edge =
        json!([{ "cloudFront": { "eventType": "viewer-request", "origin": "s3://bucket.s3.amazonaws.com/files" } }]);
    let p = plan(&with_functions(json!({
        "a": { "iam": { "role": { "statements": [] } } },
        "b": { "disableLogs": true, "events": edge }
    })));
    let statements = shared_statements(&p);
    let deny_b = deny(json!([log_arn("/aws/lambda/svc-dev-b", ":*")]));
    assert!(statements.as_array().unwrap().contains(&deny_b), "{statements}");
    assert!(framework_statements(&p).as_array().unwrap().contains(&deny_b));
}

#[test]
fn no_deny_when_no_canonical_function_logs() {
    // Only a non-canonical function logs: the canonical one without logs gets no Deny.
    let p = plan(&with_functions(json!({
        "a": { "name": "other" },
        "b": { "disableLogs": true }
    })));
    assert_json(
        shared_statements(&p),
        json!([
            logs_a(json!([log_arn("/aws/lambda/other", ":*")])),
            logs_b(json!([log_arn("/aws/lambda/other", ":*:*")])),
        ]),
    );
}

#[test]
fn non_canonical_disable_logs_function_gets_nothing() {
    let p = plan(&with_functions(json!({
        "a": {},
        "b": { "name": "other", "disableLogs": true }
    })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn no_logging_function_leaves_no_empty_statement_on_our_role_but_the_framework_keeps_them() {
    let statement = json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*" });
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [statement.clone()] } } }),
        json!({ "a": { "disableLogs": true }, "b": { "name": "other", "disableLogs": true } }),
    ));
    assert_json(shared_statements(&p), json!([statement.clone()]));
    assert_json(framework_statements(&p), json!([logs_a(json!([])), logs_b(json!([])), statement]));
}

#[test]
fn no_logging_function_and_no_other_statement_gives_no_empty_statement() {
    let p = plan(&with_functions(json!({ "a": { "disableLogs": true } })));
    for s in shared_statements(&p).as_array().unwrap() {
        assert_ne!(s["Resource"], json!([]), "statement with an empty Resource: {s}");
    }
    assert_json(framework_statements(&p), json!([logs_a(json!([])), logs_b(json!([]))]));
}

// ---------------------------------------------------------------------------------------------
// A dedicated role's log group (iam-behaviour.md §5.4 step 1) and what the compiled Lambda says

fn dedicated_log_resource(p: &Value, key: &str) -> Value {
    let id = format!("{}IamRoleLambdaExecution", key.to_uppercase());
    p["roles"][id.as_str()]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"].clone()
}

fn dedicated(functions: Value) -> Value {
    service(json!({ "logs": { "lambda": { "logGroup": "/custom/provider" } } }), functions)
}

fn with_compiled(mut input: Value, log_groups: Value) -> Value {
    input["compiled"] = json!({ "logGroups": log_groups });
    input
}

const OWN: &str = r#"{ "iam": { "role": { "statements": [] } } }"#;

fn own(extra: Value) -> Value {
    let mut f: Value = serde_json::from_str(OWN).unwrap();
    f.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    f
}

#[test]
fn configured_log_groups_are_granted_and_assumed_until_the_compiled_template_is_seen() {
    let p = plan(&dedicated(json!({ "a": own(json!({ "logs": { "logGroup": "/custom/a" } })), "b": own(json!({})) })));
    assert_json(dedicated_log_resource(&p, "a"), json!([log_arn("/custom/a", ":*:*")]));
    assert_json(dedicated_log_resource(&p, "b"), json!([log_arn("/custom/provider", ":*:*")]));
    assert_json(p["assumedLogGroups"].clone(), json!({ "a": "/custom/a", "b": "/custom/provider" }));
    assert!(p["warnings"].as_array().unwrap().is_empty(), "{}", p["warnings"]);
}

#[test]
fn without_a_configured_group_the_plan_assumes_no_logging_config() {
    let p = plan(&with_functions(json!({ "a": own(json!({})), "b": {} })));
    // only functions with a dedicated role: the shared role grants the framework's groups
    assert_json(p["assumedLogGroups"].clone(), json!({ "a": null }));
}

#[test]
fn a_compiled_lambda_without_log_group_writes_to_the_default_group_and_is_granted_it() {
    // Serverless 3.40.0 compiles no LoggingConfig: every function writes to /aws/lambda/<name>.
    let input = with_compiled(
        dedicated(
            json!({ "a": own(json!({ "logs": { "logGroup": "/custom/a" } })), "b": own(json!({})), "c": own(json!({})) }),
        ),
        json!({ "a": null, "b": null, "c": null }),
    );
    let p = plan(&input);
    assert_json(dedicated_log_resource(&p, "a"), json!([log_arn("/aws/lambda/svc-dev-a", ":*:*")]));
    assert_json(dedicated_log_resource(&p, "b"), json!([log_arn("/aws/lambda/svc-dev-b", ":*:*")]));
    assert!(p.get("assumedLogGroups").is_none());
    let warnings: Vec<(Value, Value, String)> = p["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["code"].clone(), w["path"].clone(), w["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, json!("IAM_SYNTH_LOG_GROUP_NOT_APPLIED"));
    assert_eq!(warnings[0].1, json!("functions.a.logs.logGroup"));
    assert!(warnings[0].2.contains("writes its logs to /aws/lambda/svc-dev-a"), "{}", warnings[0].2);
    // one warning for the provider's setting, however many functions it misses
    assert_eq!(warnings[1].1, json!("provider.logs.lambda.logGroup"));
    assert!(warnings[1].2.starts_with("2 functions write their logs elsewhere"), "{}", warnings[1].2);
}

#[test]
fn a_compiled_log_group_wins_over_the_configuration() {
    // osls: a function's own `logs` replaces provider.logs.lambda, so `b` has no LogGroup.
    let input = with_compiled(
        dedicated(
            json!({ "a": own(json!({ "logs": { "logGroup": "/custom/a" } })), "b": own(json!({ "logs": { "logFormat": "JSON" } })) }),
        ),
        json!({ "a": "/custom/a", "b": null }),
    );
    let p = plan(&input);
    assert_json(dedicated_log_resource(&p, "a"), json!([log_arn("/custom/a", ":*:*")]));
    assert_json(dedicated_log_resource(&p, "b"), json!([log_arn("/aws/lambda/svc-dev-b", ":*:*")]));
    let paths: Vec<&Value> = p["warnings"].as_array().unwrap().iter().map(|w| &w["path"]).collect();
    assert_eq!(paths, vec![&json!("provider.logs.lambda.logGroup")]);
}

#[test]
fn disable_logs_denies_the_group_the_function_uses() {
    let input = with_compiled(
        dedicated(json!({ "a": own(json!({ "disableLogs": true, "logs": { "logGroup": "/custom/a" } })) })),
        json!({ "a": null }),
    );
    let p = plan(&input);
    let statements = &p["roles"]["AIamRoleLambdaExecution"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
    let denied = json!([log_arn("/aws/lambda/svc-dev-a", ":*:*")]);
    assert_json(
        statements[1].clone(),
        json!({ "Effect": "Deny", "Action": ["logs:PutLogEvents"], "Resource": denied }),
    );
}

// X-Ray on a dedicated role from the compiled Lambda's TracingConfig (another plugin's setting)

#[test]
fn dedicated_roles_without_x_ray_are_assumed_not_to_trace_until_the_compiled_template_says_so() {
    let input = with_functions(json!({ "a": own(json!({})), "b": own(json!({ "tracing": "Active" })), "c": {} }));
    let p = plan(&input);
    // b traces by its configuration; c is on the shared role, which stays as the framework makes it
    assert_json(p["assumedTracing"].clone(), json!({ "a": false }));
    let a = statements_of(&p["roles"]["AIamRoleLambdaExecution"]);
    assert!(!a.as_array().unwrap().contains(&xray()), "{a}");

    let mut traced = input.clone();
    traced["compiled"] = json!({ "tracing": { "a": true } });
    let p = plan(&traced);
    let a = statements_of(&p["roles"]["AIamRoleLambdaExecution"]);
    assert!(a.as_array().unwrap().contains(&xray()), "{a}");
    assert!(p.get("assumedTracing").is_none(), "{}", p["assumedTracing"]);
    assert!(!shared_statements(&p).as_array().unwrap().contains(&xray()));
}
