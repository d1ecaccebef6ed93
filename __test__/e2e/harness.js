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

/** The plugin must be resolvable by name from the copies, as it is in a user's project. */
function ensureSelfLink() {
  const link = path.join(ROOT, 'node_modules', 'serverless-iam-synth');
  // a junction on Windows, where directory symlinks need privileges; junctions take absolute paths
  if (!fs.existsSync(link)) fs.symlinkSync(process.platform === 'win32' ? ROOT : '..', link, 'junction');
}

function withoutPlugin(yml) {
  const stripped = yml.replace(PLUGIN_LINE, '');
  // drop a `plugins:` key left without entries
  return stripped.replace(/^plugins:\s*\n(?=\S|$)/m, '');
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
  const { plugin = true, framework = 'serverless', args = [], label = '', command = 'package' } = options;
  ensureSelfLink();
  const name = `${path.basename(serviceDir)}-${framework}-${plugin ? 'plugin' : 'bare'}${label ? `-${label}` : ''}`;
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(serviceDir, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.serverless`) });
  if (!plugin) {
    const yml = path.join(dir, 'serverless.yml');
    fs.writeFileSync(yml, withoutPlugin(fs.readFileSync(yml, 'utf8')));
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-home-'));
  const run = spawnSync(process.execPath, [FRAMEWORKS[framework], command, ...args], {
    cwd: dir,
    env: offlineEnv(home),
    encoding: 'utf8',
    timeout: 180000,
  });
  fs.rmSync(home, { recursive: true, force: true });
  const templatePath = path.join(dir, '.serverless', 'cloudformation-template-update-stack.json');
  const template = run.status === 0 && fs.existsSync(templatePath) ? JSON.parse(fs.readFileSync(templatePath, 'utf8')) : null;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, template, templatePath, dir };
}

module.exports = { packageService, withoutPlugin, offlineEnv, ensureSelfLink, ROOT, WORK };
