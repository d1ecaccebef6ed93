'use strict';

// Runs the real `serverless package` offline on a copy of a service, with or without this plugin,
// and returns the compiled template.

const fs = require('fs');
const path = require('path');
const { ROOT, offlineEnv, ensureSelfLink, runOffline, copyService } = require('../../scripts/lib/offline');

const WORK = path.join(ROOT, '.e2e-work');

const PLUGIN_LINE = /^(\s*)-\s*serverless-iam-synth\s*$/m;

/** Lists __test__/e2e/state-check.js right after the plugin, so that every packaging run with the
 * plugin also records what the framework's json-cycle writes for the state the plugin's writer wrote. */
function withStateCheck(dir, yml) {
  const text = fs.readFileSync(yml, 'utf8');
  if (!PLUGIN_LINE.test(text)) return;
  fs.copyFileSync(path.join(__dirname, 'state-check.js'), path.join(dir, 'state-check.js'));
  fs.writeFileSync(yml, text.replace(PLUGIN_LINE, (line, indent) => `${line}\n${indent}- ./state-check.js`));
}

/** The state file must be, byte for byte, what json-cycle writes for the same state. */
function checkState(dir) {
  const state = path.join(dir, '.serverless', 'serverless-state.json');
  const expected = path.join(dir, '.serverless', 'serverless-state.json-cycle.txt');
  if (!fs.existsSync(expected)) return false;
  if (fs.readFileSync(state, 'utf8') !== fs.readFileSync(expected, 'utf8')) {
    throw new Error(`${state} differs from what json-cycle writes for the same state (${expected})`);
  }
  return true;
}

function withoutPlugin(yml) {
  const stripped = yml.replace(PLUGIN_LINE, '');
  // drop a `plugins:` key left without entries (other plugins' entries keep it)
  return stripped.replace(/^plugins:[ \t]*\n(?!(?:[ \t]*\n)*[ \t]+-)/m, '');
}

/**
 * Packages `serviceDir` and returns `{ status, stdout, stderr, template, dir }`.
 * options: plugin (default true), framework ('serverless' | 'osls'), args (extra CLI args), label,
 * command (default 'package').
 */
function packageService(serviceDir, options = {}) {
  const { plugin = true, framework = 'serverless', args = [], label = '', command = 'package', nodeArgs = [] } = options;
  const name = `${path.basename(serviceDir)}-${framework}-${plugin ? 'plugin' : 'bare'}${label ? `-${label}` : ''}`;
  const dir = path.join(WORK, name);
  copyService(serviceDir, dir);
  const yml = path.join(dir, 'serverless.yml');
  if (!plugin) fs.writeFileSync(yml, withoutPlugin(fs.readFileSync(yml, 'utf8')));
  else if (fs.existsSync(yml)) withStateCheck(dir, yml);
  const run = runOffline(dir, { framework, command, args, nodeArgs });
  const stateChecked = checkState(dir);
  return { ...run, dir, stateChecked };
}

module.exports = { packageService, withoutPlugin, offlineEnv, ensureSelfLink, ROOT, WORK };
