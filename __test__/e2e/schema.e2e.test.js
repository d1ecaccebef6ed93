'use strict';

// The plugin registers its configuration keys: with `configValidationMode: error` a valid service
// packages (dedicated.e2e.test.js) and a typo in one of those keys is reported by the framework.

const fs = require('fs');
const path = require('path');
const { packageService, WORK } = require('./harness');

function service(name, functionIam) {
  const dir = path.join(WORK, 'generated', name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'serverless.yml'),
    [
      `service: ${name}`,
      "frameworkVersion: '>=3'",
      'configValidationMode: error',
      'provider:',
      '  name: aws',
      '  runtime: nodejs20.x',
      '  iam:',
      '    role:',
      '      mode: perFunction',
      'plugins:',
      '  - serverless-iam-synth',
      'custom:',
      '  iamSynth:',
      '    policySize: compact',
      'functions:',
      '  worker:',
      '    handler: handler.main',
      ...functionIam.map((line) => `    ${line}`),
      '',
    ].join('\n')
  );
  fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = async () => ({});\n');
  return dir;
}

const statements = ['      - Effect: Allow', '        Action: s3:GetObject', '        Resource: arn:aws:s3:::b/*'];

describe.each(['serverless', 'osls'])('%s with configValidationMode: error', (framework) => {
  test('accepts every key of the plugin (mode, iam.role.*, custom.iamSynth)', () => {
    const run = packageService(service('schemaok', ['iam:', '  inheritStatements: false', '  role:', '    statements:', ...statements.map((l) => `  ${l}`)]), { framework });
    expect({ status: run.status, out: run.status ? run.stdout + run.stderr : '' }).toEqual({ status: 0, out: '' });
  });

  test('reports a typo in iam.role (statments)', () => {
    const run = packageService(service('schematypo', ['iam:', '  role:', '    statments:', ...statements.map((l) => `  ${l}`)]), { framework });
    const out = run.stdout + run.stderr;
    expect(run.status).toBe(1);
    expect(out).toMatch(/functions\.worker\.iam\.role|statments/);
  });
});
