'use strict';

// Deploy check: each example is packaged with this plugin (Serverless 3.40.0, offline), then
// __test__/deploy/deploy_check.py creates the template's IAM roles, with the functions, queues,
// tables and streams they need, as a CloudFormation stack in moto (in-process, no network) and reads
// every role back through the IAM API. Each role read back must equal the template's role as
// planned: trust policy, path, inline policies statement by statement, managed policy ARNs,
// permissions boundary, tags and name, with intrinsics resolved against the created resources
// (see __test__/deploy/compare.js for the resolution and the normalization); and every function must
// run under the role its template names.
//
// The Python with moto is DEPLOY_PYTHON, else .venv/bin/python (scripts/test.sh installs
// scripts/deploy-check-requirements.txt there).

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { packageService, ROOT } = require('./harness');
const { resolve, comparableActual, comparableExpected } = require('../deploy/compare');

const EXAMPLES = [
  'quickstart',
  'all-features-order',
  'provider-iam-role',
  'role-kinds-function',
  'dedicated-shared-mode',
  'dedicated-per-function-inherit',
  'dedicated-every-event',
  'guide-per-function-mode',
  // §6.2: the plugin leaves out the log statements that would have `Resource: []`
  'logs-all-disabled',
];

// The control: the framework alone (no plugin) packages logs-all-disabled with `Resource: []` in both
// log statements, which IAM rejects at deploy time (iam-behaviour.md §6.2). The deploy check must
// reject it too, or it would not be checking anything.
const CONTROL = 'logs-all-disabled';

const DEPLOY_CHECK = path.join(ROOT, '__test__', 'deploy', 'deploy_check.py');

function deployPython() {
  if (process.env.DEPLOY_PYTHON) return process.env.DEPLOY_PYTHON;
  const venv = path.join(ROOT, '.venv', 'bin', 'python');
  if (fs.existsSync(venv)) return venv;
  throw new Error(
    'no Python with moto: run `npm test` (scripts/test.sh installs scripts/deploy-check-requirements.txt ' +
      'into .venv) or set DEPLOY_PYTHON',
  );
}

const packaged = {};
let reports = {};
let deployRun = null;

beforeAll(() => {
  const python = deployPython();
  for (const example of EXAMPLES) {
    packaged[example] = packageService(path.join(ROOT, 'examples', example), { label: 'deploy' });
  }
  packaged.control = packageService(path.join(ROOT, 'examples', CONTROL), { plugin: false, label: 'deploy' });
  const templates = [...EXAMPLES, 'control'].filter((e) => packaged[e].template).map((e) => packaged[e].templatePath);
  if (!templates.length) return;
  // One Python process for all templates (moto's import is the slow part); each template gets a
  // fresh moto account. Exit code 1 only means some report is not ok: each test reads its own.
  deployRun = spawnSync(python, [DEPLOY_CHECK, ...templates], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (deployRun.error) throw deployRun.error;
  let parsed;
  try {
    parsed = JSON.parse(deployRun.stdout);
  } catch (e) {
    throw new Error(
      `deploy_check.py printed no JSON (exit ${deployRun.status}; does ${python} have ` +
        `scripts/deploy-check-requirements.txt installed?):\n${deployRun.stderr}`,
    );
  }
  reports = templates.length === 1 ? { [templates[0]]: parsed } : parsed.results;
});

function rawReportFor(example) {
  const pkg = packaged[example];
  if (pkg.status !== 0 || !pkg.template) {
    throw new Error(`serverless package failed for ${example} (exit ${pkg.status}):\n${pkg.stdout}\n${pkg.stderr}`);
  }
  const report = reports[pkg.templatePath];
  if (!report) throw new Error(`no deploy check report for ${example}:\n${deployRun && deployRun.stderr}`);
  return report;
}

function reportFor(example) {
  const report = rawReportFor(example);
  if (!report.ok) {
    const events = report.events ? `\nstack events:\n${JSON.stringify(report.events, null, 1)}` : '';
    throw new Error(`deploy check failed for ${example}: ${report.error}${events}\n${report.traceback || ''}`);
  }
  return { template: packaged[example].template, report };
}

function checkExample(example) {
  const { template, report } = reportFor(example);
  expect(report.stackStatus).toBe('CREATE_COMPLETE');

  const planned = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::Role');
  expect(planned.length).toBeGreaterThan(0);
  // Every role of the template was created, and nothing else was read back as a role.
  expect(Object.keys(report.roles).sort()).toEqual([...planned].sort());

  const expected = Object.fromEntries(planned.map((id) => [id, comparableExpected(template, id, report)]));
  const actual = Object.fromEntries(planned.map((id) => [id, comparableActual(report.roles[id])]));
  // Per role first, so that a failure names the role; then the whole set.
  for (const id of planned) {
    expect({ [id]: actual[id] }).toEqual({ [id]: expected[id] });
  }
  expect(actual).toEqual(expected);

  // The functions run under the roles the template names.
  const functions = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::Lambda::Function');
  const roles = Object.fromEntries(functions.map((id) => [id, resolve(template.Resources[id].Properties.Role, report)]));
  const created = Object.fromEntries(functions.map((id) => [id, report.functions[id] && report.functions[id].role]));
  expect(created).toEqual(roles);
  return report;
}

describe('deploy check: roles created in moto equal the plan', () => {
  for (const example of EXAMPLES) {
    test(example, () => {
      checkExample(example);
    });
  }

  test(`control: ${CONTROL} packaged without the plugin is rejected (Resource: [])`, () => {
    const report = rawReportFor('control');
    expect(report.ok).toBe(false);
    expect(report.error).toContain('IamRoleLambdaExecution');
    expect(report.error).toContain('Policy statement must contain resources');
  });
});
