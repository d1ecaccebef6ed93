//! What the shared role takes from the provider: statements, managed policies, the role's own
//! settings and its shape (iam-behaviour.md §1, §3.2, §3.3.2, end of §3.3; v3 notes §1.2, §3).

use serde_json::json;

use super::*;

fn s3_read() -> serde_json::Value {
    json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::new/*" })
}

fn s3_legacy() -> serde_json::Value {
    json!({ "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::legacy/*" })
}

// --- statements -------------------------------------------------------------------------------

#[test]
fn provider_statements_follow_the_log_statements() {
    let p = plan(&service(json!({ "iam": { "role": { "statements": [s3_read()] } } }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![s3_read()]));
    assert_json(framework_statements(&p), after_canonical_logs(vec![s3_read()]));
}

#[test]
fn new_statements_key_wins_over_deprecated_iam_role_statements() {
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [s3_read()] } }, "iamRoleStatements": [s3_legacy()] }),
        json!({ "a": {} }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![s3_read()]));
}

#[test]
fn empty_new_statements_key_still_suppresses_deprecated_iam_role_statements() {
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [] } }, "iamRoleStatements": [s3_legacy()] }),
        json!({ "a": {} }),
    ));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(framework_statements(&p), after_canonical_logs(vec![]));
}

#[test]
fn deprecated_iam_role_statements_used_without_the_new_key() {
    let p = plan(&service(json!({ "iamRoleStatements": [s3_legacy()] }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![s3_legacy()]));
}

#[test]
fn string_action_and_not_action_become_one_element_lists() {
    let p = plan(&service(
        json!({ "iam": { "role": { "statements": [
            { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" },
            { "Effect": "Deny", "NotAction": "iam:*", "Resource": "*" }
        ] } } }),
        json!({ "a": {} }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![
            json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*" }),
            json!({ "Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*" }),
        ]),
    );
}

#[test]
fn deprecated_statements_get_the_same_action_coercion() {
    let p = plan(&service(
        json!({ "iamRoleStatements": [{ "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*" }] }),
        json!({ "a": {} }),
    ));
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![json!({ "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "*" })]),
    );
}

#[test]
fn resource_is_left_as_given() {
    let statements = json!([
        { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::scalar/*" },
        { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::listed/*"] },
        { "Effect": "Allow", "Action": ["dynamodb:Query"], "Resource": { "Fn::GetAtt": ["Table", "Arn"] } },
        { "Effect": "Allow", "Action": ["sqs:*"], "NotResource": ["arn:aws:sqs:us-east-1:123456789012:a", "arn:aws:sqs:us-east-1:123456789012:b"] }
    ]);
    let p = plan(&service(json!({ "iam": { "role": { "statements": statements.clone() } } }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(statements.as_array().unwrap().clone()));
}

#[test]
fn statement_key_order_is_kept() {
    let statement = json!({ "Sid": "Read", "Resource": "*", "Action": ["s3:ListAllMyBuckets"], "Effect": "Allow" });
    let p = plan(&service(json!({ "iam": { "role": { "statements": [statement.clone()] } } }), json!({ "a": {} })));
    assert_json(shared_statements(&p), after_canonical_logs(vec![statement]));
}

// --- managed policies -------------------------------------------------------------------------

fn managed(p: &serde_json::Value) -> Option<serde_json::Value> {
    shared_role(p)["Properties"].get("ManagedPolicyArns").cloned()
}

const READ_ONLY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const LEGACY_POLICY: &str = "arn:aws:iam::123456789012:policy/legacy";

#[test]
fn new_managed_policies_key_wins_over_deprecated() {
    let p = plan(&service(
        json!({ "iam": { "role": { "managedPolicies": [READ_ONLY] } }, "iamManagedPolicies": [LEGACY_POLICY] }),
        json!({ "a": {} }),
    ));
    assert_json(managed(&p), json!([READ_ONLY]));
}

#[test]
fn empty_new_managed_policies_key_suppresses_deprecated_and_gives_no_key() {
    let p = plan(&service(
        json!({ "iam": { "role": { "managedPolicies": [] } }, "iamManagedPolicies": [LEGACY_POLICY] }),
        json!({ "a": {} }),
    ));
    assert_eq!(managed(&p), None);
    assert_json(&p["frameworkSharedRole"]["managedPolicies"], json!([]));
}

#[test]
fn deprecated_managed_policies_used_without_the_new_key() {
    let p = plan(&service(json!({ "iamManagedPolicies": [LEGACY_POLICY] }), json!({ "a": {} })));
    assert_json(managed(&p), json!([LEGACY_POLICY]));
}

#[test]
fn no_managed_policy_arns_key_when_there_are_none() {
    let p = plan(&with_functions(json!({ "a": {} })));
    assert_eq!(managed(&p), None);
}

#[test]
fn vpc_policy_appended_when_a_function_has_the_vpc_key() {
    let p = plan(&service(
        json!({ "iam": { "role": { "managedPolicies": [READ_ONLY] } } }),
        json!({ "a": {}, "b": { "vpc": { "securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"] } } }),
    ));
    assert_json(managed(&p), json!([READ_ONLY, vpc_policy()]));
    assert_json(&p["frameworkSharedRole"]["managedPolicies"], json!([READ_ONLY, vpc_policy()]));
}

#[test]
fn vpc_key_counts_even_when_null() {
    let p = plan(&with_functions(json!({ "a": { "vpc": null } })));
    assert_json(managed(&p), json!([vpc_policy()]));
}

#[test]
fn vpc_key_counts_even_when_false() {
    let p = plan(&with_functions(json!({ "a": { "vpc": false }, "b": {} })));
    assert_json(managed(&p), json!([vpc_policy()]));
}

#[test]
fn provider_vpc_adds_the_vpc_policy() {
    let p = plan(&service(
        json!({ "vpc": { "securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"] } }),
        json!({ "a": {} }),
    ));
    assert_json(managed(&p), json!([vpc_policy()]));
}

// --- the role's own settings ------------------------------------------------------------------

#[test]
fn default_role_shape_in_framework_key_order() {
    let p = plan(&with_functions(json!({ "a": {} })));
    assert_json(
        shared_role(&p),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "Service": ["lambda.amazonaws.com"] },
                        "Action": ["sts:AssumeRole"]
                    }]
                },
                "Policies": [{
                    "PolicyName": { "Fn::Join": ["-", ["svc", "dev", "lambda"]] },
                    "PolicyDocument": { "Version": "2012-10-17", "Statement": after_canonical_logs(vec![]) }
                }],
                "Path": "/",
                "RoleName": { "Fn::Join": ["-", ["svc", "dev", { "Ref": "AWS::Region" }, "lambdaRole"]] }
            }
        }),
    );
}

#[test]
fn every_role_setting_in_framework_key_order() {
    let p = plan(&service(
        json!({ "iam": { "role": {
            "name": "my-explicit-role",
            "path": "/app/",
            "managedPolicies": [READ_ONLY],
            "permissionsBoundary": "arn:aws:iam::123456789012:policy/boundary",
            "tags": { "Team": "core", "Env": "dev" }
        } } }),
        json!({ "a": {} }),
    ));
    assert_json(
        shared_role(&p),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "Service": ["lambda.amazonaws.com"] },
                        "Action": ["sts:AssumeRole"]
                    }]
                },
                "Policies": [{
                    "PolicyName": { "Fn::Join": ["-", ["svc", "dev", "lambda"]] },
                    "PolicyDocument": { "Version": "2012-10-17", "Statement": after_canonical_logs(vec![]) }
                }],
                "Path": "/app/",
                "RoleName": "my-explicit-role",
                "Tags": [{ "Key": "Team", "Value": "core" }, { "Key": "Env", "Value": "dev" }],
                "PermissionsBoundary": "arn:aws:iam::123456789012:policy/boundary",
                "ManagedPolicyArns": [READ_ONLY]
            }
        }),
    );
}

#[test]
fn tags_keep_their_key_order() {
    let p = plan(&service(
        json!({ "iam": { "role": { "tags": { "zeta": "1", "alpha": "2", "mid": "3" } } } }),
        json!({ "a": {} }),
    ));
    assert_json(
        &shared_role(&p)["Properties"]["Tags"],
        json!([
            { "Key": "zeta", "Value": "1" },
            { "Key": "alpha", "Value": "2" },
            { "Key": "mid", "Value": "3" }
        ]),
    );
}

#[test]
fn no_tags_or_boundary_keys_when_unset() {
    let p = plan(&with_functions(json!({ "a": {} })));
    let props = &shared_role(&p)["Properties"];
    assert!(props.get("Tags").is_none());
    assert!(props.get("PermissionsBoundary").is_none());
}

#[test]
fn permissions_boundary_beats_the_old_spelling_and_the_deprecated_key() {
    let p = plan(&service(
        json!({
            "iam": { "role": { "permissionsBoundary": "arn:b:new", "permissionBoundary": "arn:b:old" } },
            "rolePermissionsBoundary": "arn:b:deprecated"
        }),
        json!({ "a": {} }),
    ));
    assert_json(&shared_role(&p)["Properties"]["PermissionsBoundary"], "arn:b:new");
}

#[test]
fn old_spelling_permission_boundary_beats_the_deprecated_key() {
    let p = plan(&service(
        json!({ "iam": { "role": { "permissionBoundary": "arn:b:old" } }, "rolePermissionsBoundary": "arn:b:deprecated" }),
        json!({ "a": {} }),
    ));
    assert_json(&shared_role(&p)["Properties"]["PermissionsBoundary"], "arn:b:old");
}

#[test]
fn deprecated_role_permissions_boundary_used_alone() {
    let p = plan(&service(json!({ "rolePermissionsBoundary": "arn:b:deprecated" }), json!({ "a": {} })));
    assert_json(&shared_role(&p)["Properties"]["PermissionsBoundary"], "arn:b:deprecated");
}

#[test]
fn policy_name_and_default_role_name_use_service_and_stage() {
    let mut input = with_functions(json!({ "a": {} }));
    input["service"] = json!("shop");
    input["stage"] = json!("prod");
    let p = plan(&input);
    let props = &shared_role(&p)["Properties"];
    assert_json(&props["Policies"][0]["PolicyName"], json!({ "Fn::Join": ["-", ["shop", "prod", "lambda"]] }));
    assert_json(
        &props["RoleName"],
        json!({ "Fn::Join": ["-", ["shop", "prod", { "Ref": "AWS::Region" }, "lambdaRole"]] }),
    );
}

#[test]
fn explicit_role_name_is_used_verbatim() {
    let name = json!({ "Fn::Sub": "${AWS::StackName}-lambda" });
    let p = plan(&service(json!({ "iam": { "role": { "name": name.clone() } } }), json!({ "a": {} })));
    assert_json(&shared_role(&p)["Properties"]["RoleName"], name);
}

// What other plugins append to the provider's IAM settings (src/additions.rs)

fn with_configured(mut input: Value, lengths: Value) -> Value {
    input["configured"] = lengths;
    input
}

fn added_warnings(input: &Value) -> Vec<(String, String)> {
    let p = plan(input);
    p["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "IAM_SYNTH_PROVIDER_IAM_ADDED")
        .map(|w| (w["path"].as_str().unwrap().to_string(), w["message"].as_str().unwrap().to_string()))
        .collect()
}

const LIFT_STATEMENT: &str =
    r#"{ "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "arn:aws:sqs:us-east-1:1:lift" }"#;

#[test]
fn added_provider_statements_are_reported_only_for_roles_that_do_not_inherit_them() {
    let statement: Value = serde_json::from_str(LIFT_STATEMENT).unwrap();
    let own = json!({ "iam": { "role": { "statements": [] } } });
    let inheriting = json!({ "iam": { "inheritStatements": true, "role": { "statements": [] } } });
    let input = service(
        json!({ "iam": { "role": { "statements": [statement.clone()], "managedPolicies": ["arn:aws:iam::aws:policy/P"] } } }),
        json!({ "a": own, "b": inheriting, "c": {} }),
    );
    // without the lengths (a direct engine call) nothing is known to be added
    assert!(added_warnings(&input).is_empty());
    // as written in serverless.yml: nothing added
    let written = json!({ "provider.iam.role.statements": 1, "provider.iam.role.managedPolicies": 1 });
    assert!(added_warnings(&with_configured(input.clone(), written)).is_empty());
    // both appended by another plugin: `a` does not inherit, `b` does; neither gets the managed policy
    let before = json!({ "provider.iam.role.statements": 0, "provider.iam.role.managedPolicies": 0 });
    let found = added_warnings(&with_configured(input, before));
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "provider.iam.role.statements");
    assert!(
        found[0].1.contains(
            "sqs:SendMessage on arn:aws:sqs:us-east-1:1:lift), which the role of function 'a' does not inherit"
        ),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, "provider.iam.role.managedPolicies");
    assert!(found[1].1.contains("which the roles of functions 'a', 'b' do not get"), "{}", found[1].1);
}

#[test]
fn in_per_function_mode_added_provider_settings_reach_every_role() {
    let statement: Value = serde_json::from_str(LIFT_STATEMENT).unwrap();
    let input = service(
        json!({ "iam": { "role": { "mode": "perFunction", "statements": [statement], "managedPolicies": ["arn:aws:iam::aws:policy/P"] } } }),
        json!({ "a": {}, "b": {} }),
    );
    let before = json!({ "provider.iam.role.statements": 0, "provider.iam.role.managedPolicies": 0 });
    assert!(added_warnings(&with_configured(input, before)).is_empty());
}

#[test]
fn added_legacy_statements_never_reach_roles_of_their_own_when_provider_iam_is_set() {
    let statement: Value = serde_json::from_str(LIFT_STATEMENT).unwrap();
    let inheriting = json!({ "iam": { "inheritStatements": true, "role": { "statements": [] } } });
    let input = service(
        json!({ "iam": { "role": { "name": "r" } }, "iamRoleStatements": [statement] }),
        json!({ "a": inheriting }),
    );
    let found = added_warnings(&with_configured(input, json!({ "provider.iamRoleStatements": 0 })));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "provider.iamRoleStatements");
}
