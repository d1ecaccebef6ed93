//! The napi boundary: JSON in, JSON out; errors and panics become coded diagnostics.

mod additions;
mod budget;
mod cfn;
mod check;
mod dedicated;
mod error;
mod grants;
mod limits;
mod model;
mod naming;
mod overrides;
mod plan;
mod policy;
mod readable;
mod reconcile;
mod report;
mod shared;
mod size;
mod synth;
mod validate;
mod warning;

#[cfg(test)]
mod tests;

use napi_derive::napi;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

use error::SynthError;

/// The largest projection the engine reads: a service at CloudFormation's 500-resource limit with
/// generous events projects to a few MiB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Runs one engine call; a panic becomes `IAM_SYNTH_INTERNAL`.
fn guarded<T>(run: impl FnOnce() -> Result<T, Vec<SynthError>>) -> Result<T, Vec<SynthError>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err(vec![SynthError::Internal { message }])
    })
}

fn parse<I: DeserializeOwned>(input: &str) -> Result<I, Vec<SynthError>> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(vec![SynthError::InputTooLarge { bytes: input.len(), limit: MAX_INPUT_BYTES }]);
    }
    serde_json::from_str(input).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            vec![SynthError::InputTooDeep { detail: e.to_string() }]
        } else {
            vec![SynthError::Internal { message: format!("the plugin sent invalid JSON: {e}") }]
        }
    })
}

/// Inputs at least this large are freed on a helper thread (see `free_later`).
const FREE_LATER_BYTES: usize = 256 * 1024;

/// Frees a call's input and answer trees on a helper thread once the answer is written: at 1,000
/// functions that is about a quarter of the call's time, and the caller need not wait for it.
/// Small calls free in place, where a thread would cost more than it saves; so does a call whose
/// thread cannot be started (the closure, and `garbage` with it, is dropped right here).
fn free_later<T: Send + 'static>(garbage: T, input_bytes: usize) {
    if input_bytes >= FREE_LATER_BYTES {
        let _ = std::thread::Builder::new().name("iam-synth-free".into()).spawn(move || drop(garbage));
    }
}

/// The answer's two shapes: `{"ok":true,"result":…}` and `{"ok":false,"errors":[Diagnostic]}`.
#[derive(Serialize)]
#[serde(untagged)]
enum Answer<T> {
    Done { ok: bool, result: T },
    Failed { ok: bool, errors: Vec<error::Diagnostic> },
}

fn answer<T>(outcome: Result<T, Vec<SynthError>>) -> Answer<T> {
    match outcome {
        Ok(result) => Answer::Done { ok: true, result },
        Err(errors) => Answer::Failed { ok: false, errors: errors.iter().map(SynthError::to_diagnostic).collect() },
    }
}

fn respond_text<I, T>(input: &str, run: impl FnOnce(&I) -> Result<T, Vec<SynthError>>) -> String
where
    I: DeserializeOwned + Send + 'static,
    T: Serialize + Send + 'static,
{
    let mut parsed: Option<I> = None;
    let answer = answer(guarded(|| run(parsed.insert(parse(input)?))));
    let text = serde_json::to_string(&answer).unwrap_or_else(|e| {
        json!({ "ok": false, "errors": [SynthError::Internal { message: e.to_string() }.to_diagnostic()] }).to_string()
    });
    free_later((parsed, answer), input.len());
    text
}

#[cfg(feature = "bench")]
fn respond_value<T: Serialize>(input: Value, run: fn(&Value) -> Result<T, Vec<SynthError>>) -> Value {
    let outcome = guarded(|| run(&input));
    serde_json::to_value(answer(outcome)).unwrap_or_else(
        |e| json!({ "ok": false, "errors": [SynthError::Internal { message: e.to_string() }.to_diagnostic()] }),
    )
}

/// Synthesizes the plan for a projected service (JSON). Returns `{"ok":true,"result":Plan}` or
/// `{"ok":false,"errors":[Diagnostic]}` as JSON.
#[napi]
pub fn synthesize(service_json: String) -> String {
    respond_text::<Value, _>(&service_json, synth::synthesize)
}

/// Reconciles the compiled template with a plan (JSON `{plan, sharedRole, resources}`).
/// Returns `{"ok":true,"result":Reconciled}` or `{"ok":false,"errors":[Diagnostic]}` as JSON.
#[napi]
pub fn reconcile(request_json: String) -> String {
    respond_text(&request_json, reconcile::reconcile_request)
}

/// Checks the template the framework is about to write (JSON `{resourceCount, budget}`) against
/// CloudFormation's resource limit. Returns `{"ok":true,"result":{"warnings":[...]}}` or the error.
#[napi]
pub fn check_template(request_json: String) -> String {
    respond_text(&request_json, check::check_template)
}

/// `serverless iam`: synthesizes the projected service (JSON) as `package` does and reports on it.
/// `options_json` is `{function?, json?, color?, width?}`. Returns
/// `{"ok":true,"result":{"output":text,"findings":n}}` or `{"ok":false,"errors":[Diagnostic]}` as JSON.
#[napi]
pub fn report(service_json: String, options_json: String) -> String {
    respond_text(&service_json, |service: &Value| {
        let options: Value = parse(&options_json)?;
        report::report(service, &options)
    })
}

/// `synthesize` with the service and the answer as JavaScript objects, converted by napi's serde
/// support instead of JSON text. The plugin uses the JSON form, which the benchmark measured faster
/// (BENCHMARKS.md); this form is kept, in the benchmark's build only (feature `bench`), so that the
/// benchmark can go on comparing the two.
#[cfg(feature = "bench")]
#[napi(ts_args_type = "service: object", ts_return_type = "{ ok: boolean; result?: object; errors?: object[] }")]
pub fn synthesize_object(service: Value) -> Value {
    respond_value(service, synth::synthesize)
}

/// `reconcile` with objects instead of JSON text; see `synthesizeObject`.
#[cfg(feature = "bench")]
#[napi(ts_args_type = "request: object", ts_return_type = "{ ok: boolean; result?: object; errors?: object[] }")]
pub fn reconcile_object(request: Value) -> Value {
    respond_value(request, reconcile::reconcile)
}

/// The projection's contract (JSON): the keys the plugin copies, the provider lists it measures,
/// the shared role's logical id.
#[napi]
pub fn contract() -> String {
    model::contract().to_string()
}

/// The engine's version.
#[napi]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
