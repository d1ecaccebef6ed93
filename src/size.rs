//! Policy sizes as IAM counts them (characters of the JSON document, whitespace outside strings not
//! counted), with CloudFormation intrinsics sized at their worst case (iam-behaviour.md §7).

use serde_json::Value;

pub const INLINE_LIMIT: usize = 10_240;
pub const MANAGED_LIMIT: usize = 6_144;
pub const TRUST_LIMIT: usize = 2_048;
pub const MAX_MANAGED_POLICIES: usize = 10;

const PARTITION: usize = 10; // aws-us-gov
const REGION: usize = 14; // e.g. ap-southeast-2
const ACCOUNT: usize = 12;
const URL_SUFFIX: usize = 16; // amazonaws.com.cn
const STACK_NAME: usize = 128;
/// What a `Ref`, `Fn::GetAtt` or `Fn::ImportValue` of a resource is assumed to resolve to at most.
pub const RESOURCE_VALUE: usize = 128;

fn pseudo(name: &str) -> usize {
    match name {
        "AWS::Partition" => PARTITION,
        "AWS::Region" => REGION,
        "AWS::AccountId" => ACCOUNT,
        "AWS::URLSuffix" => URL_SUFFIX,
        "AWS::StackName" | "AWS::StackId" => STACK_NAME,
        "AWS::NoValue" => 0,
        _ => RESOURCE_VALUE,
    }
}

/// Characters of a string once written as JSON, quotes and escapes included.
fn json_string_len(s: &str) -> usize {
    // Nearly every string is printable ASCII without quotes or backslashes: its length as it is.
    if s.bytes().all(|b| (0x20..0x80).contains(&b) && b != b'"' && b != b'\\') {
        return s.len() + 2;
    }
    // byte by byte: a character outside ASCII counts once, at its first byte
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            0x80..=0xbf => 0,
            _ => 1,
        })
        .sum::<usize>()
}

/// Length of an `Fn::Sub` template with every `${…}` resolved at its worst case (quotes excluded).
fn sub_len(template: &str) -> usize {
    let mut len = 0;
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        len += json_string_len(&rest[..start]) - 2;
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                len += if let Some(literal) = name.strip_prefix('!') { literal.len() + 2 } else { pseudo(name) };
                rest = &after[end + 1..];
            }
            None => {
                len += json_string_len(&rest[start..]) - 2;
                rest = "";
            }
        }
    }
    len + json_string_len(rest) - 2
}

/// Worst-case length (without quotes) of the string an intrinsic resolves to.
fn resolved_len(key: &str, arg: &Value) -> usize {
    match (key, arg) {
        ("Ref", Value::String(name)) => pseudo(name),
        ("Fn::Sub", Value::String(t)) => sub_len(t),
        ("Fn::Sub", Value::Array(a)) => a.first().and_then(Value::as_str).map_or(RESOURCE_VALUE, sub_len),
        ("Fn::Join", Value::Array(a)) => {
            let sep = a.first().and_then(Value::as_str).unwrap_or_default();
            match a.get(1) {
                Some(Value::Array(parts)) => {
                    parts.iter().map(value_len).sum::<usize>() + sep.len() * parts.len().saturating_sub(1)
                }
                _ => RESOURCE_VALUE,
            }
        }
        _ => RESOURCE_VALUE,
    }
}

/// Worst-case length (without quotes) of a value used where a string stands.
fn value_len(v: &Value) -> usize {
    match v {
        Value::String(s) => json_string_len(s) - 2,
        Value::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next().expect("one entry");
            if k == "Ref" || k.starts_with("Fn::") {
                resolved_len(k, arg)
            } else {
                RESOURCE_VALUE
            }
        }
        other => size(other),
    }
}

/// IAM-counted size of a JSON document, intrinsics resolved at their worst case.
pub fn size(v: &Value) -> usize {
    match v {
        Value::Null => 4,
        Value::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Value::Number(n) => n.to_string().len(),
        Value::String(s) => json_string_len(s),
        Value::Object(_) if crate::cfn::is_intrinsic(v) => value_len(v) + 2,
        Value::Object(m) => {
            2 + m.iter().map(|(k, x)| json_string_len(k) + 1 + size(x)).sum::<usize>() + m.len().saturating_sub(1)
        }
        Value::Array(a) => 2 + a.iter().map(size).sum::<usize>() + a.len().saturating_sub(1),
    }
}

/// Size of a policy document holding `statements` (`{"Version":"2012-10-17","Statement":[…]}`).
pub fn document_size(statements: &[Value]) -> usize {
    // {"Version":"2012-10-17","Statement":[ ... ]}
    const ENVELOPE: usize = r#"{"Version":"2012-10-17","Statement":[]}"#.len();
    ENVELOPE + statements.iter().map(size).sum::<usize>() + statements.len().saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Expected sizes counted by hand from the minified JSON.
    #[test]
    fn plain_documents_count_their_minified_characters() {
        let s = json!({ "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*" });
        let text = r#"{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}"#;
        assert_eq!(size(&s), text.len());
        let doc = format!(r#"{{"Version":"2012-10-17","Statement":[{text},{text}]}}"#);
        assert_eq!(document_size(&[s.clone(), s]), doc.len());
        assert_eq!(document_size(&[]), r#"{"Version":"2012-10-17","Statement":[]}"#.len());
    }

    #[test]
    fn escapes_count_as_written() {
        assert_eq!(size(&json!("a\"b")), 6); // "a\"b"
        assert_eq!(size(&json!("é")), 3);
    }

    #[test]
    fn sub_pseudo_parameters_take_their_worst_case() {
        // arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/x:*
        // -> "arn:" 4 + 10 + ":logs:" 6 + 14 + ":" 1 + 12 + ":log-group:/x:*" 15 = 62, plus quotes
        let v = json!({ "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/x:*" });
        assert_eq!(size(&v), 62 + 2);
    }

    #[test]
    fn references_to_resources_take_the_stated_bound() {
        assert_eq!(size(&json!({ "Fn::GetAtt": ["Queue", "Arn"] })), RESOURCE_VALUE + 2);
        assert_eq!(size(&json!({ "Ref": "Topic" })), RESOURCE_VALUE + 2);
        assert_eq!(size(&json!({ "Fn::ImportValue": "x" })), RESOURCE_VALUE + 2);
        assert_eq!(size(&json!({ "Fn::Sub": "${Table.Arn}/index/*" })), RESOURCE_VALUE + 8 + 2);
    }

    #[test]
    fn join_adds_its_parts_and_separators() {
        // "arn:" + aws-us-gov + ":iam::aws:policy/X" = 4 + 10 + 18
        let v = json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":iam::aws:policy/X"]] });
        assert_eq!(size(&v), 4 + 10 + 18 + 2);
        let w = json!({ "Fn::Join": ["-", ["a", "bb", { "Ref": "AWS::Region" }]] });
        assert_eq!(size(&w), 1 + 2 + 14 + 2 + 2);
    }
}
