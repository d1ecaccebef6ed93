'use strict';

// Runs cfn-lint (from the project's venv, or CFN_LINT) on templates; returns its error lines.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { ROOT } = require('./harness');

function cfnLintBinary() {
  if (process.env.CFN_LINT) return process.env.CFN_LINT;
  const venv = path.join(ROOT, '.venv', 'bin', 'cfn-lint');
  if (fs.existsSync(venv)) return venv;
  throw new Error('cfn-lint not found: run `npm test` (it installs it into .venv) or set CFN_LINT');
}

/** Error findings (E…) per template path; warnings and informational findings are left out. */
function lintErrors(templatePaths) {
  const run = spawnSync(cfnLintBinary(), [...templatePaths, '--format', 'parseable', '--ignore-checks', 'W', 'I'], {
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  const lines = (run.stdout || '').split('\n').filter(Boolean);
  const errors = lines.filter((l) => /:E\d+:/.test(l));
  if (run.status !== 0 && !errors.length) {
    throw new Error(`cfn-lint failed without findings (exit ${run.status}): ${run.stderr}`);
  }
  return errors;
}

/** The templates `package` wrote into `dir`/.serverless (the update stack and any nested stacks). */
function packagedTemplates(dir) {
  const out = path.join(dir, '.serverless');
  return fs.readdirSync(out).filter((f) => /^cloudformation-template-.*\.json$/.test(f) && !f.includes('create-stack')).map((f) => path.join(out, f));
}

module.exports = { lintErrors, packagedTemplates };
