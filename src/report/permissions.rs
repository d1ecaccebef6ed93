//! A role's statements grouped by service: `s3: GetObject, PutObject on arn:…`.

use serde::Serialize;
use serde_json::Value;

use crate::readable::readable;

/// The actions of one service a role allows (or denies) on the same resources under the same condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// `Allow` or `Deny`.
    pub effect: String,
    /// The action prefix (`s3`), or `*` for the action `*`.
    pub service: String,
    /// Action names without the prefix, in statement order.
    pub actions: Vec<String>,
    /// The statement used `NotAction`: every action of the service except these.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub except_actions: bool,
    /// Resources, readable (`${AWS::Region}` for `{"Ref":"AWS::Region"}`).
    pub resources: Vec<String>,
    /// The statement used `NotResource`: every resource except these.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub except_resources: bool,
    /// The statement's `Condition`, readable: `StringEquals aws:SourceAccount = 123…`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

/// A list-or-one statement field as its items.
pub fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

/// `s3:GetObject` → (`s3`, `GetObject`); `*` → (`*`, `*`).
pub fn split_action(action: &str) -> (&str, &str) {
    match action.split_once(':') {
        Some((service, name)) => (service, name),
        None => (action, "*"),
    }
}

fn condition(v: &Value) -> Option<String> {
    let ops = v.as_object()?;
    let mut parts = Vec::new();
    for (op, tests) in ops {
        match tests.as_object() {
            Some(tests) => {
                for (key, value) in tests {
                    let values: Vec<String> = items(Some(value)).into_iter().map(readable).collect();
                    parts.push(format!("{op} {key} = {}", values.join(" or ")));
                }
            }
            None => parts.push(format!("{op} {}", readable(tests))),
        }
    }
    Some(parts.join("; "))
}

/// Groups `statements` by effect, service, resources and condition, in order of first appearance.
pub fn permissions(statements: &[Value]) -> Vec<Permission> {
    let mut out: Vec<Permission> = Vec::new();
    for s in statements {
        let Some(m) = s.as_object() else { continue };
        let effect = m.get("Effect").and_then(Value::as_str).unwrap_or("Allow").to_string();
        let except_actions = !m.contains_key("Action") && m.contains_key("NotAction");
        let actions = items(m.get(if except_actions { "NotAction" } else { "Action" }));
        let except_resources = !m.contains_key("Resource") && m.contains_key("NotResource");
        let resources: Vec<String> =
            items(m.get(if except_resources { "NotResource" } else { "Resource" })).into_iter().map(readable).collect();
        let condition = m.get("Condition").and_then(condition);
        for action in actions {
            let text = readable(action);
            let (service, name) = match action {
                Value::String(a) => split_action(a),
                _ => ("?", text.as_str()),
            };
            let same = |p: &Permission| {
                p.effect == effect
                    && p.service == service
                    && p.except_actions == except_actions
                    && p.resources == resources
                    && p.except_resources == except_resources
                    && p.condition == condition
            };
            match out.iter_mut().find(|p| same(p)) {
                Some(p) => {
                    if !p.actions.iter().any(|a| a == name) {
                        p.actions.push(name.to_string());
                    }
                }
                None => out.push(Permission {
                    effect: effect.clone(),
                    service: service.to_string(),
                    actions: vec![name.to_string()],
                    except_actions,
                    resources: resources.clone(),
                    except_resources,
                    condition: condition.clone(),
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_of_one_service_on_the_same_resources_are_one_line() {
        let st = vec![
            json!({ "Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage"], "Resource": "arn:aws:s3:::b/*" }),
            json!({ "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*" }),
            json!({ "Effect": "Allow", "Action": "s3:ListBucket", "Resource": ["arn:aws:s3:::b"] }),
        ];
        let p = permissions(&st);
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[0].service.as_str(), p[0].actions.clone()),
            ("s3", vec!["GetObject".to_string(), "PutObject".into()])
        );
        assert_eq!(p[0].resources, vec!["arn:aws:s3:::b/*".to_string()]);
        assert_eq!((p[1].service.as_str(), p[1].actions.clone()), ("sqs", vec!["SendMessage".to_string()]));
        assert_eq!((p[2].service.as_str(), p[2].resources.clone()), ("s3", vec!["arn:aws:s3:::b".to_string()]));
    }

    #[test]
    fn deny_not_action_not_resource_and_conditions_stay_apart() {
        let st = vec![
            json!({ "Effect": "Deny", "Action": ["s3:DeleteObject"], "Resource": "*" }),
            json!({ "Effect": "Allow", "NotAction": ["iam:*"], "NotResource": ["arn:aws:s3:::x"] }),
            json!({ "Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": "*",
                    "Condition": { "StringEquals": { "aws:SourceAccount": { "Ref": "AWS::AccountId" } } } }),
            json!({ "Effect": "Allow", "Action": "*", "Resource": "*" }),
        ];
        let p = permissions(&st);
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].effect, "Deny");
        assert!(p[1].except_actions && p[1].except_resources);
        assert_eq!(p[1].service, "iam");
        assert_eq!(p[2].condition.as_deref(), Some("StringEquals aws:SourceAccount = ${AWS::AccountId}"));
        assert_eq!((p[3].service.as_str(), p[3].actions.clone()), ("*", vec!["*".to_string()]));
    }
}
