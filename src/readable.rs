//! CloudFormation values as a person reads them: `${AWS::Region}` and `${Queue.Arn}` instead of
//! `{"Ref":"AWS::Region"}` and `{"Fn::GetAtt":["Queue","Arn"]}`.

use serde_json::{Map, Value};

/// One value as text. Strings are themselves; `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join` and
/// `Fn::ImportValue` read as the string they build; other intrinsics as `${If …}`-style calls; anything
/// else as compact JSON.
pub fn readable(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) if m.len() == 1 => {
            let (key, arg) = m.iter().next().expect("one entry");
            intrinsic(key, arg).unwrap_or_else(|| v.to_string())
        }
        other => other.to_string(),
    }
}

fn intrinsic(key: &str, arg: &Value) -> Option<String> {
    match key {
        "Ref" => arg.as_str().map(|name| format!("${{{name}}}")),
        "Fn::GetAtt" => match arg {
            Value::Array(a) if a.len() == 2 => Some(format!("${{{}.{}}}", readable(&a[0]), readable(&a[1]))),
            Value::String(s) => Some(format!("${{{s}}}")),
            _ => None,
        },
        "Fn::Sub" => match arg {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) if a.len() == 2 => match (&a[0], &a[1]) {
                (Value::String(s), Value::Object(vars)) => Some(substitute(s, vars)),
                _ => None,
            },
            _ => None,
        },
        "Fn::Join" => match arg {
            Value::Array(a) if a.len() == 2 => match (&a[0], &a[1]) {
                (Value::String(sep), Value::Array(parts)) => {
                    Some(parts.iter().map(readable).collect::<Vec<_>>().join(sep))
                }
                _ => None,
            },
            _ => None,
        },
        "Fn::ImportValue" => Some(format!("${{ImportValue {}}}", readable(arg))),
        "Fn::If" | "Fn::Select" | "Fn::Split" | "Fn::FindInMap" | "Fn::Base64" | "Fn::GetAZs" | "Fn::Cidr"
        | "Fn::Length" | "Fn::ToJsonString" => {
            let name = key.trim_start_matches("Fn::");
            let args = match arg {
                Value::Array(a) => a.iter().map(readable).collect::<Vec<_>>().join(", "),
                other => readable(other),
            };
            Some(format!("${{{name} {args}}}"))
        }
        _ => None,
    }
}

/// `Fn::Sub`'s list form: each `${name}` given in `vars` replaced by that value, read.
fn substitute(template: &str, vars: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match vars.get(name) {
                    Some(v) => out.push_str(&readable(v)),
                    None => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `3 roles`, `1 role`: the count with separators and the word that fits it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::{readable, thousands};
    use serde_json::json;

    #[test]
    fn intrinsics_read_as_the_string_they_build() {
        assert_eq!(readable(&json!("arn:aws:s3:::b/*")), "arn:aws:s3:::b/*");
        assert_eq!(readable(&json!({ "Ref": "AWS::Region" })), "${AWS::Region}");
        assert_eq!(readable(&json!({ "Fn::GetAtt": ["Queue", "Arn"] })), "${Queue.Arn}");
        assert_eq!(readable(&json!({ "Fn::GetAtt": "Queue.Arn" })), "${Queue.Arn}");
        assert_eq!(
            readable(&json!({ "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:*" })),
            "arn:${AWS::Partition}:logs:${AWS::Region}:*"
        );
        assert_eq!(
            readable(&json!({ "Fn::Sub": ["arn:aws:s3:::${B}/*", { "B": { "Ref": "Bucket" } }] })),
            "arn:aws:s3:::${Bucket}/*"
        );
        assert_eq!(
            readable(
                &json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":s3:::", { "Ref": "Bucket" }]] })
            ),
            "arn:${AWS::Partition}:s3:::${Bucket}"
        );
        assert_eq!(readable(&json!({ "Fn::ImportValue": "shared-TableArn" })), "${ImportValue shared-TableArn}");
        assert_eq!(readable(&json!({ "Fn::If": ["Prod", "a", "b"] })), "${If Prod, a, b}");
    }

    #[test]
    fn what_is_not_an_intrinsic_stays_json() {
        assert_eq!(readable(&json!({ "a": 1, "b": 2 })), r#"{"a":1,"b":2}"#);
        assert_eq!(readable(&json!({ "Fn::Unknown": 1 })), r#"{"Fn::Unknown":1}"#);
        assert_eq!(readable(&json!(3)), "3");
        // a Sub variable not given stays as written
        assert_eq!(readable(&json!({ "Fn::Sub": ["${A}-${B}", { "A": "x" }] })), "x-${B}");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10240), "10,240");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
