//! Checks of single values against what IAM and CloudFormation accept (iam-behaviour.md §7).
//! Each returns the problems found, in words for the error message.

use serde_json::{Map, Value};

use crate::cfn::type_name;

pub const MAX_PATH: usize = 512;
pub const MAX_TAGS: usize = 50;
const STATEMENT_KEYS: [&str; 7] = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// What a statement's field may hold in place of a literal: an intrinsic, or a condition reference
/// (accepted as the framework accepts it; IAM never sees it, CloudFormation resolves or rejects it).
pub fn is_intrinsic(v: &Value) -> bool {
    crate::cfn::is_intrinsic(v) || crate::cfn::is_condition_ref(v)
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        other => type_name(other).to_string(),
    }
}

/// `service:Action` (wildcards allowed in the action part), or `*`.
fn is_action(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some((service, action)) = s.split_once(':') else { return false };
    !service.is_empty()
        && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !action.is_empty()
        && action.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
}

fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

fn check_actions(key: &str, v: &Value, problems: &mut Vec<(String, &'static str)>) {
    if matches!(v, Value::Array(a) if a.is_empty()) {
        problems.push((format!("{key} is an empty list"), fix::EMPTY));
        return;
    }
    if is_intrinsic(v) {
        return;
    }
    for a in one_or_many(v) {
        match a {
            Value::String(s) if is_action(s) => {}
            Value::String(s) => problems.push((format!("{key} '{s}' is not of the form service:Action"), fix::ACTION)),
            other if is_intrinsic(other) => {}
            other => problems.push((format!("{key} must hold strings, got {}", type_name(other)), fix::ACTION)),
        }
    }
}

fn check_resources(key: &str, v: &Value, problems: &mut Vec<(String, &'static str)>) {
    if matches!(v, Value::Array(a) if a.is_empty()) {
        problems.push((format!("{key} is an empty list"), fix::EMPTY));
        return;
    }
    if is_intrinsic(v) {
        return;
    }
    for r in one_or_many(v) {
        match r {
            Value::String(s) if s == "*" || s.starts_with("arn:") => {}
            Value::String(s) => problems.push((format!("{key} '{s}' is neither an ARN nor '*'"), fix::RESOURCE)),
            other if is_intrinsic(other) => {}
            other => problems.push((
                format!("{key} must hold ARNs or intrinsic functions, got {}", type_name(other)),
                fix::RESOURCE,
            )),
        }
    }
}

/// How to fix each kind of statement problem, for the error's hint.
pub mod fix {
    pub const EFFECT: &str = "set Effect to Allow or Deny (capitalised as written here)";
    pub const SHAPE: &str =
        "give the statement exactly one of Action/NotAction and exactly one of Resource/NotResource";
    pub const EMPTY: &str = "list at least one entry, or remove the statement";
    pub const ACTION: &str =
        "write each action as service:Action, for example s3:GetObject (the wildcards * and ? are allowed), or '*'";
    pub const RESOURCE: &str = "write each resource as an ARN (arn:aws:s3:::my-bucket/*), '*', or an intrinsic such as !GetAtt MyTable.Arn or !Sub 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:my-queue'";
    pub const CONDITION: &str =
        "write Condition as an object of operators, for example {StringEquals: {'aws:RequestedRegion': 'us-east-1'}}";
    pub const SID: &str = "use only letters and digits in Sid (for example ReadOrders), or leave it out";
    pub const KEY: &str = "remove the key: a role's policy takes only Sid, Effect, Action/NotAction, Resource/NotResource and Condition; who may assume the role (Principal) is its trust policy, which the plugin builds";
    pub const OBJECT: &str = "write each statement as an object with Effect, Action and Resource";
}

/// Everything wrong with one statement of an identity policy, in words, each with the fix for its
/// kind (`fix`).
pub fn statement_problems(m: &Map<String, Value>) -> Vec<(String, &'static str)> {
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    match m.get("Effect") {
        None => problems.push(("Effect is missing".to_string(), fix::EFFECT)),
        Some(Value::String(e)) if e == "Allow" || e == "Deny" => {}
        Some(other) => problems.push((format!("Effect must be \"Allow\" or \"Deny\", got {other}"), fix::EFFECT)),
    }
    for (a, b) in [("Action", "NotAction"), ("Resource", "NotResource")] {
        match (m.get(a), m.get(b)) {
            (None, None) => problems.push((format!("{a} (or {b}) is missing"), fix::SHAPE)),
            (Some(_), Some(_)) => problems.push((format!("it has both {a} and {b}; keep one"), fix::SHAPE)),
            (Some(v), None) | (None, Some(v)) => {
                let key = if m.contains_key(a) { a } else { b };
                if a == "Action" {
                    check_actions(key, v, &mut problems);
                } else {
                    check_resources(key, v, &mut problems);
                }
            }
        }
    }
    if let Some(c) = m.get("Condition") {
        if !c.is_object() {
            problems.push((format!("Condition must be an object, got {}", type_name(c)), fix::CONDITION));
        }
    }
    if let Some(sid) = m.get("Sid") {
        match sid {
            Value::String(s) if s.chars().all(|c| c.is_ascii_alphanumeric()) => {}
            other => problems.push((format!("Sid must be letters and digits only, got {}", describe(other)), fix::SID)),
        }
    }
    for k in m.keys().filter(|k| !STATEMENT_KEYS.contains(&k.as_str())) {
        problems.push((
            format!("'{k}' is not allowed in a role's policy (use Sid, Effect, Action/NotAction, Resource/NotResource, Condition)"),
            fix::KEY,
        ));
    }
    problems
}

/// A role name's characters: `[A-Za-z0-9+=,.@_-]` (its length is checked apart; intrinsics are
/// checked by CloudFormation).
pub fn role_name_problem(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.is_empty() => Some("it is empty".into()),
        Value::String(s) => s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
            .map(|c| format!("'{s}' contains '{c}'; IAM allows letters, digits and +=,.@_-")),
        other if is_intrinsic(other) => None,
        other => Some(format!("expected a string, got {}", type_name(other))),
    }
}

/// A role path: `/` or `/…/`, at most 512 printable ASCII characters.
pub fn path_problem(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.len() > MAX_PATH => Some(format!("it has {} characters; IAM allows {MAX_PATH}", s.len())),
        Value::String(s) if s != "/" && !(s.len() >= 3 && s.starts_with('/') && s.ends_with('/')) => {
            Some(format!("'{s}' must be '/' or start and end with '/'"))
        }
        Value::String(s) if !s.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c)) => {
            Some(format!("'{s}' contains characters IAM does not allow in a path"))
        }
        Value::String(_) => None,
        other if is_intrinsic(other) => None,
        other => Some(format!("expected a string, got {}", type_name(other))),
    }
}

/// A managed policy or permissions boundary: an ARN or an intrinsic function.
pub fn arn_problem(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.starts_with("arn:") => None,
        other if is_intrinsic(other) => None,
        other => Some(format!("expected an ARN (arn:…) or an intrinsic function, got {}", describe(other))),
    }
}

/// A character IAM takes in tag keys and values: letters, digits, spaces and `_ . : / = + - @`
/// (IAM's pattern `[\p{L}\p{Z}\p{N}_.:/=+\-@]`).
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

/// The first character of `s` IAM does not take in a tag, described for the message.
fn bad_tag_char(s: &str) -> Option<String> {
    s.chars().find(|c| !tag_char(*c)).map(|c| format!("'{c}' (U+{:04X})", c as u32))
}

/// A tag key: 1–128 characters IAM takes, not starting with `aws:`.
pub fn tag_key_problem(key: &str) -> Option<String> {
    let length = key.chars().count();
    if length == 0 || length > 128 {
        return Some(format!("a tag key has 1 to 128 characters; this one has {length}"));
    }
    if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
        return Some(format!("tag key '{key}' starts with 'aws:', which AWS reserves"));
    }
    bad_tag_char(key).map(|c| format!("tag key '{key}' has {c}, which IAM does not allow in tags"))
}

/// A tag value: a string of at most 256 characters IAM takes (or an intrinsic that gives one).
pub fn tag_value_problem(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.chars().count() > 256 => Some("a tag value has at most 256 characters".into()),
        Value::String(s) => bad_tag_char(s).map(|c| format!("the value has {c}, which IAM does not allow in tags")),
        other if is_intrinsic(other) => None,
        other => Some(format!("expected a string, got {}", type_name(other))),
    }
}

/// IAM rejects a policy in which two statements have the same `Sid`: reports the second of each pair
/// at its config path (`<list path>[<index>]`), naming the first; only pairs whose second statement is
/// in the last of `lists` (the earlier lists are checked once, on their own).
pub fn duplicate_sids(lists: &[(&str, &[Value])], errors: &mut crate::error::Errors) {
    let mut seen: Vec<(&str, String)> = Vec::new();
    let last = lists.len().saturating_sub(1);
    for (n, (path, list)) in lists.iter().enumerate() {
        for (i, st) in list.iter().enumerate() {
            let Some(sid) = st.get("Sid").and_then(Value::as_str) else { continue };
            let here = format!("{path}[{i}]");
            match seen.iter().find(|(s, _)| *s == sid) {
                Some((_, first)) if n == last => errors.push(crate::error::SynthError::DuplicateSid {
                    path: here,
                    first: first.clone(),
                    sid: sid.to_string(),
                }),
                Some(_) => {}
                None => seen.push((sid, here)),
            }
        }
    }
}
