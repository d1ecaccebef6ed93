//! Keeping every generated role within IAM's size limits, losslessly (the policy size budget).
//!
//! A role that fits is never touched. One over the inline limit is, by `custom.iamSynth.policySize`:
//! `compact` (default): compacted, then split if still over; `split`: split as it is; `error`: refused
//! with a report. Compaction never widens a permission: it only drops repeats and merges statements
//! whose grants are the same product of actions and resources. Split moves statements, in order, into
//! `AWS::IAM::ManagedPolicy` resources attached to the role.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::SynthError;
use crate::policy::canonical;
use crate::size::{self, document_size, INLINE_LIMIT, MANAGED_LIMIT, MAX_MANAGED_POLICIES, TRUST_LIMIT};
use crate::warning::Warning;

use crate::model::PolicySize;

/// One policy document's size against its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Measure {
    pub logical_id: String,
    pub size: usize,
    pub limit: usize,
}

impl Measure {
    /// The size as a whole percentage of the limit.
    pub fn percent(&self) -> usize {
        (self.size * 100).checked_div(self.limit).unwrap_or(0)
    }
}

/// What the budget did to a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Fits,
    Compacted,
    Split,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fits => "fits",
            Outcome::Compacted => "compacted",
            Outcome::Split => "split",
        }
    }
}

/// A role's sizes after the budget was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleSizes {
    pub logical_id: String,
    pub inline: Measure,
    pub trust: Measure,
    pub managed_policies: Vec<Measure>,
    pub outcome: Outcome,
}

fn items(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

fn dedupe(list: Vec<Value>) -> Vec<Value> {
    let mut seen = HashSet::new();
    list.into_iter().filter(|x| seen.insert(canonical(x))).collect()
}

/// A statement of the plain shape `Effect`, `Action`, `Resource` (and optionally `Condition`): the
/// only shape whose grants are the product of its actions and resources, so the only one merged.
fn plain(s: &Value) -> bool {
    s.as_object().is_some_and(|m| {
        m.contains_key("Effect")
            && m.contains_key("Action")
            && m.contains_key("Resource")
            && m.keys().all(|k| matches!(k.as_str(), "Effect" | "Action" | "Resource" | "Condition"))
    })
}

fn set_key(list: &[Value]) -> String {
    let mut keys: Vec<String> = list.iter().map(canonical).collect();
    keys.sort();
    keys.join("\u{1}")
}

fn build(effect: &Value, actions: Vec<Value>, resources: Vec<Value>, condition: Option<&Value>) -> Value {
    let mut m = Map::new();
    m.insert("Effect".into(), effect.clone());
    m.insert("Action".into(), Value::Array(actions));
    m.insert("Resource".into(), Value::Array(resources));
    if let Some(c) = condition {
        m.insert("Condition".into(), c.clone());
    }
    Value::Object(m)
}

/// Merges plain statements that share `Effect`, `Condition` and one side (actions or resources),
/// uniting the other side. Grants are unchanged: (A × R1) ∪ (A × R2) = A × (R1 ∪ R2).
fn merge(statements: Vec<Value>, by_actions: bool) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    for s in statements {
        if !plain(&s) {
            out.push(s);
            continue;
        }
        let actions = dedupe(items(&s["Action"]));
        let resources = dedupe(items(&s["Resource"]));
        let same_side = if by_actions { set_key(&resources) } else { set_key(&actions) };
        let key = format!(
            "{}\u{2}{}\u{2}{}",
            canonical(&s["Effect"]),
            s.get("Condition").map(canonical).unwrap_or_default(),
            same_side
        );
        match slot.get(&key) {
            Some(&i) => {
                let target = &mut out[i];
                let field = if by_actions { "Action" } else { "Resource" };
                let mut united = items(&target[field]);
                united.extend(if by_actions { actions } else { resources });
                target[field] = Value::Array(dedupe(united));
            }
            None => {
                slot.insert(key, out.len());
                out.push(s);
            }
        }
    }
    out
}

/// Lossless compaction: repeats inside a statement and repeated statements dropped, then plain
/// statements merged by equal resources and by equal actions.
pub fn compact(statements: &[Value]) -> Vec<Value> {
    let cleaned: Vec<Value> = statements
        .iter()
        .map(|s| {
            if !plain(s) {
                return s.clone();
            }
            let (a, r) = (items(&s["Action"]), items(&s["Resource"]));
            let (da, dr) = (dedupe(a.clone()), dedupe(r.clone()));
            if da.len() == a.len() && dr.len() == r.len() {
                s.clone()
            } else {
                build(&s["Effect"], da, dr, s.get("Condition"))
            }
        })
        .collect();
    let merged = merge(merge(dedupe(cleaned), true), false);
    dedupe(merged)
}

/// A plain statement too large for any one document, cut into statements over consecutive parts of
/// its resource list, each as large as a document allows (same grants).
fn cut(s: &Value, limit: usize) -> Vec<Value> {
    let one_doc = |x: &Value| document_size(std::slice::from_ref(x));
    if one_doc(s) <= limit || !plain(s) {
        return vec![s.clone()];
    }
    let make = |r: &[Value]| build(&s["Effect"], items(&s["Action"]), r.to_vec(), s.get("Condition"));
    let mut out = Vec::new();
    let mut part: Vec<Value> = Vec::new();
    for r in items(&s["Resource"]) {
        part.push(r);
        if part.len() > 1 && one_doc(&make(&part)) > limit {
            let last = part.pop().expect("just pushed");
            out.push(make(&part));
            part = vec![last];
        }
    }
    out.push(make(&part));
    out
}

fn inline_statements(role: &Value) -> &[Value] {
    role.pointer("/Properties/Policies/0/PolicyDocument/Statement")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn set_inline(role: &mut Value, statements: Vec<Value>) {
    if let Some(list) = role.pointer_mut("/Properties/Policies/0/PolicyDocument/Statement") {
        *list = Value::Array(statements);
    }
}

fn summary(s: &Value) -> String {
    let actions: Vec<String> = items(s.get("Action").or_else(|| s.get("NotAction")).unwrap_or(&Value::Null))
        .iter()
        .map(|a| a.as_str().map(str::to_string).unwrap_or_else(|| a.to_string()))
        .collect();
    let resources = items(s.get("Resource").or_else(|| s.get("NotResource")).unwrap_or(&Value::Null)).len();
    let shown = if actions.len() > 3 { format!("{}, …", actions[..3].join(", ")) } else { actions.join(", ") };
    format!("{} {shown} on {resources} resource(s)", s.get("Effect").and_then(Value::as_str).unwrap_or("?"))
}

fn too_large(role_id: &str, size: usize, limit: usize, statements: &[Value], why: &str) -> SynthError {
    let mut by_size: Vec<(usize, usize)> = statements.iter().enumerate().map(|(i, s)| (size::size(s), i)).collect();
    by_size.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let largest: Vec<String> = by_size
        .iter()
        .take(5)
        .map(|(n, i)| format!("statement {i} ({n} characters): {}", summary(&statements[*i])))
        .collect();
    SynthError::PolicyTooLarge {
        path: role_id.to_string(),
        role: role_id.to_string(),
        size,
        limit,
        why: why.to_string(),
        largest: largest.join("; "),
    }
}

fn managed_policy_count(role: &Value) -> usize {
    role.pointer("/Properties/ManagedPolicyArns").and_then(Value::as_array).map_or(0, Vec::len)
}

/// One role after the budget: the role, the managed policy resources split off it (by logical id),
/// its sizes and the warnings.
pub type Applied = (Value, Vec<(String, Value)>, RoleSizes, Vec<Warning>);

/// Applies the budget to one role. Returns the (possibly changed) role, the managed policy
/// resources to add, its sizes and warnings; or the error that makes it undeployable.
pub fn apply(role_id: &str, role: Value, mode: PolicySize) -> Result<Applied, SynthError> {
    let trust = role.pointer("/Properties/AssumeRolePolicyDocument").map(size::size).unwrap_or(0);
    let sizes = |inline: usize, managed: Vec<Measure>, outcome: Outcome| RoleSizes {
        logical_id: role_id.to_string(),
        inline: Measure { logical_id: role_id.to_string(), size: inline, limit: INLINE_LIMIT },
        trust: Measure { logical_id: role_id.to_string(), size: trust, limit: TRUST_LIMIT },
        managed_policies: managed,
        outcome,
    };
    if trust > TRUST_LIMIT {
        return Err(too_large(role_id, trust, TRUST_LIMIT, &[], "its trust policy is over the limit"));
    }
    let before = match inline_statements(&role) {
        [] => 0,
        statements => document_size(statements),
    };
    if before <= INLINE_LIMIT {
        return Ok((role, Vec::new(), sizes(before, Vec::new(), Outcome::Fits), Vec::new()));
    }
    let statements = inline_statements(&role).to_vec();
    if mode == PolicySize::Error {
        return Err(too_large(role_id, before, INLINE_LIMIT, &statements, "custom.iamSynth.policySize is `error`"));
    }
    let mut warnings = Vec::new();
    let mut working = statements.clone();
    if mode == PolicySize::Compact {
        working = compact(&statements);
        let after = document_size(&working);
        warnings.push(Warning::PolicyCompacted { role: role_id.into(), before, limit: INLINE_LIMIT, after });
        if after <= INLINE_LIMIT {
            let mut out = role.clone();
            set_inline(&mut out, working);
            return Ok((out, Vec::new(), sizes(after, Vec::new(), Outcome::Compacted), warnings));
        }
    }
    // split: the first statements stay inline while they fit, the rest go to managed policies
    let pieces: Vec<Value> = working.iter().flat_map(|s| cut(s, MANAGED_LIMIT)).collect();
    let total = pieces.len();
    let mut inline = Vec::new();
    let mut rest = pieces.into_iter().peekable();
    while let Some(next) = rest.peek() {
        let mut candidate = inline.clone();
        candidate.push(next.clone());
        if document_size(&candidate) > INLINE_LIMIT {
            break;
        }
        inline = candidate;
        rest.next();
    }
    let mut docs: Vec<Vec<Value>> = Vec::new();
    for s in rest {
        if document_size(std::slice::from_ref(&s)) > MANAGED_LIMIT {
            return Err(too_large(
                role_id,
                before,
                INLINE_LIMIT,
                &statements,
                "one statement is larger than a managed policy can hold",
            ));
        }
        match docs.last_mut() {
            Some(doc) if document_size(&[doc.as_slice(), std::slice::from_ref(&s)].concat()) <= MANAGED_LIMIT => {
                doc.push(s)
            }
            _ => docs.push(vec![s]),
        }
    }
    if managed_policy_count(&role) + docs.len() > MAX_MANAGED_POLICIES {
        return Err(too_large(
            role_id,
            before,
            INLINE_LIMIT,
            &statements,
            &format!(
                "it would need {} managed policies besides the {} it has; IAM attaches at most {MAX_MANAGED_POLICIES}",
                docs.len(),
                managed_policy_count(&role)
            ),
        ));
    }
    let moved = total - inline.len();
    let mut out = role.clone();
    let inline_size = document_size(&inline);
    set_inline(&mut out, inline);
    let mut policies = Vec::new();
    let mut measures = Vec::new();
    for (i, doc) in docs.into_iter().enumerate() {
        let id = format!("{role_id}Policy{}", i + 1);
        measures.push(Measure { logical_id: id.clone(), size: document_size(&doc), limit: MANAGED_LIMIT });
        let mut policy = json!({
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "PolicyDocument": { "Version": "2012-10-17", "Statement": doc },
                "Roles": [{ "Ref": role_id }]
            }
        });
        // a policy of a role that exists only under a condition exists under the same one
        if let Some(condition) = role.get("Condition") {
            policy["Condition"] = condition.clone();
        }
        policies.push((id, policy));
    }
    warnings.push(Warning::PolicySplit {
        role: role_id.into(),
        before,
        limit: INLINE_LIMIT,
        moved,
        policies: measures.iter().map(|m| (m.logical_id.clone(), m.size)).collect(),
        inline: inline_size,
    });
    Ok((out, policies, sizes(inline_size, measures, Outcome::Split), warnings))
}
