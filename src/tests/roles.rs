//! Which role a function runs under and how its Lambda is wired to it (iam-behaviour.md §2, §3.1,
//! §6.3, §6.7; v3 notes §2, §4.3, §7 items 6-8).

use serde_json::{json, Value};

use super::*;

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/custom";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:q";
const DLQ: &str = "arn:aws:sns:us-east-1:123456789012:dlq";

/// The expected plan of one function.
fn wiring(lambda: &str, source: &str, role: Value, resource: Value, framework: Value) -> Value {
    json!({
        "lambdaLogicalId": lambda,
        "roleSource": source,
        "role": role,
        "roleResource": resource,
        "frameworkRoleResource": framework,
        "dependsOn": { "prepend": [] }
    })
}

/// The plan of function `a` when it sets `role`, next to a function `b` on the shared role.
fn with_function_role(role: Value) -> Value {
    plan(&with_functions(json!({ "a": { "role": role }, "b": {} })))
}

// --- a function's own role --------------------------------------------------------------------

#[test]
fn function_on_the_shared_role() {
    let p = plan(&with_functions(json!({ "my-fn": {} })));
    assert_json(
        function(&p, "my-fn"),
        wiring("MyDashfnLambdaFunction", "shared", get_att(SHARED), json!(SHARED), json!(SHARED)),
    );
}

#[test]
fn arn_role_is_used_as_is_without_a_role_resource() {
    let p = with_function_role(json!(ROLE_ARN));
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", json!(ROLE_ARN), Value::Null, Value::Null));
}

#[test]
fn logical_id_role_becomes_get_att_and_its_role_resource() {
    let p = with_function_role(json!("MyRole"));
    assert_json(
        function(&p, "a"),
        wiring("ALambdaFunction", "custom", get_att("MyRole"), json!("MyRole"), json!("MyRole")),
    );
}

#[test]
fn get_att_role_is_used_as_is_and_its_target_is_the_role_resource() {
    let p = with_function_role(get_att("OtherRole"));
    assert_json(
        function(&p, "a"),
        wiring("ALambdaFunction", "custom", get_att("OtherRole"), json!("OtherRole"), json!("OtherRole")),
    );
}

#[test]
fn import_value_role_has_no_role_resource() {
    let role = json!({ "Fn::ImportValue": "shared-role-arn" });
    let p = with_function_role(role.clone());
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", role, Value::Null, Value::Null));
}

#[test]
fn sub_role_has_no_role_resource() {
    let role = json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/custom" });
    let p = with_function_role(role.clone());
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", role, Value::Null, Value::Null));
}

#[test]
fn join_role_has_no_role_resource_but_the_framework_points_mappings_at_the_shared_role() {
    let role = json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":role/custom"]] });
    let p = with_function_role(role.clone());
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", role, Value::Null, json!(SHARED)));
}

#[test]
fn non_arn_string_with_a_colon_is_a_logical_id_for_the_lambda_but_not_a_role_resource_for_the_mappings() {
    // As Serverless 3.40.0: `Fn::GetAtt` of it on the Lambda, and nothing for event source mappings
    // to depend on (a logical id is alphanumeric: no resource of the template can have this name).
    for role in ["Role:odd", "some:aws:arn:xx1:*:*"] {
        let p = with_function_role(json!(role));
        assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", get_att(role), Value::Null, Value::Null));
    }
}

#[test]
fn dedicated_role_is_put_first_in_depends_on() {
    let p = plan(&with_functions(json!({
        "a": { "iam": { "role": { "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }] } } }
    })));
    assert_json(
        function(&p, "a"),
        json!({
            "lambdaLogicalId": "ALambdaFunction",
            "roleSource": "dedicated",
            "role": get_att("AIamRoleLambdaExecution"),
            "roleResource": "AIamRoleLambdaExecution",
            "frameworkRoleResource": SHARED,
            "dependsOn": { "prepend": ["AIamRoleLambdaExecution"] }
        }),
    );
}

// --- provider-level roles ---------------------------------------------------------------------

#[test]
fn provider_iam_role_arn_is_used_by_every_function_and_no_shared_role_is_made() {
    let p = plan(&service(json!({ "iam": { "role": ROLE_ARN } }), json!({ "a": {}, "b": {} })));
    for (key, lambda) in [("a", "ALambdaFunction"), ("b", "BLambdaFunction")] {
        assert_json(function(&p, key), wiring(lambda, "custom", json!(ROLE_ARN), Value::Null, Value::Null));
    }
    assert!(p["roles"].get(SHARED).is_none());
    assert_eq!(p["frameworkSharedRole"], Value::Null);
    assert_json(&p["removeRoles"], json!([]));
}

#[test]
fn provider_iam_role_logical_id_is_wired_like_a_function_role() {
    let p = plan(&service(json!({ "iam": { "role": "ProvidedRole" } }), json!({ "a": {} })));
    assert_json(
        function(&p, "a"),
        wiring("ALambdaFunction", "custom", get_att("ProvidedRole"), json!("ProvidedRole"), json!("ProvidedRole")),
    );
    assert!(p["roles"].get(SHARED).is_none());
}

#[test]
fn provider_iam_role_intrinsic_is_an_existing_role() {
    let role = json!({ "Fn::GetAtt": ["ProvidedRole", "Arn"] });
    let p = plan(&service(json!({ "iam": { "role": role.clone() } }), json!({ "a": {} })));
    assert_json(
        function(&p, "a"),
        wiring("ALambdaFunction", "custom", role, json!("ProvidedRole"), json!("ProvidedRole")),
    );
    assert!(p["roles"].get(SHARED).is_none());
    assert_eq!(p["frameworkSharedRole"], Value::Null);
}

#[test]
fn provider_iam_role_import_value_is_an_existing_role() {
    let role = json!({ "Fn::ImportValue": "role-arn" });
    let p = plan(&service(json!({ "iam": { "role": role.clone() } }), json!({ "a": {} })));
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", role, Value::Null, Value::Null));
    assert!(p["roles"].get(SHARED).is_none());
}

#[test]
fn provider_iam_role_sub_or_join_is_an_existing_role() {
    for role in [
        json!({ "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/provided" }),
        json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":role/provided"]] }),
    ] {
        let p = plan(&service(json!({ "iam": { "role": role.clone() } }), json!({ "a": {} })));
        assert_json(&function(&p, "a")["role"], &role);
        assert_eq!(function(&p, "a")["roleSource"], json!("custom"));
        assert!(p["roles"].get(SHARED).is_none(), "no shared role with provider.iam.role = {role}");
        assert_eq!(p["frameworkSharedRole"], Value::Null);
    }
}

#[test]
fn provider_iam_role_ref_is_not_an_existing_role() {
    // `{Ref: X}` has no key containing `::`: the shared role is built and the Ref is ignored.
    let p = plan(&service(json!({ "iam": { "role": { "Ref": "SomeRole" } } }), json!({ "a": {} })));
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "shared", get_att(SHARED), json!(SHARED), json!(SHARED)));
    assert_json(shared_statements(&p), after_canonical_logs(vec![]));
    assert_json(
        &shared_role(&p)["Properties"]["RoleName"],
        json!({ "Fn::Join": ["-", ["svc", "dev", { "Ref": "AWS::Region" }, "lambdaRole"]] }),
    );
    assert!(p["frameworkSharedRole"].is_object());
}

#[test]
fn provider_role_is_used_and_no_shared_role_is_made() {
    let p = plan(&service(json!({ "role": "LegacyRole" }), json!({ "a": {} })));
    assert_json(
        function(&p, "a"),
        wiring("ALambdaFunction", "custom", get_att("LegacyRole"), json!("LegacyRole"), json!("LegacyRole")),
    );
    assert!(p["roles"].get(SHARED).is_none());
    assert_eq!(p["frameworkSharedRole"], Value::Null);
}

#[test]
fn provider_iam_role_beats_provider_role() {
    let p = plan(&service(json!({ "iam": { "role": ROLE_ARN }, "role": "LegacyRole" }), json!({ "a": {} })));
    assert_json(function(&p, "a"), wiring("ALambdaFunction", "custom", json!(ROLE_ARN), Value::Null, Value::Null));
}

#[test]
fn function_role_beats_provider_iam_role() {
    let p = plan(&service(json!({ "iam": { "role": ROLE_ARN } }), json!({ "a": { "role": "MyRole" }, "b": {} })));
    assert_json(
        function(&p, "a"),
        wiring("ALambdaFunction", "custom", get_att("MyRole"), json!("MyRole"), json!("MyRole")),
    );
    assert_json(function(&p, "b"), wiring("BLambdaFunction", "custom", json!(ROLE_ARN), Value::Null, Value::Null));
}

// --- least privilege on the shared role (§6.3) ------------------------------------------------

#[test]
fn permissions_of_custom_role_functions_stay_off_our_shared_role_but_the_framework_has_them() {
    let p = plan(&with_functions(json!({
        "a": {
            "role": "MyRole",
            "onError": DLQ,
            "tracing": true,
            "events": [{ "sqs": QUEUE }, { "websocket": { "route": "$connect" } }]
        },
        "b": { "events": [{ "sqs": "arn:aws:sqs:us-east-1:123456789012:b" }] }
    })));
    let sqs = |queues: Value| allow(&["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], queues);
    assert_json(
        shared_statements(&p),
        after_canonical_logs(vec![sqs(json!(["arn:aws:sqs:us-east-1:123456789012:b"]))]),
    );
    assert_json(
        framework_statements(&p),
        after_canonical_logs(vec![
            sns_publish(DLQ),
            xray(),
            allow(&["execute-api:ManageConnections"], json!([sub("execute-api:*:*:*/@connections/*")])),
            sqs(json!([QUEUE, "arn:aws:sqs:us-east-1:123456789012:b"])),
        ]),
    );
}

#[test]
fn trust_principals_of_custom_role_functions_stay_off_our_shared_role() {
    let p = plan(&with_functions(json!({
        "a": { "role": ROLE_ARN, "events": [{ "schedule": { "rate": ["rate(1 hour)"], "method": "scheduler" } }] },
        "b": {}
    })));
    assert_json(shared_principals(&p), json!(["lambda.amazonaws.com"]));
    assert_json(&p["frameworkSharedRole"]["principals"], json!(["lambda.amazonaws.com", "scheduler.amazonaws.com"]));
}

// --- when there is no shared role (§3.1, §6.7) ------------------------------------------------

#[test]
fn no_shared_role_when_every_function_has_a_role() {
    let p = plan(&with_functions(json!({ "a": { "role": ROLE_ARN }, "b": { "role": "MyRole" } })));
    assert!(p["roles"].get(SHARED).is_none());
    assert_eq!(p["frameworkSharedRole"], Value::Null);
    assert_json(&p["removeRoles"], json!([]));
}

#[test]
fn no_functions_no_role() {
    let p = plan(&with_functions(json!({})));
    assert_json(&p["roles"], json!({}));
    assert_eq!(p["frameworkSharedRole"], Value::Null);
}

#[test]
fn unused_shared_role_the_framework_would_make_is_removed() {
    let p = plan(&with_functions(json!({
        "a": { "iam": { "role": { "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }] } } }
    })));
    assert!(p["roles"].get(SHARED).is_none());
    assert!(p["roles"].get("AIamRoleLambdaExecution").is_some());
    assert_json(&p["removeRoles"], json!([SHARED]));
}

#[test]
fn unused_shared_role_is_kept_with_a_warning_when_resources_refer_to_it() {
    let provider_statement = json!({ "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": "arn:aws:s3:::b" });
    let mut input = service(
        json!({ "iam": { "role": { "statements": [provider_statement.clone()] } } }),
        json!({ "a": {
            "iam": { "role": { "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" }] } },
            "events": [{ "sqs": QUEUE }]
        } }),
    );
    input["resources"] = json!({ "Outputs": { "RoleArn": { "Value": get_att(SHARED) } } });
    let p = plan(&input);
    let kept = shared_role(&p);
    let statements = statements_of(kept);
    assert!(
        statements.as_array().unwrap().contains(&provider_statement),
        "keeps the provider statements: {statements}"
    );
    assert!(
        !statements.to_string().contains("sqs:ReceiveMessage"),
        "holds no permission of a function running elsewhere: {statements}"
    );
    assert_json(&p["removeRoles"], json!([]));
    assert!(!p["warnings"].as_array().unwrap().is_empty(), "a warning says why the role is kept");
}

/// Issue 19, item 2: in perFunction mode a function whose `role` is the shared role runs under it, in
/// both spellings, and the shared role is created for it (with the provider's statements).
#[test]
fn per_function_mode_honours_role_naming_the_shared_role() {
    let provider_statement = json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" });
    for role in [json!("IamRoleLambdaExecution"), json!({ "Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"] })] {
        let input = service(
            json!({ "iam": { "role": { "mode": "perFunction", "statements": [provider_statement.clone()] } } }),
            json!({ "onShared": { "role": role }, "own": {} }),
        );
        let p = plan(&input);
        assert_eq!(function(&p, "onShared")["roleSource"], "shared", "{role}");
        assert_eq!(function(&p, "onShared")["role"], json!({ "Fn::GetAtt": [SHARED, "Arn"] }));
        assert_eq!(function(&p, "own")["roleSource"], "dedicated");
        let roles = p["roles"].as_object().unwrap();
        assert!(
            roles.contains_key(SHARED),
            "the shared role is kept for onShared: {:?}",
            roles.keys().collect::<Vec<_>>()
        );
        assert!(!roles.contains_key("OnSharedIamRoleLambdaExecution"));
        let as_written = json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*" });
        assert!(statements_of(&roles[SHARED]).as_array().unwrap().contains(&as_written));
        assert_eq!(p["removeRoles"], json!([]));
    }
}

/// Issue 19, item 4: a statement that exists only under a condition is accepted, kept as written on
/// every role that holds it, and both its branches are checked.
#[test]
fn a_conditional_statement_is_kept_as_written() {
    let conditional = json!({ "Fn::If": ["IsProd", { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" }, { "Ref": "AWS::NoValue" }] });
    let input = service(
        json!({ "iam": { "role": { "statements": [conditional.clone()] } } }),
        json!({ "api": {}, "own": { "iam": { "inheritStatements": true, "role": { "statements": [] } } } }),
    );
    let p = plan(&input);
    for id in [SHARED, "OwnIamRoleLambdaExecution"] {
        let st = statements_of(&p["roles"][id]);
        assert_eq!(st.as_array().unwrap().iter().filter(|s| **s == conditional).count(), 1, "{id}: {st}");
    }
    let both_bad = service(
        json!({ "iam": { "role": { "statements": [{ "Fn::If": ["C", { "Effect": "Allow" }, { "Action": "s3:*" }] }] } } }),
        json!({ "api": {} }),
    );
    let paths: Vec<String> = errors(&both_bad).into_iter().map(|e| e.path).collect();
    assert_eq!(paths, ["provider.iam.role.statements[0].Fn::If[1]", "provider.iam.role.statements[0].Fn::If[2]"]);
}

#[test]
fn statements_key_present_without_a_value_still_asks_for_a_dedicated_role() {
    // `iamRoleStatements:` with its items commented out reads as null: serverless-iam-roles-per-function
    // 3.2.0 gives the function a dedicated role, so migrating must not move it to the shared role.
    let p = plan(&with_functions(json!({
        "legacy": { "iamRoleStatements": null },
        "current": { "iam": { "role": { "statements": null } } },
        "plain": {}
    })));
    for key in ["legacy", "current"] {
        let id = format!("{}IamRoleLambdaExecution", crate::naming::normalized(key));
        assert_eq!(function(&p, key)["role"], json!({ "Fn::GetAtt": [id, "Arn"] }), "{key}");
        let statements = statements_of(&p["roles"][id.as_str()]);
        // the function's logs and nothing else
        assert_eq!(statements.as_array().unwrap().len(), 1, "{key}: {statements}");
        assert_eq!(
            statements[0]["Action"],
            json!(["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents"])
        );
    }
    assert_eq!(function(&p, "plain")["role"], json!({ "Fn::GetAtt": [SHARED, "Arn"] }));
}

#[test]
fn a_function_under_a_condition_has_its_role_under_the_same_condition() {
    let own = json!({ "condition": "IsProd", "iam": { "role": { "statements": [] } } });
    let p = plan(&with_functions(json!({ "a": own, "b": { "iam": { "role": { "statements": [] } } } })));
    assert_eq!(p["roles"]["AIamRoleLambdaExecution"]["Condition"], json!("IsProd"));
    assert!(p["roles"]["BIamRoleLambdaExecution"].get("Condition").is_none());
}
