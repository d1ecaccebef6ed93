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
