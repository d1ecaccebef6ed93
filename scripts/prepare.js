'use strict';

// `npm install` in a clone runs this (npm's `prepare` script; it never runs when a user installs the
// published package from the registry, which brings its prebuilt engine instead): it leaves a working
// engine in the clone. When an engine for this machine already loads there is nothing to do; else it is
// built from source, once, in the release profile (`npm test` builds again, which cargo finds up to date).

const { spawnSync } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** Does the loader find an engine? Asked in a child process, so a failed load leaves nothing cached. */
function engineLoads() {
  const probe = spawnSync(process.execPath, ['-e', "require('./index.js').engineVersion()"], { cwd: ROOT, stdio: 'ignore' });
  return probe.status === 0;
}

function hasCargo() {
  return spawnSync('cargo', ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' }).status === 0;
}

function main() {
  if (engineLoads()) {
    console.log('serverless-iam-synth: the native engine loads; nothing to build');
    return 0;
  }
  if (!hasCargo()) {
    // Not fatal: the dev tools are installed, and every command that needs the engine says how to get it.
    console.warn(
      'serverless-iam-synth: no native engine for this machine and no Rust toolchain to build one. ' +
        'Install Rust (https://rustup.rs), then run `npm run build`.'
    );
    return 0;
  }
  console.log('serverless-iam-synth: no native engine for this machine yet; building it (npm run build)');
  const napi = path.join(ROOT, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
  const build = spawnSync(process.execPath, [napi, 'build', '--platform', '--release'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('serverless-iam-synth: building the native engine failed (above); `npm run build` tries again');
    return build.status || 1;
  }
  return engineLoads() ? 0 : 1;
}

process.exit(main());
