'use strict';

// `npm install` in a clone builds the native engine from source. An installed copy of the published
// package has no Rust sources and uses its prebuilt binary, so this does nothing there.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const isClone = fs.existsSync(path.join(root, 'Cargo.toml')) && fs.existsSync(path.join(root, 'src', 'lib.rs'));
if (!isClone || process.env.IAM_SYNTH_SKIP_BUILD) process.exit(0);

const napi = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
if (!fs.existsSync(napi)) {
  console.error('serverless-iam-synth: @napi-rs/cli is missing; run `npm install` in the repository first');
  process.exit(1);
}
const run = spawnSync(process.execPath, [napi, 'build', '--platform', '--release'], { cwd: root, stdio: 'inherit' });
process.exit(run.status === null ? 1 : run.status);
