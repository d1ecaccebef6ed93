//! The check of the template the framework is about to write (`before:aws:package:finalize:saveServiceState`):
//! CloudFormation's resource limit (iam-behaviour.md §7) and what other plugins added to the shared
//! role after reconciliation.

use serde::{Deserialize, Serialize};

use crate::error::{Diagnostic, SynthError};
use crate::limits::{ResourceBudget, Strictness, MAX_RESOURCES};
use crate::warning::Warning;

/// `{ resourceCount, budget }`: the number of resources in the template as it will be written.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateCheck {
    pub resource_count: usize,
    pub budget: ResourceBudget,
    /// The shared role before and after the other plugins' late hooks, when it changed.
    #[serde(default)]
    pub shared_role: Option<crate::additions::SharedRoleLater>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Checked {
    pub warnings: Vec<Diagnostic>,
}

pub fn check_template(req: &TemplateCheck) -> Result<Checked, Vec<SynthError>> {
    let mut warnings: Vec<Diagnostic> = req
        .shared_role
        .as_ref()
        .map(|later| crate::additions::shared_role_additions(later).iter().map(Warning::to_diagnostic).collect())
        .unwrap_or_default();
    let count = req.resource_count;
    if count > MAX_RESOURCES {
        let e = SynthError::TooManyResources {
            path: "custom.iamSynth.resourceLimit".into(),
            count,
            added: req.budget.added,
        };
        match req.budget.strictness {
            Strictness::Error => return Err(vec![e]),
            Strictness::Warn => warnings.push(e.to_diagnostic()),
        }
    }
    Ok(Checked { warnings })
}

#[cfg(test)]
mod unit {
    use super::*;

    fn check(count: usize, added: i64, strictness: Strictness) -> Result<Checked, Vec<SynthError>> {
        check_template(&TemplateCheck {
            resource_count: count,
            budget: ResourceBudget { added, strictness },
            shared_role: None,
        })
    }

    #[test]
    fn at_the_limit_nothing_is_said() {
        assert!(check(500, 40, Strictness::Error).unwrap().warnings.is_empty());
    }

    #[test]
    fn over_the_limit_a_warning_with_the_count_and_the_remedies() {
        let w = &check(505, 49, Strictness::Warn).unwrap().warnings[0];
        assert_eq!(w.code, "IAM_SYNTH_TOO_MANY_RESOURCES");
        assert!(w.message.contains("505 resources"), "{}", w.message);
        assert!(w.message.contains("49 of them are roles and policies this plugin added"), "{}", w.message);
        assert!(w.hint.contains("serverless-plugin-split-stacks"), "{}", w.hint);
        assert!(w.hint.contains("resourceLimit: error"), "{}", w.hint);
    }

    #[test]
    fn strict_fails_the_package() {
        let e = check(501, 0, Strictness::Error).unwrap_err();
        let d = e[0].to_diagnostic();
        assert_eq!(d.code, "IAM_SYNTH_TOO_MANY_RESOURCES");
        assert!(d.message.contains("none of them comes from this plugin's roles"), "{}", d.message);
    }
}
