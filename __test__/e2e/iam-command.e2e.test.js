'use strict';

// `serverless iam` and the package-time summary through the real frameworks (Serverless 3.40.0 and
// osls), on examples/iam-report: api on the shared role, worker on a dedicated role, reports under
// an existing role ARN; provider statement events:PutEvents on '*' is the one finding.

const fs = require('fs');
const path = require('path');
const { packageService, ROOT } = require('./harness');
const { lintErrors } = require('./cfn-lint');

const EXAMPLE = path.join(ROOT, 'examples', 'iam-report');
const REPORTING_ROLE = 'arn:aws:iam::123456789012:role/orders-reporting';

describe.each(['serverless', 'osls'])('%s', (framework) => {
  const run = (args, label) => packageService(EXAMPLE, { framework, command: 'iam', args, label: `iam-${label}` });

  test('`serverless iam` prints every role and writes no artifacts', () => {
    const r = run([], 'text');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain('IAM of orders (stage dev, region us-east-1)\n');
    expect(out).toContain('2 generated roles for 3 functions, 1 custom role; 1 finding\n');
    expect(out).toContain('\nIamRoleLambdaExecution (shared role)\n');
    expect(out).toContain('\nWorkerIamRoleLambdaExecution (dedicated role)\n');
    expect(out).toContain('  dynamodb: PutItem, UpdateItem on ${OrdersTable.Arn}\n');
    expect(out).toContain(`\n${REPORTING_ROLE} (custom role, from\n    functions.reports.role)\n`);
    expect(out).toContain('allows write actions on every resource: events:PutEvents');
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(out).not.toMatch(/\x1b/); // not a terminal: plain text
    expect(fs.existsSync(path.join(r.dir, '.serverless'))).toBe(false);
  });

  test('--json prints one JSON document on stdout', () => {
    const r = run(['--json'], 'json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.functions.map((f) => [f.function, f.role, f.roleSource])).toEqual([
      ['api', 'IamRoleLambdaExecution', 'shared'],
      ['worker', 'WorkerIamRoleLambdaExecution', 'dedicated'],
      ['reports', REPORTING_ROLE, 'custom'],
    ]);
    expect(doc.findings.map((f) => [f.code, f.path])).toEqual([['IAM_SYNTH_WILDCARD_RESOURCE', 'provider.iam.role.statements[1]']]);
  });

  test('--output writes the document to a file, whatever else prints to stdout', () => {
    const r = run(['--json', '--output', 'iam-report.json'], 'output');
    expect(r.status).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(r.dir, 'iam-report.json'), 'utf8'));
    expect(doc.functions.map((f) => f.function)).toEqual(['api', 'worker', 'reports']);
    expect(r.stdout).not.toContain('"functions"');
    expect(`${r.stdout}${r.stderr}`).toContain('report written to iam-report.json');
    const bad = run(['--output', path.join('missing-dir', 'x', 'report.txt')], 'output-bad');
    expect(bad.status).toBe(1);
    expect(`${bad.stdout}${bad.stderr}`).toMatch(/cannot write the report to missing-dir\/x\/report\.txt \(ENOENT\).*\[IAM_SYNTH_OUTPUT_FAILED\]/);
    expect(`${bad.stdout}${bad.stderr}`).not.toMatch(/at .*\.js:\d+/);
  });

  test('--function narrows the report', () => {
    const r = run(['--function', 'worker', '--json'], 'function');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.functions.map((f) => f.function)).toEqual(['worker']);
    expect(doc.roles.map((x) => x.logicalId)).toEqual(['WorkerIamRoleLambdaExecution']);
    expect(doc.findings).toEqual([]);
  });

  test('--strict exits with 1 on findings, and 0 for a function without any', () => {
    const failing = run(['--strict'], 'strict');
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('Findings (1)');
    expect(failing.stderr).toContain('serverless-iam-synth: 1 finding, and --strict fails on findings [IAM_SYNTH_FINDINGS]');
    const json = run(['--strict', '--json'], 'strict-json');
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).findings).toHaveLength(1);
    expect(run(['--strict', '--function', 'worker'], 'strict-worker').status).toBe(0);
  });

  test('`package` prints one summary line, and the roles at --verbose', () => {
    const plain = packageService(EXAMPLE, { framework, label: 'summary' });
    expect(plain.status).toBe(0);
    expect(lintErrors([plain.templatePath])).toEqual([]);
    const line = 'serverless-iam-synth: 2 roles (1 dedicated, 1 shared) for 3 functions, 1 on a custom role; largest policy ';
    const output = plain.stdout + plain.stderr;
    expect(output.split(line)).toHaveLength(2);
    expect(output).not.toContain('WorkerIamRoleLambdaExecution (dedicated, 1 function)');
    const verbose = packageService(EXAMPLE, { framework, args: ['--verbose'], label: 'summary-verbose' });
    expect(verbose.status).toBe(0);
    expect(verbose.stdout + verbose.stderr).toMatch(/WorkerIamRoleLambdaExecution \(dedicated, 1 function\): [\d,]+ of 10,240 characters/);
  });
});

// What other plugins add as packaging starts is in the report: serverless-plugin-warmup's warmer (the
// real package, at after:package:initialize), a local plugin adding a function with its own statement at
// package:initialize, and one whose before:package:initialize hook fails as one needing AWS would.
const PLUGINS_SERVICE = `service: beside
frameworkVersion: '>=3'
plugins:
  - serverless-iam-synth
  - serverless-plugin-warmup
  - ./adds-function
  - ./needs-aws
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
custom:
  warmup:
    default:
      enabled: true
functions:
  api:
    handler: handler.api
`;

const ADDS_FUNCTION = `'use strict';
const fs = require('fs');
const path = require('path');
class AddsFunction {
  constructor(serverless) {
    this.hooks = {
      'package:initialize': () => {
        fs.mkdirSync(path.join(serverless.serviceDir, '.adds-function'), { recursive: true });
        fs.writeFileSync(path.join(serverless.serviceDir, '.adds-function', 'handler.js'), '');
        serverless.service.functions.extra = {
          handler: 'handler.api',
          events: [],
          iam: { role: { statements: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:extra' }] } },
        };
      },
    };
  }
}
module.exports = AddsFunction;
`;

const NEEDS_AWS = `'use strict';
class NeedsAws {
  constructor() {
    this.hooks = {
      // fails under \`serverless iam\` only, so that the same service also packages
      'before:package:initialize': async () => {
        if (process.argv[2] === 'iam') throw new Error('Could not load credentials from any providers');
      },
    };
  }
}
module.exports = NeedsAws;
`;

describe.each(['serverless', 'osls'])('%s: what other plugins add as packaging starts', (framework) => {
  const source = path.join(require('./harness').WORK, `iam-plugins-src-${framework}`);
  fs.rmSync(source, { recursive: true, force: true });
  fs.mkdirSync(source, { recursive: true });
  fs.writeFileSync(path.join(source, 'serverless.yml'), PLUGINS_SERVICE);
  fs.writeFileSync(path.join(source, 'handler.js'), 'exports.api = async () => ({});\n');
  fs.writeFileSync(path.join(source, 'adds-function.js'), ADDS_FUNCTION);
  fs.writeFileSync(path.join(source, 'needs-aws.js'), NEEDS_AWS);

  test('the report lists the functions `package` deploys, each under the role it deploys with', () => {
    const r = packageService(source, { framework, command: 'iam', args: ['--json', '--output', 'report.json'], label: 'iam' });
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.status).toBe(0);
    const doc = JSON.parse(fs.readFileSync(path.join(r.dir, 'report.json'), 'utf8'));
    // the failing hook: a warning naming the plugin, the event and the cause; the report goes on
    expect(r.stdout + r.stderr).toContain(
      "runs the other plugins' hooks of before:package:initialize to see what they add, and NeedsAws's failed (Could not load credentials from any providers) [IAM_SYNTH_PLUGIN_HOOK_FAILED]"
    );
    // read-only: nothing written into the service directory (.warmup, .adds-function removed; the
    // harness adds state-check.js)
    expect(fs.readdirSync(r.dir).sort()).toEqual(['adds-function.js', 'handler.js', 'needs-aws.js', 'report.json', 'serverless.yml', 'state-check.js']);

    const packaged = packageService(source, { framework, label: 'package' });
    expect(packaged.status).toBe(0);
    const resources = packaged.template.Resources;
    const deployed = Object.values(resources)
      .filter((x) => x.Type === 'AWS::Lambda::Function')
      .map((x) => {
        const role = x.Properties.Role;
        return role['Fn::GetAtt'] ? role['Fn::GetAtt'][0] : JSON.stringify(role);
      })
      .sort();
    const reported = doc.functions.map((f) => (typeof f.role === 'string' ? f.role : JSON.stringify(f.role))).sort();
    expect(doc.functions.map((f) => f.function).sort()).toEqual(['api', 'extra', 'warmUpPluginDefault']);
    expect(reported).toEqual(deployed);
    const extra = doc.roles.find((x) => x.logicalId === 'ExtraIamRoleLambdaExecution');
    expect(JSON.stringify(extra)).toContain('arn:aws:sqs:us-east-1:123456789012:extra');
    expect(JSON.stringify(resources.ExtraIamRoleLambdaExecution)).toContain('arn:aws:sqs:us-east-1:123456789012:extra');
  });
});
