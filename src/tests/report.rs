//! `serverless iam` (report) and the package-time summary, through `report::report` and the plan.
//! Expected values are written by hand from the description of the command.

use serde_json::{json, Value};

use super::{plan, service};
use crate::report;

fn run(input: &Value, options: Value) -> (Value, usize) {
    let mut options = options;
    options["json"] = json!(true);
    match report::report(input, &options) {
        Ok(out) => (serde_json::from_str(&out.output).expect("--json prints JSON"), out.findings),
        Err(e) => panic!("report failed: {:?}", e.iter().map(|e| e.to_diagnostic()).collect::<Vec<_>>()),
    }
}

fn text(input: &Value, width: usize) -> String {
    report::report(input, &json!({ "width": width })).expect("report").output
}

/// hello on the shared role, reader with its own role, legacy under an existing role ARN.
fn mixed() -> Value {
    service(
        json!({ "iam": { "role": { "statements": [
            { "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::assets/*" }
        ] } } }),
        json!({
            "hello": { "name": "svc-dev-hello", "events": [] },
            "reader": { "name": "svc-dev-reader", "events": [], "iam": { "role": { "statements": [
                { "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                  "Resource": { "Fn::GetAtt": ["Table", "Arn"] } }
            ] } } },
            "legacy": { "name": "svc-dev-legacy", "events": [], "role": "arn:aws:iam::123456789012:role/legacy" }
        }),
    )
}

#[test]
fn every_function_with_its_role_and_where_it_comes_from() {
    let (r, findings) = run(&mixed(), json!({}));
    assert_eq!(findings, 0);
    let fns = r["functions"].as_array().unwrap();
    let summary: Vec<(&str, &Value, &str)> =
        fns.iter().map(|f| (f["function"].as_str().unwrap(), &f["role"], f["roleSource"].as_str().unwrap())).collect();
    assert_eq!(
        summary,
        vec![
            ("hello", &json!("IamRoleLambdaExecution"), "shared"),
            ("reader", &json!("ReaderIamRoleLambdaExecution"), "dedicated"),
            ("legacy", &json!("arn:aws:iam::123456789012:role/legacy"), "custom"),
        ]
    );
    assert_eq!(fns[2]["roleFrom"], "functions.legacy.role");
    assert_eq!(fns[2]["statements"], Value::Null);
    assert_eq!(fns[2]["size"], Value::Null);
    // the dedicated role's statements: its logs, then its own statement (no inheritance in shared mode)
    let reader = fns[1]["statements"].as_array().unwrap();
    assert_eq!(reader.last().unwrap()["Action"], json!(["dynamodb:GetItem", "dynamodb:Query"]));
    assert_eq!(fns[1]["size"]["limit"], 10240);

    let roles = r["roles"].as_array().unwrap();
    assert_eq!(roles.len(), 3);
    assert_eq!(roles[0]["functions"], json!(["hello"]));
    assert_eq!(roles[2]["functions"], json!(["legacy"]));
    assert_eq!(roles[2]["from"], "functions.legacy.role");
    // grouped by service, intrinsics readable
    let dynamo = roles[1]["permissions"].as_array().unwrap().iter().find(|p| p["service"] == "dynamodb").unwrap();
    assert_eq!(dynamo["actions"], json!(["GetItem", "Query"]));
    assert_eq!(dynamo["resources"], json!(["${Table.Arn}"]));
}

#[test]
fn a_custom_role_defined_in_resources_shows_its_permissions() {
    let mut input =
        service(json!({}), json!({ "worker": { "name": "svc-dev-worker", "events": [], "role": "WorkerRole" } }));
    input["resources"] = json!({ "Resources": { "WorkerRole": { "Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "worker",
        "Policies": [{ "PolicyName": "p", "PolicyDocument": { "Statement": [
            { "Effect": "Allow", "Action": ["sqs:*"], "Resource": "*" }
        ] } }]
    } } } });
    let (r, findings) = run(&input, json!({}));
    let role = &r["roles"][0];
    assert_eq!((role["logicalId"].as_str(), role["roleSource"].as_str()), (Some("WorkerRole"), Some("custom")));
    assert_eq!(role["name"], "worker");
    assert_eq!(r["functions"][0]["role"], "WorkerRole");
    // sqs:* on * is both a wildcard action and write actions on every resource
    assert_eq!(findings, 2);
    let codes: Vec<&str> = r["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["IAM_SYNTH_WILDCARD_ACTION", "IAM_SYNTH_WILDCARD_RESOURCE"]);
    assert_eq!(r["findings"][0]["path"], "resources.Resources.WorkerRole");
}

#[test]
fn findings_name_the_statement_and_every_role_it_is_in() {
    let functions: serde_json::Map<String, Value> =
        (1..=5).map(|i| (format!("f{i}"), json!({ "name": format!("svc-dev-f{i}"), "events": [] }))).collect();
    let input = service(
        json!({ "iam": { "role": { "mode": "perFunction", "statements": [
            { "Effect": "Allow", "Action": ["dynamodb:*"], "Resource": "arn:aws:dynamodb:us-east-1:1:table/t" },
            { "Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*" }
        ] } } }),
        Value::Object(functions),
    );
    let (r, findings) = run(&input, json!({}));
    let f = r["findings"].as_array().unwrap();
    let brief: Vec<(&str, &str, usize)> = f
        .iter()
        .map(|x| (x["code"].as_str().unwrap(), x["path"].as_str().unwrap(), x["roles"].as_array().unwrap().len()))
        .collect();
    assert_eq!(
        brief,
        vec![
            ("IAM_SYNTH_WILDCARD_ACTION", "provider.iam.role.statements[0]", 5),
            ("IAM_SYNTH_WILDCARD_RESOURCE", "provider.iam.role.statements[1]", 5),
            ("IAM_SYNTH_WIDELY_INHERITED", "provider.iam.role.statements[0]", 5),
            ("IAM_SYNTH_WIDELY_INHERITED", "provider.iam.role.statements[1]", 5),
        ]
    );
    assert_eq!(findings, 4);
    assert_eq!(f[1]["message"], "allows permission management on every resource: iam:PassRole");

    // --function narrows to its role and the findings about it
    let (one, n) = run(&input, json!({ "function": "f3" }));
    assert_eq!(one["functions"].as_array().unwrap().len(), 1);
    assert_eq!(one["roles"][0]["logicalId"], "F3IamRoleLambdaExecution");
    assert_eq!(n, 4);
}

#[test]
fn a_role_over_80_percent_of_its_limit_is_a_finding() {
    let resources: Vec<Value> =
        (0..150).map(|i| json!(format!("arn:aws:s3:::bucket-with-a-long-name-number-{i:03}/*"))).collect();
    let input = service(
        json!({ "iam": { "role": { "statements": [{ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": resources }] } } }),
        json!({ "hello": { "name": "svc-dev-hello", "events": [] } }),
    );
    let (r, _) = run(&input, json!({}));
    let size = &r["roles"][0]["size"]["inline"];
    let (s, l) = (size["size"].as_u64().unwrap(), size["limit"].as_u64().unwrap());
    assert!(s * 100 > l * 80 && s <= l, "fixture should be between 80% and 100%: {s}/{l}");
    let f = &r["findings"][0];
    assert_eq!(f["code"], "IAM_SYNTH_NEAR_SIZE_LIMIT");
    assert_eq!(f["roles"], json!(["IamRoleLambdaExecution"]));
}

#[test]
fn an_unknown_function_is_a_coded_error_that_lists_the_keys() {
    let errors = report::report(&mixed(), &json!({ "function": "nope" })).unwrap_err();
    let d = errors[0].to_diagnostic();
    assert_eq!((d.code.as_str(), d.path.as_str()), ("IAM_SYNTH_UNKNOWN_FUNCTION", "--function"));
    assert_eq!(d.message, "--function: this service has no function 'nope'");
    assert_eq!(d.hint, "give the function's key as in serverless.yml: hello, reader, legacy");
}

#[test]
fn text_fits_the_width_and_has_no_colour_unless_asked() {
    for width in [80, 60] {
        let out = text(&mixed(), width);
        for line in out.lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}");
        }
        assert!(!out.contains('\x1b'));
        assert!(out.contains("  dynamodb: GetItem, Query on ${Table.Arn}"), "{out}");
    }
    let colour = report::report(&mixed(), &json!({ "color": true })).unwrap().output;
    assert!(colour.contains("\x1b[1m") && colour.contains('█'));
}

#[test]
fn the_package_summary_counts_roles_and_names_the_largest_policy() {
    let p = plan(&mixed());
    let line = p["summary"]["line"].as_str().unwrap();
    assert!(
        line.starts_with("2 roles (1 dedicated, 1 shared) for 3 functions, 1 on a custom role; largest policy "),
        "{line}"
    );
    let roles: Vec<&str> = p["summary"]["roles"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(roles.len(), 2);
    assert!(roles[0].starts_with("IamRoleLambdaExecution (shared, 1 function): "), "{}", roles[0]);
    assert!(roles[1].starts_with("ReaderIamRoleLambdaExecution (dedicated, 1 function): "), "{}", roles[1]);
}
