'use strict';

// The user's resources win over generated roles (the framework merges resources last, lodash
// `_.merge`: key by key, lists index by index), and the plugin says what an override takes away.
// A shared role something refers to is kept though no function uses it (iam-behaviour.md §6.7).

const path = require('path');
const { packageService, ROOT } = require('./harness');
const { lintErrors } = require('./cfn-lint');

const example = (name) => path.join(ROOT, 'examples', name);
const output = (run) => run.stdout + run.stderr;
const statements = (role) => role.Properties.Policies[0].PolicyDocument.Statement;

describe('resources.Resources overrides a generated role', () => {
  let run;
  beforeAll(() => {
    run = packageService(example('dedicated-user-override'));
  });

  test('packages', () => {
    expect({ status: run.status, out: run.status ? output(run) : '' }).toEqual({ status: 0, out: '' });
  });

  test("the user's statement is merged over the generated one at its index; the rest stay", () => {
    const role = run.template.Resources.WorkerIamRoleLambdaExecution;
    // generated: [logs:CreateLogStream, logs:CreateLogGroup, logs:PutLogEvents] on a list; lodash merges
    // the user's one-element Action list index by index and replaces the Resource list by the string
    expect(statements(role)[0]).toEqual({
      Effect: 'Allow',
      Action: ['logs:PutLogEvents', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
      Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/shared/workers:*',
    });
    // §5.4: logs, then the sqs event, then the function's own statement
    expect(statements(role).slice(1).map((s) => s.Action)).toEqual([
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      ['dynamodb:PutItem'],
    ]);
    expect(role.Properties.Description).toBe('Worker role, reviewed by the security team');
    expect(role.Properties.RoleName).toEqual({
      'Fn::Join': ['-', ['useroverride', 'dev', 'worker', { Ref: 'AWS::Region' }, 'lambdaRole']],
    });
  });

  test('the plugin warns that the override removes the generated log statement', () => {
    expect(output(run)).toContain('IAM_SYNTH_RESOURCE_OVERRIDE');
    expect(output(run)).toContain('resources.Resources.WorkerIamRoleLambdaExecution');
    expect(output(run)).toContain('logs:CreateLogStream');
  });

  test('cfn-lint finds no error', () => {
    expect(lintErrors([run.templatePath])).toEqual([]);
  });
});

describe('an unused shared role that an output refers to', () => {
  let run;
  beforeAll(() => {
    run = packageService(example('dedicated-shared-role-referenced'));
  });

  test('is kept with the provider settings only, and the plugin says why', () => {
    expect(run.status).toBe(0);
    const shared = run.template.Resources.IamRoleLambdaExecution;
    expect(shared.Properties.Path).toBe('/apps/');
    expect(statements(shared)).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::sharedref-assets/*' },
    ]);
    expect(output(run)).toContain('IAM_SYNTH_SHARED_ROLE_KEPT');
    expect(output(run)).toContain('resources.Outputs.SharedRoleArn');
  });

  test('the function runs under its own role', () => {
    expect(run.template.Resources.OneLambdaFunction.Properties.Role).toEqual({
      'Fn::GetAtt': ['OneIamRoleLambdaExecution', 'Arn'],
    });
  });

  test('cfn-lint finds no error', () => {
    expect(lintErrors([run.templatePath])).toEqual([]);
  });
});
