//! The bad-input corpus: every folder of `__test__/fixtures/broken/` holds a projected service
//! (`service.json`) and the errors a user must get for it (`expected.json`), written by hand from
//! iam-behaviour.md §1, §5.6, §7, the README's Errors table and src/error.rs. `valid/` holds services
//! next to the limits that must pass. The same folders drive `__test__/broken.test.js` (through the
//! addon) and `__test__/e2e/broken.e2e.test.js` (through `serverless package`).
//!
//! A case whose expectation the engine does not meet yet carries `"knownBug": "…"` in expected.json:
//! it is run and listed, but not asserted.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::Diagnostic;
use crate::synth;

const MIN_CASES: usize = 40;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedError {
    code: String,
    path: String,
    #[serde(rename = "messageContains")]
    message_contains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    errors: Vec<ExpectedError>,
    #[serde(rename = "knownBug", default)]
    known_bug: Option<String>,
}

struct Case {
    name: String,
    text: String,
    expected: Expected,
}

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("__test__").join("fixtures").join("broken")
}

/// The case folders directly under `dir` (those with a service.json), sorted by name.
fn load(dir: &Path, label: &str) -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.join("service.json").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| {
            let name = format!("{label}{}", d.file_name().unwrap().to_string_lossy());
            let text = fs::read_to_string(d.join("service.json")).expect("service.json is readable");
            let expected_text =
                fs::read_to_string(d.join("expected.json")).unwrap_or_else(|e| panic!("{name}: expected.json: {e}"));
            let expected: Expected =
                serde_json::from_str(&expected_text).unwrap_or_else(|e| panic!("{name}: expected.json: {e}"));
            Case { name, text, expected }
        })
        .collect()
}

/// The engine's answer for one service text: through `crate::synthesize` (the napi function: text
/// in, JSON answer out), and, when the text parses into a `Value` here, through `synth::synthesize`
/// too, which must agree with it.
fn run(text: &str) -> Result<(), Vec<Diagnostic>> {
    let answer: Value = serde_json::from_str(&crate::synthesize(text.to_string())).expect("the answer is JSON");
    let through_napi: Result<(), Vec<Diagnostic>> = if answer["ok"] == Value::Bool(true) {
        Ok(())
    } else {
        Err(serde_json::from_value(answer["errors"].clone()).expect("errors are diagnostics"))
    };
    if let Ok(input) = serde_json::from_str::<Value>(text) {
        let direct = synth::synthesize(&input)
            .map(|_| ())
            .map_err(|errors| errors.iter().map(|e| e.to_diagnostic()).collect::<Vec<_>>());
        assert_eq!(direct, through_napi, "synth::synthesize and crate::synthesize disagree");
    }
    through_napi
}

fn show(d: &Diagnostic) -> String {
    format!("{} at '{}': {} / {}", d.code, d.path, d.message, d.hint)
}

/// What is wrong with `actual` for `expected`, one line each (empty when it matches).
fn compare(expected: &[ExpectedError], actual: &Result<(), Vec<Diagnostic>>) -> Vec<String> {
    let actual = match actual {
        Ok(()) if expected.is_empty() => return Vec::new(),
        Ok(()) => return vec![format!("synthesis succeeded; expected {} error(s)", expected.len())],
        Err(errors) => errors,
    };
    let mut problems = Vec::new();
    if actual.len() != expected.len() {
        problems.push(format!(
            "{} error(s) reported, {} expected: {:?}",
            actual.len(),
            expected.len(),
            actual.iter().map(|d| format!("{} {}", d.code, d.path)).collect::<Vec<_>>()
        ));
    }
    for (i, e) in expected.iter().enumerate() {
        let Some(a) = actual.get(i) else {
            problems.push(format!("error #{i} missing: expected {} at '{}'", e.code, e.path));
            continue;
        };
        if a.code != e.code || a.path != e.path {
            problems.push(format!("error #{i}: expected {} at '{}', got {}", e.code, e.path, show(a)));
            continue;
        }
        // What the user reads: the message and how to fix it.
        let seen = format!("{}\n{}", a.message, a.hint);
        for fragment in &e.message_contains {
            if !seen.contains(fragment.as_str()) {
                problems.push(format!("error #{i} ({}) does not say {fragment:?}: {}", e.code, show(a)));
            }
        }
    }
    for (i, a) in actual.iter().enumerate().skip(expected.len()) {
        problems.push(format!("unexpected error #{i}: {}", show(a)));
    }
    problems
}

#[test]
fn every_broken_service_is_reported_with_code_path_and_fix() {
    let root = corpus_root();
    let broken = load(&root, "");
    let valid = load(&root.join("valid"), "valid/");
    assert!(
        broken.len() >= MIN_CASES,
        "the corpus has {} broken services, at least {MIN_CASES} expected",
        broken.len()
    );

    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for case in &broken {
        assert!(!case.expected.errors.is_empty(), "{}: a broken case must expect at least one error", case.name);
        for e in &case.expected.errors {
            assert!(e.code.starts_with("IAM_SYNTH_"), "{}: code {:?}", case.name, e.code);
            assert!(!e.message_contains.is_empty(), "{}: say what the message must contain", case.name);
        }
    }
    for case in valid.iter().chain(&broken) {
        let problems = compare(&case.expected.errors, &run(&case.text));
        match &case.expected.known_bug {
            Some(bug) => {
                let status =
                    if problems.is_empty() { "now passes: remove knownBug".to_string() } else { problems.join("; ") };
                skipped.push(format!("{} (knownBug: {bug}) -> {status}", case.name));
            }
            None if !problems.is_empty() => {
                failures.push(format!("{}:\n    {}", case.name, problems.join("\n    ")));
            }
            None => {}
        }
    }
    if !skipped.is_empty() {
        eprintln!("skipped {} known engine bug(s):\n  {}", skipped.len(), skipped.join("\n  "));
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus case(s) failed:\n  {}",
        failures.len(),
        broken.len() + valid.len(),
        failures.join("\n  ")
    );
}

/// Issue 19, item 8: the hint of IAM_SYNTH_INVALID_STATEMENT says how to fix the problem found, not
/// the generic shape of a statement.
#[test]
fn statement_hints_match_the_problem() {
    let cases = [
        (json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "my-bucket" }), "!GetAtt MyTable.Arn"),
        (
            json!({ "Sid": "read-all", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }),
            "letters and digits in Sid",
        ),
        (json!({ "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*" }), "trust policy"),
        (json!({ "Effect": "Allow", "Action": [], "Resource": "*" }), "at least one entry"),
        (json!({ "Effect": "allow", "Action": "s3:GetObject", "Resource": "*" }), "set Effect to Allow or Deny"),
        (json!({ "Effect": "Allow", "Action": "GetObject", "Resource": "*" }), "service:Action"),
        (json!({ "Effect": "Allow", "Action": "s3:GetObject" }), "exactly one of Resource/NotResource"),
        (
            json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": "x" }),
            "Condition as an object",
        ),
        (json!("s3:GetObject"), "as an object with Effect, Action and Resource"),
    ];
    for (statement, hint) in cases {
        let input =
            super::service(json!({ "iam": { "role": { "statements": [statement.clone()] } } }), json!({ "a": {} }));
        let errs = super::errors(&input);
        assert_eq!(errs[0].code, "IAM_SYNTH_INVALID_STATEMENT", "{statement}");
        assert!(errs[0].hint.contains(hint), "{statement}: hint {:?} lacks {hint:?}", errs[0].hint);
    }
    // two kinds of problem in one statement: both fixes, once each
    let input = super::service(
        json!({ "iam": { "role": { "statements": [{ "Effect": "allow", "Action": "bad", "NotAction": "bad" }] } } }),
        json!({ "a": {} }),
    );
    let hint = &super::errors(&input)[0].hint;
    assert_eq!(hint.matches("set Effect to Allow or Deny").count(), 1, "{hint}");
    assert_eq!(hint.matches("exactly one of Action/NotAction").count(), 1, "{hint}");
}
