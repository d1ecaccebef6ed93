'use strict';

// Unusual but valid (or subtly invalid) services from issue 19, packaged offline by Serverless 3.40.0
// and osls with this plugin. Expected values are written by hand from the current IAM guide (a
// function's `role` always wins), iam-behaviour.md §1 and IAM's limits (role names of at most 64
// characters; tag keys of 1-128 and values of up to 256 letters, digits, spaces and `_ . : / = + - @`;
// no repeated Sid in one policy).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { packageService } = require('./harness');
const { lintErrors } = require('./cfn-lint');

const SHARED = 'IamRoleLambdaExecution';

function writeService(name, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.writeFileSync(
    path.join(dir, 'serverless.yml'),
    `service: ${body.service || 'unusual'}
frameworkVersion: '>=3'
plugins:
${(body.plugins || ['serverless-iam-synth']).map((p) => `  - ${p}`).join('\n')}
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
${body.provider || ''}
functions:
${body.functions}
${body.custom || ''}
`
  );
  fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = async () => ({});\n');
  return dir;
}

/** Every `DependsOn` entry of every resource names a resource of the template. */
function danglingDependencies(template) {
  const ids = new Set(Object.keys(template.Resources));
  const out = [];
  for (const [id, res] of Object.entries(template.Resources)) {
    for (const dep of [].concat(res.DependsOn || [])) if (!ids.has(dep)) out.push(`${id} -> ${dep}`);
  }
  return out;
}

const failureText = (run) => `${run.stdout}\n${run.stderr}`;

describe.each(['serverless', 'osls'])('%s', (framework) => {
  /** Packages the service, which must fail; returns what the framework printed. */
  const failedPackage = (name, label, body) => {
    const run = packageService(writeService(name, body), { framework, label });
    expect(run.status).toBe(1);
    return failureText(run);
  };

  test.each([
    ['a logical id', 'IamRoleLambdaExecution'],
    ['Fn::GetAtt', '!GetAtt IamRoleLambdaExecution.Arn'],
  ])('perFunction mode: role naming the shared role as %s runs under the shared role, which is kept', (label, role) => {
    const run = packageService(
      writeService('per-function-shared', {
        provider: `  iam:
    role:
      mode: perFunction
      statements:
        - Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::bucket/*`,
        functions: `  onShared:
    handler: handler.main
    role: ${role}
    events:
      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
  own:
    handler: handler.main`,
      }),
      { framework, label: label.replace(/\W/g, '') }
    );
    expect(run.status).toBe(0);
    const r = run.template.Resources;
    expect(r.OnSharedLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': [SHARED, 'Arn'] });
    expect(r[SHARED].Type).toBe('AWS::IAM::Role');
    expect(r.OnSharedIamRoleLambdaExecution).toBeUndefined();
    expect(r.OwnLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['OwnIamRoleLambdaExecution', 'Arn'] });
    const statements = r[SHARED].Properties.Policies[0].PolicyDocument.Statement;
    // the provider's statement and the function's SQS permissions are on the role it runs under
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bucket/*' });
    expect(statements.some((s) => [].concat(s.Action).includes('sqs:ReceiveMessage'))).toBe(true);
    expect(danglingDependencies(run.template)).toEqual([]);
    expect(lintErrors([run.templatePath])).toEqual([]);
  });

  test('a dedicated role grants the log group its compiled Lambda writes to (logs.logGroup)', () => {
    const run = packageService(
      writeService('log-groups', {
        provider: `  logs:
    lambda:
      logGroup: /custom/provider`,
        functions: `  a: { handler: handler.main, logs: { logGroup: /custom/a }, iam: { role: { statements: [] } } }
  b: { handler: handler.main, logs: { logFormat: JSON }, iam: { role: { statements: [] } } }
  c: { handler: handler.main, iam: { role: { statements: [] } } }`,
      }),
      { framework }
    );
    expect(run.status).toBe(0);
    const r = run.template.Resources;
    // written from each framework's compiled function: Serverless 3.40.0 has no logs.logGroup and
    // compiles no LoggingConfig; osls compiles the function's `logs`, else provider.logs.lambda.
    const expected =
      framework === 'serverless'
        ? { A: '/aws/lambda/unusual-dev-a', B: '/aws/lambda/unusual-dev-b', C: '/aws/lambda/unusual-dev-c' }
        : { A: '/custom/a', B: '/aws/lambda/unusual-dev-b', C: '/custom/provider' };
    for (const [id, group] of Object.entries(expected)) {
      const config = r[`${id}LambdaFunction`].Properties.LoggingConfig;
      expect(config && config.LogGroup ? config.LogGroup : `/aws/lambda/unusual-dev-${id.toLowerCase()}`).toBe(group);
      const [logs] = r[`${id}IamRoleLambdaExecution`].Properties.Policies[0].PolicyDocument.Statement;
      expect(logs).toEqual({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
        Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}:*:*` }],
      });
    }
    const warnings = failureText(run).match(/\[IAM_SYNTH_LOG_GROUP_NOT_APPLIED\]/g) || [];
    // 3.40.0: one for functions.a.logs.logGroup, one for the provider's setting (b and c); osls: b's
    expect(warnings.length).toBe(framework === 'serverless' ? 2 : 1);
    expect(lintErrors([run.templatePath])).toEqual([]);
  });

  /** 140 functions with dedicated roles: 423 resources alone (a Lambda, its log group and version
   * each, the bucket, its policy, the shared role), 562 with the plugin (140 roles for the shared one).
   * Without the plugin the functions have no `iam` (osls refuses keys no plugin registered). */
  const manyRoles = (iam = true) =>
    Array.from({ length: 140 }, (_, i) => `  f${i}: { handler: handler.main${iam ? ', iam: { role: { statements: [] } }' : ''} }`).join('\n');

  test("a template over CloudFormation's 500 resources packages with IAM_SYNTH_TOO_MANY_RESOURCES", () => {
    const run = packageService(writeService('many-roles', { functions: manyRoles() }), { framework, label: 'limit-warn' });
    expect(run.status).toBe(0);
    expect(Object.keys(run.template.Resources).length).toBe(562);
    const text = failureText(run);
    expect(text).toContain("the template has 562 resources, over CloudFormation's limit of 500 per stack");
    expect(text).toContain('139 of them are roles and policies this plugin added');
    expect(text).toContain('[IAM_SYNTH_TOO_MANY_RESOURCES]');
    const alone = packageService(writeService('many-roles', { functions: manyRoles(false) }), { framework, plugin: false, label: 'limit-alone' });
    expect(Object.keys(alone.template.Resources).length).toBe(423);
  });

  test('with custom.iamSynth.resourceLimit: error it fails', () => {
    const text = failedPackage('many-roles-strict', 'limit-error', {
      functions: manyRoles(),
      custom: 'custom:\n  iamSynth:\n    resourceLimit: error',
    });
    expect(text).toContain("the template has 562 resources, over CloudFormation's limit of 500 per stack");
    expect(text).toContain('IAM_SYNTH_TOO_MANY_RESOURCES');
  });

  test("a role string with ':' that is no ARN: the Lambda and its event source mapping wired as the framework wires them", () => {
    const body = {
      functions: `  odd:
    handler: handler.main
    role: 'some:aws:arn:xx1:*:*'
    events:
      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
  plain:
    handler: handler.main`,
    };
    const ours = packageService(writeService('odd-role', body), { framework, label: 'odd-role' });
    const alone = packageService(writeService('odd-role', body), { framework, plugin: false, label: 'odd-role-alone' });
    expect([ours.status, alone.status]).toEqual([0, 0]);
    const wiring = (t) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping' || r.Type === 'AWS::Lambda::Function')
        .map(([id, r]) => [id, r.Properties.Role, r.DependsOn]);
    expect(wiring(ours.template)).toEqual(wiring(alone.template));
    const esm = Object.values(ours.template.Resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(esm.DependsOn).toEqual([]); // as the framework writes it: nothing to depend on
  });

  test('a generated shared role name over 64 characters fails with IAM_SYNTH_ROLE_NAME_TOO_LONG at provider.iam.role.name', () => {
    const text = failedPackage('long-shared-name', 'long-name', {
        service: 'a-service-name-of-forty-two-characters-xyz',
        functions: '  api:\n    handler: handler.main',
      });
    expect(text).toContain('IAM_SYNTH_ROLE_NAME_TOO_LONG');
    expect(text).toContain('provider.iam.role.name is not set');
    expect(text).toContain('67 characters');
    expect(text).toContain('set provider.iam.role.name to an explicit name of at most 64 characters');
  });

  test('tags IAM rejects fail with IAM_SYNTH_INVALID_TAGS, each at its path', () => {
    const text = failedPackage('bad-tags', 'tags', {
        provider: `  iam:
    role:
      tags:
        team: "payments \u{1F680}"
        cost!center: "42"
        aws:owner: me`,
        functions: '  api:\n    handler: handler.main',
      });
    if (framework === 'osls') {
      // osls's own schema refuses these keys before any plugin runs
      expect(text).toContain("at 'provider.iam.role.tags': unrecognized property 'cost!center'");
      expect(text).toContain("at 'provider.iam.role.tags': unrecognized property 'aws:owner'");
      return;
    }
    expect(text).toContain("provider.iam.role.tags.team: invalid tags: the value has '\u{1F680}' (U+1F680)");
    expect(text).toContain("tag key 'cost!center' has '!'");
    expect(text).toContain("tag key 'aws:owner' starts with 'aws:'");
    expect(text).toContain('IAM_SYNTH_INVALID_TAGS');
  });

  test('a tag value IAM rejects fails with IAM_SYNTH_INVALID_TAGS', () => {
    const text = failedPackage('bad-tag-value', 'tag-value', {
        provider: `  iam:
    role:
      tags:
        team: "payments \u{1F680}"`,
        functions: '  api:\n    handler: handler.main',
      });
    expect(text).toContain("provider.iam.role.tags.team: invalid tags: the value has '\u{1F680}' (U+1F680), which IAM does not allow in tags");
    expect(text).toContain('IAM_SYNTH_INVALID_TAGS');
  });

  test('an own statement repeating an inherited Sid fails with IAM_SYNTH_DUPLICATE_SID naming both', () => {
    const text = failedPackage('duplicate-sid', 'sid', {
        provider: `  iam:
    role:
      statements:
        - Sid: Read
          Effect: Allow
          Action: s3:GetObject
          Resource: arn:aws:s3:::bucket/*`,
        functions: `  api:
    handler: handler.main
    iam:
      inheritStatements: true
      role:
        statements:
          - Sid: Read
            Effect: Allow
            Action: s3:ListBucket
            Resource: arn:aws:s3:::bucket`,
      });
    expect(text).toContain("functions.api.iam.role.statements[0] has Sid 'Read', and so has provider.iam.role.statements[0]");
    expect(text).toContain('IAM_SYNTH_DUPLICATE_SID');
  });

  test.each([
    ['first', ['serverless-iam-synth', 'serverless-iam-roles-per-function']],
    ['second', ['serverless-iam-roles-per-function', 'serverless-iam-synth']],
  ])('listed beside serverless-iam-roles-per-function (ours %s): IAM_SYNTH_PLUGIN_CONFLICT says how to remove it', (order, plugins) => {
    const text = failedPackage('both-plugins', `both-${order}`, { plugins, functions: '  api:\n    handler: handler.main' });
    expect(text).toContain('IAM_SYNTH_PLUGIN_CONFLICT');
    expect(text).toContain('Remove `- serverless-iam-roles-per-function` from `plugins:`');
    expect(text).not.toContain('already have a definition');
  });

  test('a statement that exists only under a condition (Fn::If with AWS::NoValue) is packaged once, on every role that gets it', () => {
    const conditional = (branch) => `        - Fn::If:
            - IsProd
${branch}`;
    const source = writeService('conditional-statement', {
        provider: `  iam:
    role:
      statements:
${conditional(`            - Effect: Allow
              Action: s3:GetObject
              Resource: arn:aws:s3:::prod/*
            - Ref: AWS::NoValue`)}`,
        functions: `  api:
    handler: handler.main
  own:
    handler: handler.main
    iam:
      inheritStatements: true
      role:
        statements:
          - Fn::If:
              - IsProd
              - Ref: AWS::NoValue
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: arn:aws:sqs:us-east-1:123456789012:jobs
resources:
  Conditions:
    IsProd:
      Fn::Equals: [prod, dev]`,
    });
    const run = packageService(source, { framework, label: 'fn-if' });
    if (framework === 'osls') {
      // osls's own schema refuses a statement without Effect before any plugin runs
      expect(run.status).toBe(1);
      expect(failureText(run)).toContain("at 'provider.iam.role.statements.0': unrecognized property 'Fn::If'");
      return;
    }
    expect(failureText(run)).not.toContain('IAM_SYNTH_UNKNOWN_STATEMENT');
    expect(run.status).toBe(0);
    const r = run.template.Resources;
    const statements = (id) => r[id].Properties.Policies[0].PolicyDocument.Statement;
    const ifs = (id) => statements(id).filter((st) => st['Fn::If']);
    // kept as written, as the framework keeps it
    const s3 = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::prod/*' };
    expect(ifs(SHARED)).toEqual([{ 'Fn::If': ['IsProd', s3, { Ref: 'AWS::NoValue' }] }]);
    expect(ifs('OwnIamRoleLambdaExecution')).toEqual([
      { 'Fn::If': ['IsProd', s3, { Ref: 'AWS::NoValue' }] },
      {
        'Fn::If': [
          'IsProd',
          { Ref: 'AWS::NoValue' },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:jobs' },
        ],
      },
    ]);
    expect(lintErrors([run.templatePath])).toEqual([]);
    // `serverless iam --json` reports on the same service
    const report = packageService(source, {
      framework,
      command: 'iam',
      args: ['--json'],
      label: 'fn-if-iam',
    });
    expect(report.status).toBe(0);
    expect(JSON.parse(report.stdout).functions.map((f) => f.function)).toEqual(['api', 'own']);
  });
});
