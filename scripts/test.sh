#!/usr/bin/env bash
# The whole test suite: the lints, the release build of the addon, Rust unit tests, jest (addon, plugin) and the end-to-end packaging tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# cfn-lint validates every packaged template; it lives in a project-local venv.
CFN_LINT_VERSION=1.58.0
if [ -z "${CFN_LINT:-}" ] && ! .venv/bin/cfn-lint --version 2>/dev/null | grep -q "$CFN_LINT_VERSION"; then
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "cfn-lint==$CFN_LINT_VERSION"
fi

# moto and boto3 for the deploy check (__test__/e2e/deploy.e2e.test.js), in the same venv; reinstalled
# when scripts/deploy-check-requirements.txt changes. cfn-lint is named again so pip keeps its version.
if [ -z "${DEPLOY_PYTHON:-}" ] && ! cmp -s scripts/deploy-check-requirements.txt .venv/deploy-check-requirements.txt; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/deploy-check-requirements.txt "cfn-lint==$CFN_LINT_VERSION"
  cp scripts/deploy-check-requirements.txt .venv/deploy-check-requirements.txt
fi

# The lints first (fast): Rust formatting, clippy with warnings as errors, ESLint, and the plugin
# type-checked against the boundary's types (js/contract.d.ts).
cargo fmt --check
cargo clippy --release --all-targets --quiet -- -D warnings
npx eslint .
npx tsc -p tsconfig.json

# The native addon, built once per run (cargo reuses an up-to-date build).
npx napi build --platform --release
cargo test --release --quiet
npx jest "$@"
