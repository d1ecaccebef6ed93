'use strict';

// Odd but valid input a careful user writes (issue 15), through Serverless 3.40.0 and osls, from the
// services in __test__/e2e/odd/:
// - anchors.yml: YAML anchors and merge keys for statements and a whole `iam:` block, short-form
//   intrinsics (`!GetAtt`, `!Sub`, `!If` with `AWS::NoValue` in a resource list and as a whole
//   statement), a `Conditions` block, a function under `condition:` with `dependsOn:`, an odd function
//   key, unicode in a tag, `${sls:stage}` in a role name, `null` in IAM fields;
// - file-functions.yml: functions from `${file()}`, `resources.extensions` of generated roles, an
//   `image:` function, `--stage` and `--region` on the command line;
// - broken.yml: `serverless iam --json` on a service with two problems.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { packageService } = require('./harness');
const { lintErrors, packagedTemplates: templates } = require('./cfn-lint');

const ODD = path.join(__dirname, 'odd');

function source(name, files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `odd-${name}-`));
  for (const [to, from] of Object.entries(files)) fs.copyFileSync(path.join(ODD, from), path.join(dir, to));
  fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = async () => ({});\n');
  return dir;
}

const policy = (role) => role.Properties.Policies[0].PolicyDocument.Statement;
const sub = (rest) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${rest}` });
const logs = (name) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
  Resource: [sub(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*:*`)],
});
describe.each(['serverless', 'osls'])('%s', (framework) => {
  test('anchors, merge keys, short-form intrinsics, conditions, nulls and unicode: the roles a user expects', () => {
    const run = packageService(source('anchors', { 'serverless.yml': 'anchors.yml' }), { framework, label: 'anchors' });
    if (run.status !== 0) throw new Error(`${run.stdout}\n${run.stderr}`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/Invalid configuration|IAM_SYNTH_/);
    const r = run.template.Resources;

    // the anchored `iam:` block, with a merge key adding a Sid, and an !If resource kept as written
    const anchored = r.MyDashfnUnderscore2IamRoleLambdaExecution;
    expect(anchored.Properties.RoleName).toBe('odd-dev-anchored');
    expect(policy(anchored)).toEqual([
      logs('odd-dev-my-fn_2'),
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] }, Sid: 'ReadFromAnchor' },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [
          { 'Fn::GetAtt': ['Queue', 'Arn'] },
          { 'Fn::If': ['IsProd', sub('sqs:${AWS::Region}:${AWS::AccountId}:prod-only'), { Ref: 'AWS::NoValue' }] },
        ],
      },
    ]);
    expect(anchored.Properties.Tags).toEqual([{ Key: 'team', Value: 'café-ünïcode' }]);

    // `statements:` with no value and `managedPolicies: null`: a role of its own with its logs only
    expect(policy(r.NullsIamRoleLambdaExecution)).toEqual([logs('odd-dev-nulls')]);
    expect(r.NullsIamRoleLambdaExecution.Properties).not.toHaveProperty('ManagedPolicyArns');
    // `iam: null`: the shared role
    expect(r.PlainLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });

    // a function under a condition: its role under the same one; its statement that exists only
    // under a condition kept; its own dependsOn kept
    expect(r.ConditionalLambdaFunction.Condition).toBe('IsProd');
    expect(r.ConditionalIamRoleLambdaExecution.Condition).toBe('IsProd');
    expect(policy(r.ConditionalIamRoleLambdaExecution)[1]).toEqual({
      'Fn::If': ['IsProd', { Effect: 'Allow', Action: 's3:GetObject', Resource: sub('s3:::odd-dev/*') }, { Ref: 'AWS::NoValue' }],
    });
    expect(r.ConditionalLambdaFunction.DependsOn).toEqual(['ConditionalIamRoleLambdaExecution', 'ConditionalLogGroup', 'Queue']);
    expect(lintErrors(templates(run.dir))).toEqual([]);
  });

  test('functions from ${file()}, resources.extensions, an image function, --stage and --region', () => {
    const dir = source('file', { 'serverless.yml': 'file-functions.yml', 'functions.yml': 'functions.yml' });
    const run = packageService(dir, { framework, label: 'file', args: ['--stage', 'prod', '--region', 'eu-west-1'] });
    if (run.status !== 0) throw new Error(`${run.stdout}\n${run.stderr}`);
    const r = run.template.Resources;
    const worker = r.WorkerIamRoleLambdaExecution;
    expect(worker.Properties.RoleName).toBe('oddb-prod-eu-west-1-worker');
    expect(policy(worker)).toEqual([
      logs('oddb-prod-worker'),
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:eu-west-1:123456789012:q-prod' },
    ]);
    // the user's extensions are merged into the roles the plugin built
    expect(worker.Properties.Description).toBe('extended by the user');
    expect(r.IamRoleLambdaExecution.Properties.MaxSessionDuration).toBe(7200);
    expect(r.ImagedLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['ImagedIamRoleLambdaExecution', 'Arn'] });
    expect(policy(r.ImagedIamRoleLambdaExecution)).toEqual([logs('oddb-prod-imaged')]);
    expect(r.PlainLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    expect(lintErrors(templates(run.dir))).toEqual([]);
  });

  test('`serverless iam --json` on a broken service: a JSON document of the problems, exit code 1, no stack trace', () => {
    const run = packageService(source('broken', { 'serverless.yml': 'broken.yml' }), { framework, command: 'iam', args: ['--json'], label: 'broken' });
    expect(run.status).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.errors.map((e) => [e.code, e.path])).toEqual([
      ['IAM_SYNTH_INVALID_STATEMENT', 'functions.worker.iam.role.statements[0]'],
      ['IAM_SYNTH_ROLE_CONFLICT', 'functions.worker.role'],
    ]);
    expect(doc.errors.every((e) => e.hint)).toBe(true);
    expect(run.stderr).toContain('[IAM_SYNTH_ROLE_CONFLICT]');
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/at .*\.js:\d+/);
  });
});
