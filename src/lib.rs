//! The napi boundary: JSON in, JSON out; errors and panics become coded diagnostics.

pub mod budget;
pub mod cfn;
pub mod dedicated;
pub mod error;
pub mod grants;
pub mod model;
pub mod naming;
pub mod overrides;
pub mod policy;
pub mod shared;
pub mod size;
pub mod synth;
pub mod validate;

#[cfg(test)]
mod tests;

use napi_derive::napi;
use serde::Serialize;
use serde_json::{json, Value};

use error::SynthError;

/// The largest projection the engine reads: a service at CloudFormation's 500-resource limit with
/// generous events projects to a few MiB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

fn respond<T: Serialize>(input: &str, run: fn(&Value) -> Result<T, Vec<SynthError>>) -> String {
    let outcome = std::panic::catch_unwind(|| {
        if input.len() > MAX_INPUT_BYTES {
            return Err(vec![SynthError::InputTooLarge { bytes: input.len(), limit: MAX_INPUT_BYTES }]);
        }
        let value: Value = serde_json::from_str(input).map_err(|e| {
            if e.to_string().contains("recursion limit") {
                vec![SynthError::InputTooDeep { detail: e.to_string() }]
            } else {
                vec![SynthError::Internal { message: format!("the plugin sent invalid JSON: {e}") }]
            }
        })?;
        run(&value)
    })
    .unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err(vec![SynthError::Internal { message }])
    });
    let body = match outcome {
        Ok(result) => json!({ "ok": true, "result": result }),
        Err(errors) => json!({ "ok": false, "errors": errors.iter().map(SynthError::to_diagnostic).collect::<Vec<_>>() }),
    };
    body.to_string()
}

/// Synthesizes the plan for a projected service (JSON). Returns `{"ok":true,"result":Plan}` or
/// `{"ok":false,"errors":[Diagnostic]}` as JSON.
#[napi]
pub fn synthesize(service_json: String) -> String {
    respond(&service_json, synth::synthesize)
}

/// Reconciles the compiled template with a plan (JSON `{plan, sharedRole, resources}`).
/// Returns `{"ok":true,"result":Reconciled}` or `{"ok":false,"errors":[Diagnostic]}` as JSON.
#[napi]
pub fn reconcile(request_json: String) -> String {
    respond(&request_json, synth::reconcile)
}

/// The engine's version.
#[napi]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
