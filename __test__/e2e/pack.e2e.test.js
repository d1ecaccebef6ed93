'use strict';

// The published form of the plugin, installed the way a user installs it: `npm run pack:local` writes
// the root tarball and this platform's binary tarball; both go into a fresh service next to Serverless
// 3.40.0 (and, separately, osls) with no `cargo` or `rustc` on PATH, and the service is packaged there.
// The roles must be the ones the plugin makes when it is loaded from this repository.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { packageService, offlineEnv, ROOT, WORK } = require('./harness');

const SERVICE = path.join(ROOT, 'examples', 'quickstart');
const VERSIONS = { serverless: '3.40.0', osls: '4.3.1' };
const ROOT_BUDGET = 50 * 1024;
const BINARY_BUDGET = 1.5 * 1024 * 1024;

/** PATH without any directory that holds a Rust toolchain, as on a user's machine. */
const PATH_WITHOUT_RUST = process.env.PATH.split(path.delimiter)
  .filter((dir) => !['cargo', 'rustc'].some((tool) => fs.existsSync(path.join(dir, tool))))
  .join(path.delimiter);

function env(home) {
  return { ...offlineEnv(home), PATH: PATH_WITHOUT_RUST, npm_config_cache: path.join(os.homedir(), '.npm') };
}

function sh(command, args, cwd, home) {
  return spawnSync(command, args, { cwd, env: env(home), encoding: 'utf8', timeout: 300000 });
}

let pack;
beforeAll(() => {
  // --no-build: scripts/test.sh built the addon for this run; a rebuild would rewrite the binary while
  // the other end-to-end tests load it.
  const run = spawnSync('npm', ['run', 'pack:local', '--', '--no-build'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run pack:local failed:\n${run.stdout}\n${run.stderr}`);
  pack = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'pack.json'), 'utf8'));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `tarball sizes: ${pack.root.file} ${kb(pack.root.bytes)} (goal < 50 KB), ` +
      `${pack.binary.file} ${kb(pack.binary.bytes)} (goal < 1536 KB)`
  );
});

/** A fresh service directory with `framework` and the given tarballs installed from dist/. */
function install(framework, tarballs, label) {
  const dir = path.join(WORK, `pack-${framework}-${label}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(SERVICE, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.serverless`) });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'pack-check', private: true }));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-home-'));
  const files = tarballs.map((t) => path.join(ROOT, 'dist', t));
  const run = sh(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', `${framework}@${VERSIONS[framework]}`, ...files],
    dir,
    home
  );
  if (run.status !== 0) throw new Error(`npm install failed:\n${run.stdout}\n${run.stderr}`);
  return { dir, home };
}

function packageInstalled(framework, { dir, home }) {
  const bin = path.join(dir, 'node_modules', framework, 'bin', 'serverless.js');
  const run = sh(process.execPath, [bin, 'package'], dir, home);
  fs.rmSync(home, { recursive: true, force: true });
  const templatePath = path.join(dir, '.serverless', 'cloudformation-template-update-stack.json');
  const template = run.status === 0 ? JSON.parse(fs.readFileSync(templatePath, 'utf8')) : null;
  return { ...run, template };
}

/** The IAM part of a template: every role and managed policy, and each function's Role and DependsOn. */
function iamView(template) {
  const view = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::ManagedPolicy') view[id] = r;
    if (r.Type === 'AWS::Lambda::Function') view[id] = { Role: r.Properties.Role, DependsOn: r.DependsOn };
  }
  return view;
}

test('the tarballs hold what a release publishes, within their size goals', () => {
  expect(pack.root.files.sort()).toEqual(
    ['LICENSE', 'README.md', 'index.d.ts', 'index.js', 'js/addon.js', 'js/apply.js', 'js/contract.d.ts', 'js/index.js', 'js/lifecycle.js', 'js/project.js', 'js/schema.js', 'js/state.js', 'package.json'].sort()
  );
  expect(pack.binary.files.sort()).toEqual(['README.md', 'package.json', `serverless-iam-synth.${pack.platform}.node`]);
  expect(pack.root.bytes).toBeLessThan(ROOT_BUDGET);
  expect(pack.binary.bytes).toBeLessThan(BINARY_BUDGET);
});

test('PATH used for the installs has no Rust toolchain', () => {
  const which = spawnSync('sh', ['-c', 'command -v cargo || command -v rustc'], { env: { PATH: PATH_WITHOUT_RUST } });
  expect(which.status).not.toBe(0);
});

describe.each(Object.keys(VERSIONS))('installed from the tarballs with %s', (framework) => {
  test('packages a service with a dedicated role, with the same roles as the plugin from source', () => {
    const service = install(framework, [pack.root.file, pack.binary.file], 'both');
    const installed = path.join(service.dir, 'node_modules', 'serverless-iam-synth');
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(manifest.optionalDependencies[`serverless-iam-synth-${pack.platform}`]).toBe(manifest.version);
    expect(fs.existsSync(path.join(installed, 'Cargo.toml'))).toBe(false);
    expect(fs.readdirSync(installed).filter((f) => f.endsWith('.node'))).toEqual([]);

    const run = packageInstalled(framework, service);
    expect(run.stderr + run.stdout).not.toMatch(/serverless-iam-synth: no native engine/);
    expect(run.status).toBe(0);
    const resources = run.template.Resources;
    // quickstart: `worker` has its own statements, so its own role; `api` stays on the shared role
    expect(resources.WorkerLambdaFunction.Properties.Role).toEqual({
      'Fn::GetAtt': ['WorkerIamRoleLambdaExecution', 'Arn'],
    });
    expect(resources.ApiLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    const workerActions = resources.WorkerIamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement.flatMap(
      (s) => [].concat(s.Action)
    );
    expect(workerActions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:ReceiveMessage']));

    const fromSource = packageService(SERVICE, { framework, label: 'pack-reference' });
    expect(fromSource.status).toBe(0);
    expect(iamView(run.template)).toEqual(iamView(fromSource.template));
  });
});

test('without its binary package the plugin stops with one clear message naming the platform', () => {
  const service = install('serverless', [pack.root.file], 'root-only');
  expect(fs.existsSync(path.join(service.dir, 'node_modules', `serverless-iam-synth-${pack.platform}`))).toBe(false);
  const run = packageInstalled('serverless', service);
  const output = run.stdout + run.stderr;
  expect(run.status).toBe(1);
  expect(output).toContain(`serverless-iam-synth: no native engine for this platform (${pack.platform}).`);
  expect(output).toContain(`npm install --save-dev serverless-iam-synth-${pack.platform}@`);
  expect(output).not.toMatch(/Cannot find module|\n\s+at /);
});
