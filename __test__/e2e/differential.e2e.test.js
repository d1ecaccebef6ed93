'use strict';

// The seeded differential test (__test__/e2e/differential/): random services packaged with the
// framework alone and with this plugin, compared per function. Here: a fixed handful of seeds of
// both frameworks, then unit tests showing that the evaluator and the checker catch what they are
// meant to catch. More seeds: `npm run differential -- --seeds 60`.

const { runSeed } = require('./differential/run');
const { generate } = require('./differential/generate');
const { check } = require('./differential/check');
const { resolve, decide, isAllowed, roleGrants, trustPrincipals } = require('./differential/evaluate');

// Even seeds are packaged with Serverless 3.40.0, odd ones with osls 4.3.1. Chosen to cover: a custom
// role and an ARN role beside dedicated ones (0), perFunction mode with websockets (7), eight
// functions with inheritance and a custom log group on osls (11), a deliberate role conflict the
// plugin must reject (14), the legacy provider.iamRoleStatements (18), `method: scheduler` on a
// dedicated role (23), perFunction mode with legacy provider statements it must not inherit (28),
// a mix of ARN roles and shared-role websockets (33), and a function without logs left alone on the
// shared role with a cloudFront event, whose Deny the plugin once dropped (190).
const SEEDS = [0, 7, 11, 14, 18, 23, 28, 33, 190];

describe('differential seeds', () => {
  test.each(SEEDS)('seed %i: nothing lost, nothing leaked', (seed) => {
    const result = runSeed(seed);
    const report = `seed ${seed} (${result.framework}) has ${result.problems.length} problems:\n` +
      `${result.problems.map((p) => `  - ${p}`).join('\n')}\nreproduce: ${result.cmd}`;
    if (result.problems.length) throw new Error(report);
    expect(result.problems).toEqual([]);
  });

  test('the generator is deterministic and alternates frameworks', () => {
    expect(generate(7)).toEqual(generate(7));
    expect(generate(7).framework).toBe('osls');
    expect(generate(8).framework).toBe('serverless');
    expect(generate(7).files['serverless.yml']).not.toEqual(generate(9).files['serverless.yml']);
  });

  test('the bare copy has no plugin and no key only the plugin knows (function keys sit at 4 spaces)', () => {
    for (let seed = 0; seed < 40; seed += 1) {
      const bare = generate(seed).bareFiles['serverless.yml'];
      expect(bare).not.toMatch(/serverless-iam-synth|iamSynth|serverless-iam-roles-per-function|^\s+mode:/m);
      expect(bare).not.toMatch(/^ {4}(iam|iamRoleStatements|iamRoleStatementsInherit|iamRoleStatementsName|iamPermissionsBoundary):/m);
    }
  });
});

describe('evaluate.js', () => {
  const allow = (Action, Resource, extra = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });

  test('Action and Resource globs: `*` any run, `?` one character; actions case-insensitive, ARNs not', () => {
    const statements = [allow('s3:Get*', 'arn:aws:s3:::bucket-?/*')];
    expect(isAllowed(statements, 's3:GetObject', 'arn:aws:s3:::bucket-a/key')).toBe(true);
    expect(isAllowed(statements, 'S3:getobject', 'arn:aws:s3:::bucket-a/key')).toBe(true);
    expect(isAllowed(statements, 's3:PutObject', 'arn:aws:s3:::bucket-a/key')).toBe(false);
    expect(isAllowed(statements, 's3:GetObject', 'arn:aws:s3:::bucket-ab/key')).toBe(false);
    expect(isAllowed(statements, 's3:GetObject', 'arn:aws:s3:::BUCKET-a/key')).toBe(false);
    expect(decide(statements, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q')).toBe('implicit');
  });

  test('an explicit Deny wins over any Allow, in any order', () => {
    const deny = { Effect: 'Deny', Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::b/secret/*' };
    for (const statements of [[allow('s3:*', '*'), deny], [deny, allow('s3:*', '*')]]) {
      expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::b/secret/x')).toBe('deny');
      expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::b/open/x')).toBe('allow');
    }
  });

  test('NotAction and NotResource match everything they do not name', () => {
    const statements = [
      allow('s3:*', 'arn:aws:s3:::b/*'),
      { Effect: 'Deny', NotAction: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/ro/*' },
      { Effect: 'Allow', Action: 'sqs:SendMessage', NotResource: 'arn:aws:sqs:us-east-1:1:private' },
    ];
    expect(decide(statements, 's3:GetObject', 'arn:aws:s3:::b/ro/x')).toBe('allow');
    expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::b/ro/x')).toBe('deny');
    expect(decide(statements, 's3:PutObject', 'arn:aws:s3:::b/rw/x')).toBe('allow');
    expect(isAllowed(statements, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:public')).toBe(true);
    expect(isAllowed(statements, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:private')).toBe(false);
  });

  test('intrinsics resolve with fixed pseudo parameters and recognisable resource ARNs', () => {
    expect(resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/x:*' })).toBe(
      'arn:aws:logs:us-east-1:123456789012:log-group:/x:*'
    );
    expect(resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::b']] })).toBe('arn:aws:s3:::b');
    expect(resolve({ 'Fn::Sub': ['arn:aws:sqs:${AWS::Region}:${Acct}:${Queue.QueueName}', { Acct: '42' }] })).toBe(
      'arn:aws:sqs:us-east-1:42:arn:aws:getatt:us-east-1:123456789012:Queue.QueueName'
    );
    expect(resolve({ 'Fn::GetAtt': ['Jobs', 'Arn'] })).toBe('arn:aws:getatt:us-east-1:123456789012:Jobs.Arn');
    expect(resolve({ 'Fn::GetAtt': 'Jobs.Arn' })).toBe('arn:aws:getatt:us-east-1:123456789012:Jobs.Arn');
    expect(resolve({ Ref: 'Jobs' })).toBe('arn:aws:ref:us-east-1:123456789012:Jobs');
  });

  test('a role’s grants include managed policies and AWS::IAM::Policy resources attached to it', () => {
    const template = {
      Resources: {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'scheduler.amazonaws.com'] }, Action: 'sts:AssumeRole' }] },
            Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [allow(['sqs:SendMessage'], 'arn:aws:sqs:us-east-1:1:a')] } }],
            ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] }],
          },
        },
        RPolicy1: { Type: 'AWS::IAM::ManagedPolicy', Properties: { Roles: [{ Ref: 'R' }], PolicyDocument: { Statement: allow('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:b') } } },
        Extra: { Type: 'AWS::IAM::Policy', Properties: { Roles: ['R'], PolicyDocument: { Statement: [allow('sns:Publish', '*')] } } },
        Other: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'X' }], PolicyDocument: { Statement: [allow('*', '*')] } } },
      },
    };
    const grants = roleGrants(template, 'R');
    expect(isAllowed(grants.statements, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:a')).toBe(true);
    expect(isAllowed(grants.statements, 'sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:b')).toBe(true);
    expect(isAllowed(grants.statements, 'sns:Publish', 'arn:aws:sns:us-east-1:1:t')).toBe(true);
    expect(isAllowed(grants.statements, 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:1:table/t')).toBe(false);
    expect(grants.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(grants.policyResources).toEqual(['RPolicy1', 'Extra']);
    expect(trustPrincipals(template.Resources.R)).toEqual(['lambda.amazonaws.com', 'scheduler.amazonaws.com']);
    expect(roleGrants(template, 'Missing')).toBeNull();
  });
});

describe('check.js on a hand-made pair of templates', () => {
  const sub = (rest) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${rest}` });
  const SQS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
  const queue = (tag) => `arn:aws:sqs:us-east-1:123456789012:q-${tag}-1`;
  const role = (statements, services = ['lambda.amazonaws.com']) => ({
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: ['sts:AssumeRole'] }] },
      Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    },
  });
  const lambda = (name, roleId, dependsOn = []) => ({
    Type: 'AWS::Lambda::Function',
    DependsOn: dependsOn,
    Properties: { FunctionName: name, Role: { 'Fn::GetAtt': [roleId, 'Arn'] } },
  });
  const mapping = (fnId, dependsOn) => ({
    Type: 'AWS::Lambda::EventSourceMapping',
    DependsOn: dependsOn,
    Properties: { FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] } },
  });
  const logStatements = [
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'], Resource: [sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/svc-dev*:*')] },
    { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: [sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/svc-dev*:*:*')] },
  ];
  const dedicatedLogs = (name) => ({
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'],
    Resource: [sub(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*:*`)],
  });
  const fnExpect = (tag, name, normalized, kind, logicalId) => ({
    tag, name, normalized, role: { kind, logicalId, value: null }, inherit: false, statements: [], ignored: [], managedPolicies: [],
    boundary: null, path: '/',
    tracing: false, websocket: false, scheduler: false, vpc: false, kms: null, disableLogs: false, logGroup: null,
  });
  const expectation = {
    mode: 'shared',
    provider: { statements: [], managedPolicies: [] },
    vpcPolicy: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    functions: {
      a: fnExpect('z0aa', 'svc-dev-a', 'A', 'dedicated', 'AIamRoleLambdaExecution'),
      b: fnExpect('z1bb', 'svc-dev-b', 'B', 'shared', 'IamRoleLambdaExecution'),
    },
  };
  // The framework alone: both functions on the shared role, one queue each.
  const bare = {
    Resources: {
      IamRoleLambdaExecution: role([...logStatements, { Effect: 'Allow', Action: SQS, Resource: [queue('z0aa'), queue('z1bb')] }]),
      ALambdaFunction: lambda('svc-dev-a', 'IamRoleLambdaExecution', ['ALogGroup']),
      BLambdaFunction: lambda('svc-dev-b', 'IamRoleLambdaExecution', ['BLogGroup']),
      ALogGroup: { Type: 'AWS::Logs::LogGroup' },
      BLogGroup: { Type: 'AWS::Logs::LogGroup' },
    },
  };
  /** The plugin's template, right: a on its dedicated role with its queue, b on the shared role with its own. */
  const rightPlugin = () => ({
    Resources: {
      IamRoleLambdaExecution: role([...logStatements, { Effect: 'Allow', Action: SQS, Resource: [queue('z1bb')] }]),
      AIamRoleLambdaExecution: role([dedicatedLogs('svc-dev-a'), { Effect: 'Allow', Action: SQS, Resource: [queue('z0aa')] }]),
      ALambdaFunction: lambda('svc-dev-a', 'AIamRoleLambdaExecution', ['AIamRoleLambdaExecution', 'ALogGroup']),
      BLambdaFunction: lambda('svc-dev-b', 'IamRoleLambdaExecution', ['BLogGroup']),
      ALogGroup: { Type: 'AWS::Logs::LogGroup' },
      BLogGroup: { Type: 'AWS::Logs::LogGroup' },
      AEventSourceMappingSQSQz0aa1: mapping('ALambdaFunction', ['AIamRoleLambdaExecution']),
      BEventSourceMappingSQSQz1bb1: mapping('BLambdaFunction', ['IamRoleLambdaExecution']),
    },
  });

  test('the right template has no problems', () => {
    expect(check(bare, rightPlugin(), expectation)).toEqual([]);
  });

  test('a missing permission and a leaked one are both reported', () => {
    const plugin = rightPlugin();
    // a's dedicated role lost its own queue and holds b's instead
    plugin.Resources.AIamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement[1].Resource = [queue('z1bb')];
    const problems = check(bare, plugin, expectation);
    for (const action of SQS) {
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^a \\(z0aa, dedicated role AIamRoleLambdaExecution\\): lost ${action} on ${queue('z0aa')}`)));
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^a \\(z0aa, dedicated role AIamRoleLambdaExecution\\): leaked ${action} on ${queue('z1bb')} .* of b\\)`)));
    }
    expect(problems).toHaveLength(6);
  });

  test('leaks onto the shared role (§6.3), extra trust, another log group and broken wiring are reported', () => {
    const plugin = rightPlugin();
    const shared = plugin.Resources.IamRoleLambdaExecution.Properties;
    shared.Policies[0].PolicyDocument.Statement[2].Resource.push(queue('z0aa'));
    const a = plugin.Resources.AIamRoleLambdaExecution.Properties;
    a.AssumeRolePolicyDocument.Statement[0].Principal.Service.push('scheduler.amazonaws.com');
    a.Policies[0].PolicyDocument.Statement.push(dedicatedLogs('svc-dev-b'));
    plugin.Resources.AEventSourceMappingSQSQz0aa1.DependsOn = ['IamRoleLambdaExecution', 'Gone'];
    const problems = check(bare, plugin, expectation);
    expect(problems).toContainEqual(expect.stringMatching(/^shared role: leaked sqs:ReceiveMessage on .*q-z0aa-1 .*§6\.3/));
    expect(problems).toContainEqual(expect.stringMatching(/^a .*leaked trust principal scheduler\.amazonaws\.com/));
    expect(problems).toContainEqual(expect.stringMatching(/^a .*leaked logs:PutLogEvents on .*log-group:\/aws\/lambda\/svc-dev-b:log-stream:s/));
    expect(problems).toContainEqual(expect.stringMatching(/^a: wiring: event source mapping AEventSourceMappingSQSQz0aa1 does not depend on .*AIamRoleLambdaExecution/));
    expect(problems).toContainEqual('wiring: AEventSourceMappingSQSQz0aa1 depends on Gone, which is not in the template');
  });

  test('a function pointed at the wrong role, and a lost log group, are reported', () => {
    const plugin = rightPlugin();
    plugin.Resources.ALambdaFunction.Properties.Role = { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] };
    plugin.Resources.IamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement.splice(1, 1);
    const problems = check(bare, plugin, expectation);
    expect(problems).toContainEqual(expect.stringMatching(/^a: wiring: Role is .*IamRoleLambdaExecution.*expected Fn::GetAtt AIamRoleLambdaExecution\.Arn/));
    expect(problems).toContainEqual(expect.stringMatching(/^b .*lost logs:PutLogEvents on .*\/aws\/lambda\/svc-dev-b:log-stream:s/));
  });
});
