//! Names and logical ids, as the framework and serverless-iam-roles-per-function make them.

use serde_json::{json, Value};

pub const SHARED_ROLE_ID: &str = "IamRoleLambdaExecution";
pub const MAX_ROLE_NAME: usize = 64;

/// First letter upper-cased, `-` → `Dash`, `_` → `Underscore`.
pub fn normalized(key: &str) -> String {
    let replaced = key.replace('-', "Dash").replace('_', "Underscore");
    let mut chars = replaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn lambda_logical_id(fn_key: &str) -> String {
    format!("{}LambdaFunction", normalized(fn_key))
}

pub fn dedicated_role_logical_id(fn_key: &str) -> String {
    format!("{}{}", normalized(fn_key), SHARED_ROLE_ID)
}

pub fn log_group_name(fn_name: &str) -> String {
    format!("/aws/lambda/{fn_name}")
}

pub fn policy_name(service: &str, stage: &str) -> Value {
    json!({ "Fn::Join": ["-", [service, stage, "lambda"]] })
}

/// The length of the generated shared role name in `region` (`{"Ref":"AWS::Region"}` counts as it).
pub fn shared_role_name_length(service: &str, stage: &str, region: &str) -> usize {
    service.len() + stage.len() + region.len() + "lambdaRole".len() + 3
}

pub fn shared_role_name(service: &str, stage: &str) -> Value {
    json!({ "Fn::Join": ["-", [service, stage, { "Ref": "AWS::Region" }, "lambdaRole"]] })
}

/// Outcome of naming a dedicated role without an explicit name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneratedName {
    /// The full `<service>-<stage>-<fnKey>-<region>-lambdaRole` fits.
    Full(Value),
    /// Only fits without the trailing `lambdaRole` part.
    Shortened(Value),
    /// Does not fit even then; carries the shortened length.
    TooLong(usize),
}

/// The generated dedicated role name and the 64-character rule. `{"Ref":"AWS::Region"}` counts as the
/// length of the region being packaged for.
pub fn dedicated_role_name(service: &str, stage: &str, fn_key: &str, region: &str) -> GeneratedName {
    let base_len = service.len() + stage.len() + fn_key.len() + region.len() + 3;
    let full_len = base_len + 1 + "lambdaRole".len();
    if full_len <= MAX_ROLE_NAME {
        GeneratedName::Full(
            json!({ "Fn::Join": ["-", [service, stage, fn_key, { "Ref": "AWS::Region" }, "lambdaRole"]] }),
        )
    } else if base_len <= MAX_ROLE_NAME {
        GeneratedName::Shortened(json!({ "Fn::Join": ["-", [service, stage, fn_key, { "Ref": "AWS::Region" }]] }))
    } else {
        GeneratedName::TooLong(base_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_the_framework() {
        assert_eq!(normalized("my-fn_v2"), "MyDashfnUnderscorev2");
        assert_eq!(normalized("hello"), "Hello");
        assert_eq!(normalized("Already"), "Already");
        assert_eq!(normalized(""), "");
        assert_eq!(lambda_logical_id("get-user"), "GetDashuserLambdaFunction");
        assert_eq!(dedicated_role_logical_id("a-b"), "ADashbIamRoleLambdaExecution");
    }

    #[test]
    fn shared_names() {
        assert_eq!(
            shared_role_name("svc", "dev"),
            json!({"Fn::Join": ["-", ["svc", "dev", {"Ref": "AWS::Region"}, "lambdaRole"]]})
        );
        assert_eq!(policy_name("svc", "prod"), json!({"Fn::Join": ["-", ["svc", "prod", "lambda"]]}));
        assert_eq!(log_group_name("svc-dev-a"), "/aws/lambda/svc-dev-a");
    }

    // Boundary facts from iam-behaviour.md §1.
    const SVC: &str = "svc-abcdefghijklmnopqrstuvwxyz";

    #[test]
    fn sixty_four_keeps_the_suffix() {
        assert!(matches!(dedicated_role_name(SVC, "dev", "fnName12", "us-east-1"), GeneratedName::Full(_)));
    }

    #[test]
    fn sixty_five_drops_the_suffix() {
        match dedicated_role_name(SVC, "dev", "fnName123", "us-east-1") {
            GeneratedName::Shortened(v) => {
                assert_eq!(v, json!({"Fn::Join": ["-", [SVC, "dev", "fnName123", {"Ref": "AWS::Region"}]]}))
            }
            other => panic!("expected shortened, got {other:?}"),
        }
    }

    #[test]
    fn nineteen_fits_twenty_fails() {
        assert!(matches!(
            dedicated_role_name(SVC, "dev", "abcdefghijklmnopqrs", "us-east-1"),
            GeneratedName::Shortened(_)
        ));
        assert_eq!(dedicated_role_name(SVC, "dev", "abcdefghijklmnopqrst", "us-east-1"), GeneratedName::TooLong(65));
    }

    #[test]
    fn shared_name_length_counts_the_region() {
        // "svc-dev-us-east-1-lambdaRole"
        assert_eq!(shared_role_name_length("svc", "dev", "us-east-1"), 28);
        // a 42-character service name in us-east-1 gives 67 (issue 19, item 6)
        assert_eq!(shared_role_name_length(&"s".repeat(42), "dev", "us-east-1"), 67);
    }

    #[test]
    fn a_long_region_changes_the_outcome() {
        // 64 in us-east-1 (9 chars); ap-southeast-2 has 14.
        assert!(matches!(dedicated_role_name(SVC, "dev", "fnName12", "us-east-1"), GeneratedName::Full(_)));
        assert!(matches!(dedicated_role_name(SVC, "dev", "fnName12", "ap-southeast-2"), GeneratedName::Shortened(_)));
    }
}
