'use strict';

// Running the real frameworks offline on a service directory: the scripts (example, bench) and the
// e2e tests' harness (__test__/e2e/harness.js) share this.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const FRAMEWORKS = {
  serverless: path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'),
  osls: path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
};

/** The plugin must be resolvable by name from the copies, as it is in a user's project. */
function ensureSelfLink() {
  const link = path.join(ROOT, 'node_modules', 'serverless-iam-synth');
  // a junction on Windows, where directory symlinks need privileges; junctions take absolute paths
  if (!fs.existsSync(link)) fs.symlinkSync(process.platform === 'win32' ? ROOT : '..', link, 'junction');
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
 * Runs `serverless <command> <args>` (default `package`) in `dir` with a fresh HOME and the offline
 * environment. Returns `{ status, stdout, stderr, template, templatePath }`; `template` is the packaged
 * update-stack template when the command succeeded and wrote one.
 */
function runOffline(dir, { framework = 'serverless', command = 'package', args = [], nodeArgs = [] } = {}) {
  ensureSelfLink();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sls-home-'));
  const run = spawnSync(process.execPath, [...nodeArgs, FRAMEWORKS[framework], command, ...args], {
    cwd: dir,
    env: offlineEnv(home),
    encoding: 'utf8',
    timeout: 180000,
  });
  fs.rmSync(home, { recursive: true, force: true });
  const templatePath = path.join(dir, '.serverless', 'cloudformation-template-update-stack.json');
  const template = run.status === 0 && fs.existsSync(templatePath) ? JSON.parse(fs.readFileSync(templatePath, 'utf8')) : null;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, template, templatePath };
}

/** A copy of `serviceDir` in `dir` (emptied first), without a previous `.serverless`. */
function copyService(serviceDir, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(serviceDir, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.serverless`) });
}

module.exports = { ROOT, FRAMEWORKS, offlineEnv, ensureSelfLink, runOffline, copyService };
