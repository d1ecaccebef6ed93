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
