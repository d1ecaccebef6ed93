//! The engine's layers point one way: a module uses only modules of its own layer or below, and no
//! two modules use each other, directly or through others. Read from the `crate::` paths of the
//! sources, so that a new `use` that breaks the picture fails here.
//!
//! ```text
//! lib.rs                      the napi boundary
//! reconcile  check  report    after synthesis: they read the plan, not each other
//! synth  plan  shared  dedicated  additions      synthesis
//! policy  grants  budget  overrides              IAM documents and what they grant
//! model  validate                                the configuration and its rules
//! error  warning  cfn  naming  size  readable  limits     leaves
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LAYERS: &[&[&str]] = &[
    &["error", "cfn", "naming", "size", "readable", "limits", "warning"],
    &["model", "validate"],
    &["policy", "grants", "budget", "overrides"],
    &["synth", "plan", "shared", "dedicated", "additions"],
    &["reconcile", "check", "report"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The modules each module of the engine uses, from its source (a directory module's files together).
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut read = |module: &str, path: &Path| {
        let text = std::fs::read_to_string(path).expect("a source file");
        // the module's own tests may reach anywhere
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let used = out.entry(module.to_string()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if name != module && !name.is_empty() {
                used.insert(name);
            }
        }
        // `use super::…` inside a directory module stays inside it
    };
    for entry in std::fs::read_dir(&root).expect("src") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if path.extension().is_some_and(|e| e == "rs") && name != "lib" {
            read(&name, &path);
        } else if path.is_dir() && name != "tests" {
            for file in std::fs::read_dir(&path).expect("a module directory") {
                let file = file.expect("an entry").path();
                read(&name, &file);
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    let unplaced: Vec<String> = uses().into_keys().filter(|m| layer(m).is_none()).collect();
    assert!(unplaced.is_empty(), "modules missing from LAYERS in src/tests/layers.rs: {unplaced:?}");
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let mut wrong = Vec::new();
    for (module, used) in uses() {
        let Some(own) = layer(&module) else { continue };
        for other in used {
            match layer(&other) {
                Some(l) if l > own => wrong.push(format!("{module} (layer {own}) uses {other} (layer {l})")),
                None => wrong.push(format!("{module} uses {other}, which is in no layer")),
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_two_modules_depend_on_each_other() {
    let graph = uses();
    // depth-first from each module: a path back to it is a cycle
    fn reaches(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> bool {
        for next in graph.get(from).into_iter().flatten() {
            path.push(next.clone());
            if next == to || (seen.insert(next.clone()) && reaches(graph, next, to, seen, path)) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut cycles = Vec::new();
    for module in graph.keys() {
        let mut path = vec![module.clone()];
        if reaches(&graph, module, module, &mut BTreeSet::new(), &mut path) {
            cycles.push(path.join(" → "));
        }
    }
    assert!(cycles.is_empty(), "dependency cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_steps_after_synthesis_do_not_use_each_other() {
    let graph = uses();
    let top = LAYERS[LAYERS.len() - 1];
    let mut wrong = Vec::new();
    for module in top {
        for other in graph.get(*module).into_iter().flatten() {
            if top.contains(&other.as_str()) {
                wrong.push(format!("{module} uses {other}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
