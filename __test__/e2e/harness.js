'use strict';

// Runs the real `serverless package` offline on a copy of a service, with or without this plugin,
// and returns the compiled template.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, '.e2e-work');
const FRAMEWORKS = {
  serverless: path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'),
  osls: path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
};

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

/** The plugin must be resolvable by name from the copies, as it is in a user's project. */
function ensureSelfLink() {
  const link = path.join(ROOT, 'node_modules', 'serverless-iam-synth');
  // a junction on Windows, where directory symlinks need privileges; junctions take absolute paths
  if (!fs.existsSync(link)) fs.symlinkSync(process.platform === 'win32' ? ROOT : '..', link, 'junction');
}

function withoutPlugin(yml) {
  const stripped = yml.replace(PLUGIN_LINE, '');
  // drop a `plugins:` key left without entries (other plugins' entries keep it)
  return stripped.replace(/^plugins:[ \t]*\n(?!(?:[ \t]*\n)*[ \t]+-)/m, '');
}

function offlineEnv(home) {
  return {
    ...process.env,
    HOME: home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DISABLE_AUTO_UPDATE: '1',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    FORCE_COLOR: '0',
  };
}

/**
 * Packages `serviceDir` and returns `{ status, stdout, stderr, template, dir }`.
 * options: plugin (default true), framework ('serverless' | 'osls'), args (extra CLI args), label,
 * command (default 'package').
 */
function packageService(serviceDir, options = {}) {
  const { plugin = true, framework = 'serverless', args = [], label = '', command = 'package', nodeArgs = [] } = options;
  ensureSelfLink();
  const name = `${path.basename(serviceDir)}-${framework}-${plugin ? 'plugin' : 'bare'}${label ? `-${label}` : ''}`;
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(serviceDir, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.serverless`) });
  const yml = path.join(dir, 'serverless.yml');
  if (!plugin) fs.writeFileSync(yml, withoutPlugin(fs.readFileSync(yml, 'utf8')));
  else if (fs.existsSync(yml)) withStateCheck(dir, yml);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-home-'));
  const run = spawnSync(process.execPath, [...nodeArgs, FRAMEWORKS[framework], command, ...args], {
    cwd: dir,
    env: offlineEnv(home),
    encoding: 'utf8',
    timeout: 180000,
  });
  fs.rmSync(home, { recursive: true, force: true });
  const stateChecked = checkState(dir);
  const templatePath = path.join(dir, '.serverless', 'cloudformation-template-update-stack.json');
  const template = run.status === 0 && fs.existsSync(templatePath) ? JSON.parse(fs.readFileSync(templatePath, 'utf8')) : null;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, template, templatePath, dir, stateChecked };
}

module.exports = { packageService, withoutPlugin, offlineEnv, ensureSelfLink, ROOT, WORK };
