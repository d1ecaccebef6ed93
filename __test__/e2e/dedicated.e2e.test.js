'use strict';

// End-to-end tests of dedicated per-function roles and `mode: perFunction`: the guide's examples and
// the dedicated-* services under examples/, packaged offline by Serverless 3.40.0 and by osls with this
// plugin. Every expected value below is written by hand from docs/iam-behaviour.md (§ numbers in the
// test names) and the current IAM guide, never copied from the plugin's output.

const path = require('path');
const { packageService, ROOT } = require('./harness');
const { statementsOf } = require('./iam-extract');
const { lintErrors } = require('./cfn-lint');

const FRAMEWORKS = ['serverless', 'osls'];
const SHARED = 'IamRoleLambdaExecution';
const LAMBDA = 'lambda.amazonaws.com';
const EDGE = 'edgelambda.amazonaws.com';
const SCHEDULER = 'scheduler.amazonaws.com';

// ---------------------------------------------------------------------------------------------
// Expected values, from iam-behaviour.md

/** §1: first letter upper-cased, `-` → Dash, `_` → Underscore. */
const normalized = (key) => {
  const s = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return s.charAt(0).toUpperCase() + s.slice(1);
};
const roleId = (key) => `${normalized(key)}${SHARED}`;
const lambdaId = (key) => `${normalized(key)}LambdaFunction`;
const logGroupId = (key) => `${normalized(key)}LogGroup`;

const sub = (x) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${x}` });
const getAtt = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const REGION_REF = { Ref: 'AWS::Region' };

const policyName = (service, stage) => ({ 'Fn::Join': ['-', [service, stage, 'lambda']] });
const sharedRoleName = (service, stage) => ({ 'Fn::Join': ['-', [service, stage, REGION_REF, 'lambdaRole']] });
/** §1: `<service>-<stage>-<fnKey>-<region>-lambdaRole`, without `lambdaRole` past 64 characters. */
const generatedName = (service, stage, key, { suffix = true } = {}) => ({
  'Fn::Join': ['-', [service, stage, key, REGION_REF, ...(suffix ? ['lambdaRole'] : [])]],
});

const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });
const logGroupArn = (group) => sub(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}:*:*`);
/** §5.4 step 1. */
const dedicatedLogs = (group) => allow(['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'], [logGroupArn(group)]);
const dedicatedDeny = (group) => ({ Effect: 'Deny', Action: ['logs:PutLogEvents'], Resource: [logGroupArn(group)] });
/** §3.3 step 1, when every function is canonical. */
const sharedLogs = (prefix) => [
  allow(['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'], [
    sub(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${prefix}*:*`),
  ]),
  allow(['logs:PutLogEvents'], [sub(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${prefix}*:*:*`)]),
];

// §4 rows
const EC2 = allow(
  [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeVpcs',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
  ],
  '*',
);
const XRAY = allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);
const WEBSOCKETS = allow(['execute-api:ManageConnections'], [sub('execute-api:*:*:*/@connections/*')]);
const EDGE_LOGS = allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:TagResource'], [sub('logs:*:*:*')]);
const DDB_STREAM = ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams'];
const KINESIS_STREAM = ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListStreams'];
const KINESIS_CONSUMER = ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards'];
const SQS_CONSUME = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
const SECRETS = ['secretsmanager:GetSecretValue'];
const MSK = ['kafka:DescribeCluster', 'kafka:GetBootstrapBrokers'];
const EFS = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'];
const S3FILES = ['s3files:ClientMount', 's3files:ClientWrite'];
const schedulerInvoke = (fnName) =>
  allow(['lambda:InvokeFunction'], [
    sub(`lambda:\${AWS::Region}:\${AWS::AccountId}:function:${fnName}`),
    sub(`lambda:\${AWS::Region}:\${AWS::AccountId}:function:${fnName}:*`),
  ]);
const managedPolicy = (name) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/service-role/${name}`]] });
const VPC_POLICY = managedPolicy('AWSLambdaVPCAccessExecutionRole');
const DURABLE_POLICY = managedPolicy('AWSLambdaBasicDurableExecutionRolePolicy');

const tags = (obj) => Object.entries(obj).map(([Key, Value]) => ({ Key, Value }));
const trustDoc = (principals) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: principals }, Action: ['sts:AssumeRole'] }],
});

/** An expected role resource; absent optional keys stay undefined (toEqual ignores them). */
function role({ service, stage, statements, name, trust = [LAMBDA], path: rolePath = '/', tags: roleTags, boundary, managed }) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: trustDoc(trust),
      Policies: [{ PolicyName: policyName(service, stage), PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      Path: rolePath,
      RoleName: name,
      Tags: roleTags,
      PermissionsBoundary: boundary,
      ManagedPolicyArns: managed,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading templates

const resources = (t) => t.Resources;
const rolesOf = (t) =>
  Object.keys(resources(t))
    .filter((id) => resources(t)[id].Type === 'AWS::IAM::Role')
    .sort();
const principalsOf = (r) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service;
/** The role with its trust principals sorted, for comparing trust as a set where several apply. */
function sortedTrust(r) {
  const copy = JSON.parse(JSON.stringify(r));
  for (const s of copy.Properties.AssumeRolePolicyDocument.Statement) {
    if (s.Principal && Array.isArray(s.Principal.Service)) s.Principal.Service.sort();
  }
  return copy;
}
const actionsOf = (r) => statementsOf(r).flatMap((s) => [].concat(s.Action || s.NotAction || []));
const esmsOf = (t, key) =>
  Object.entries(resources(t)).filter(
    ([, r]) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(r.Properties.FunctionName) === JSON.stringify(getAtt(lambdaId(key))),
  );
const schedulesOf = (t) => Object.entries(resources(t)).filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule');

/** Every DependsOn entry anywhere names a resource that exists (nothing depends on a removed role). */
function danglingDependsOn(t) {
  const out = [];
  for (const [id, r] of Object.entries(resources(t))) {
    for (const dep of [].concat(r.DependsOn || [])) if (!resources(t)[dep]) out.push(`${id} → ${dep}`);
  }
  return out;
}

/** The Lambda's Role and DependsOn, as §2 sets them. */
function expectWiring(t, key, expected) {
  const fn = resources(t)[lambdaId(key)];
  expect({ fn: key, Role: fn.Properties.Role, DependsOn: fn.DependsOn }).toEqual({ fn: key, ...expected });
}
const onDedicated = (key, rest = [logGroupId(key)]) => ({ Role: getAtt(roleId(key)), DependsOn: [roleId(key), ...rest] });
const onShared = (key, rest = [logGroupId(key)]) => ({ Role: getAtt(SHARED), DependsOn: rest });

// ---------------------------------------------------------------------------------------------
// Packaging: each service once per framework (plus one region variant), in beforeAll.

const example = (name) => path.join(ROOT, 'examples', name);

function packaged(name, framework, extra = {}) {
  const result = packageService(example(name), { framework, ...extra });
  if (result.status !== 0) {
    // Keep the reason visible in the test output.
    result.failure = `${name} (${framework}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`;
  }
  return result;
}

function commonTests(get, { sharedRole, knownLint }) {
  test('packages', () => {
    const r = get();
    expect({ status: r.status, failure: r.failure }).toEqual({ status: 0, failure: undefined });
  });

  if (!knownLint) {
    test('cfn-lint finds no error', () => {
      expect(lintErrors([get().templatePath])).toEqual([]);
    });
  } else {
    test(`cfn-lint finds no error but ${knownLint.why}`, () => {
      const errors = lintErrors([get().templatePath]);
      expect(errors.filter((e) => !knownLint.pattern.test(e))).toEqual([]);
      expect(errors.length).toBeLessThanOrEqual(1);
    });
  }

  test('no DependsOn names a missing resource (§2: no dependency on a removed role)', () => {
    expect(danglingDependsOn(get().template)).toEqual([]);
  });

  if (!sharedRole) {
    test('no shared role, and nothing refers to it (§3.1, §6.7)', () => {
      const t = get().template;
      expect(resources(t)[SHARED]).toBeUndefined();
      expect(JSON.stringify(t)).not.toContain(`"${SHARED}"`);
    });
  }

  test('every scheduler schedule and event source mapping follows its function role (§2)', () => {
    const t = get().template;
    for (const [id, r] of Object.entries(resources(t))) {
      if (r.Type !== 'AWS::Lambda::EventSourceMapping') continue;
      const fnId = r.Properties.FunctionName['Fn::GetAtt'][0];
      const fnRole = resources(t)[fnId].Properties.Role;
      const deps = [].concat(r.DependsOn || []);
      if (fnRole['Fn::GetAtt']) expect({ id, deps }).toEqual({ id, deps: expect.arrayContaining([fnRole['Fn::GetAtt'][0]]) });
      for (const other of rolesOf(t).filter((x) => !fnRole['Fn::GetAtt'] || x !== fnRole['Fn::GetAtt'][0])) {
        expect({ id, deps }).toEqual({ id, deps: expect.not.arrayContaining([other]) });
      }
    }
    for (const [id, r] of schedulesOf(t)) {
      const fnId = r.Properties.Target.Arn['Fn::GetAtt'][0];
      expect({ id, RoleArn: r.Properties.Target.RoleArn }).toEqual({ id, RoleArn: resources(t)[fnId].Properties.Role });
    }
  });
}

// ---------------------------------------------------------------------------------------------

describe.each(FRAMEWORKS)('%s', (framework) => {
  describe('guide-per-function-mode (the guide, "Per-function IAM with no default role")', () => {
    let r;
    beforeAll(() => {
      r = packaged('guide-per-function-mode', framework);
    });
    commonTests(() => r, { sharedRole: false });

    const S = 'new-service';
    const common = {
      service: S,
      stage: 'dev',
      path: '/teams/payments/',
      boundary: 'arn:aws:iam::123456789012:policy/lambda-boundary',
    };
    // The framework's validation (Ajv coerceTypes: 'array') turns a one-element Resource list into
    // its element, in both frameworks, before any plugin sees it.
    const inherited = allow(['s3:ListBucket'], 'arn:aws:s3:::shared-assets-dev');

    test('perFunction mode: a dedicated role for every function, no IamRoleLambdaExecution (§5.5)', () => {
      expect(rolesOf(r.template)).toEqual([roleId('get'), roleId('list')].sort());
    });

    test('list inherits statements, managed policies, path, boundary and tags (§5.3)', () => {
      expect(resources(r.template)[roleId('list')]).toEqual(
        role({
          ...common,
          name: generatedName(S, 'dev', 'list'),
          tags: tags({ Owner: 'payments', Environment: 'dev' }),
          managed: ['arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess'],
          statements: [dedicatedLogs('/aws/lambda/new-service-dev-list'), inherited],
        }),
      );
    });

    test('get extends them: statements after the inherited ones, managed policies appended, tag added (§5.3, §5.4)', () => {
      expect(resources(r.template)[roleId('get')]).toEqual(
        role({
          ...common,
          name: generatedName(S, 'dev', 'get'),
          tags: tags({ Owner: 'payments', Environment: 'dev', Feature: 'read-api' }),
          managed: ['arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess'],
          statements: [
            dedicatedLogs('/aws/lambda/new-service-dev-get'),
            inherited,
            // the framework's validation turns a string Action into a list (§3.3)
            allow(['dynamodb:GetItem'], 'arn:aws:dynamodb:us-east-1:123456789012:table/Orders'),
          ],
        }),
      );
    });

    test('each Lambda runs under its role, the role first in DependsOn (§2)', () => {
      expectWiring(r.template, 'list', onDedicated('list'));
      expectWiring(r.template, 'get', onDedicated('get'));
    });
  });

  describe('guide-selected-functions (the guide, "Per-function IAM on selected functions")', () => {
    let r;
    beforeAll(() => {
      r = packaged('guide-selected-functions', framework);
    });
    commonTests(() => r, { sharedRole: true });

    const S = 'new-service';
    const xrayStatement = allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*');

    test('func1 gets a dedicated role, func2 stays on the shared role (§5.1)', () => {
      expect(rolesOf(r.template)).toEqual([roleId('func1'), SHARED].sort());
      expectWiring(r.template, 'func1', onDedicated('func1'));
      expectWiring(r.template, 'func2', onShared('func2'));
    });

    test('the shared role: logs and the provider statements (§3)', () => {
      expect(resources(r.template)[SHARED]).toEqual(
        role({ service: S, stage: 'dev', name: sharedRoleName(S, 'dev'), statements: [...sharedLogs('new-service-dev'), xrayStatement] }),
      );
    });

    test('func1: explicit name, path, boundary, tags, managed policy, inherited then own statements (§5.3, §5.4)', () => {
      expect(resources(r.template)[roleId('func1')]).toEqual(
        role({
          service: S,
          stage: 'dev',
          name: 'dev-func1Role',
          path: '/team/app/',
          boundary: 'arn:aws:iam::123456789012:policy/boundary',
          tags: tags({ key: 'value' }),
          managed: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          statements: [
            dedicatedLogs('/aws/lambda/new-service-dev-func1'),
            xrayStatement,
            allow(['dynamodb:GetItem'], 'arn:aws:dynamodb:us-east-1:123456789012:table/Users'),
          ],
        }),
      );
    });
  });

  describe('guide-auto-permissions (the guide, "Auto-Added Permissions for Per-Function Roles")', () => {
    let r;
    beforeAll(() => {
      r = packaged('guide-auto-permissions', framework);
    });
    // func1 is the only function and has its own role: no shared role (§6.7). The guide's sample
    // access point `fsap-123456` is not a valid EFS ARN: cfn-lint flags it in the Lambda's
    // FileSystemConfigs (a property the framework writes, not the plugin).
    commonTests(() => r, {
      sharedRole: false,
      knownLint: {
        why: "E3031 on the guide's sample access point ARN in FileSystemConfigs",
        pattern: /:E3031:'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point\/fsap-123456' does not match/,
      },
    });

    test('func1 role: every auto-added permission in the order of §5.4, trust lambda + edgelambda + scheduler', () => {
      const fnName = 'new-service-dev-func1';
      expect(sortedTrust(resources(r.template)[roleId('func1')])).toEqual(
        role({
          service: 'new-service',
          stage: 'dev',
          name: generatedName('new-service', 'dev', 'func1'),
          trust: [EDGE, LAMBDA, SCHEDULER],
          managed: [VPC_POLICY],
          statements: [
            // the group the compiled function writes to: Serverless 3.40.0 has no logs.logGroup
            dedicatedLogs(framework === 'osls' ? '/aws/lambda/custom-log-group' : `/aws/lambda/${fnName}`),
            allow(KINESIS_STREAM, ['arn:aws:kinesis:us-east-1:123456789012:stream/myStream']),
            allow(SQS_CONSUME, ['arn:aws:sqs:us-east-1:123456789012:myQueue']),
            allow(['sns:Publish'], 'arn:aws:sns:us-east-1:123456789012:myDlqTopic'),
            WEBSOCKETS,
            allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:mq-cred']),
            allow(['mq:DescribeBroker'], ['arn:aws:mqa:us-east-1:123456789012:broker/my-mq:b-123456']),
            EC2,
            allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-cred']),
            EC2,
            allow(MSK, ['arn:aws:kafka:us-east-1:123456789012:cluster/my-msk-cluster/1234567890abcdef']),
            EC2,
            EDGE_LOGS,
            schedulerInvoke(fnName),
            allow(EFS, ['arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-123456']),
            allow(['dynamodb:GetItem'], 'arn:aws:dynamodb:us-east-1:123456789012:table/Items'),
          ],
        }),
      );
    });

    test('wiring: Lambda, five event source mappings and the schedule use the dedicated role (§2)', () => {
      const t = r.template;
      expectWiring(t, 'func1', onDedicated('func1'));
      const esms = esmsOf(t, 'func1');
      expect(esms).toHaveLength(5); // sqs, stream, activemq, kafka, msk
      for (const [id, esm] of esms) expect({ id, DependsOn: esm.DependsOn }).toEqual({ id, DependsOn: [roleId('func1')] });
      expect(schedulesOf(t).map(([, s]) => s.Properties.Target.RoleArn)).toEqual([getAtt(roleId('func1'))]);
    });
  });

  describe('guide-managed-policies-only (the guide, "Per-Function Role: managed policies only")', () => {
    let r;
    beforeAll(() => {
      r = packaged('guide-managed-policies-only', framework);
    });
    commonTests(() => r, { sharedRole: false });

    test('managedPolicies alone create the role: logs only, the managed policy, trust lambda (§5.1)', () => {
      expect(rolesOf(r.template)).toEqual([roleId('func2')]);
      expect(resources(r.template)[roleId('func2')]).toEqual(
        role({
          service: 'new-service',
          stage: 'dev',
          name: generatedName('new-service', 'dev', 'func2'),
          managed: ['arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess'],
          statements: [dedicatedLogs('/aws/lambda/new-service-dev-func2')],
        }),
      );
      expectWiring(r.template, 'func2', onDedicated('func2'));
    });
  });

  describe('dedicated-shared-mode', () => {
    let r;
    beforeAll(() => {
      r = packaged('dedicated-shared-mode', framework);
    });
    commonTests(() => r, { sharedRole: true });

    const S = 'dedshared';
    const providerStatements = [
      allow(['s3:GetObject'], 'arn:aws:s3:::dedshared-assets/*'),
      allow(['sqs:SendMessage'], getAtt('OutQueue')),
    ];
    const fromProvider = {
      service: S,
      stage: 'dev',
      path: '/shared/',
      tags: tags({ Team: 'core', CostCenter: '100' }),
      boundary: 'arn:aws:iam::123456789012:policy/provider-boundary',
    };
    const logs = (key) => dedicatedLogs(`/aws/lambda/dedshared-dev-${key}`);
    const DEDICATED = [
      'inheritOn',
      'inheritDefault',
      'inheritOff',
      'dedicatedQueue',
      'overrides',
      'managedOnly',
      'renamed',
      'fitsAtUsEast1ButNotInSydney12',
      'dropsTheSuffixEvenInUsEast1xyz',
    ];

    test('who gets a dedicated role (§5.1): statements (even []) or non-empty managedPolicies; not name/path/tags/boundary/inheritStatements alone; not a function with `role`', () => {
      expect(rolesOf(r.template)).toEqual(['CustomRole', SHARED, ...DEDICATED.map(roleId)].sort());
    });

    test('Lambda Role and DependsOn (§2)', () => {
      const t = r.template;
      for (const key of DEDICATED.filter((k) => k !== 'inheritOn')) expectWiring(t, key, onDedicated(key));
      expectWiring(t, 'inheritOn', onDedicated('inheritOn', [logGroupId('inheritOn'), 'ItemsTable']));
      expectWiring(t, 'sharedWorker', onShared('sharedWorker'));
      expectWiring(t, 'settingsOnly', onShared('settingsOnly'));
      expectWiring(t, 'external', { Role: 'arn:aws:iam::123456789012:role/dedshared-external', DependsOn: [logGroupId('external')] });
      expectWiring(t, 'customLogical', { Role: getAtt('CustomRole'), DependsOn: [logGroupId('customLogical'), 'CustomRole'] });
    });

    test('the shared role keeps provider.iam.role.name, path, tags, boundary, managed policies; only its own queue (§3, §6.3)', () => {
      expect(resources(r.template)[SHARED]).toEqual(
        role({
          ...fromProvider,
          name: 'dedshared-shared-role-dev',
          managed: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
          statements: [...sharedLogs('dedshared-dev'), ...providerStatements, allow(SQS_CONSUME, [getAtt('SharedQueue')])],
        }),
      );
    });

    test('provider.iam.role.name never names a dedicated role (§6.5); settingsOnly name is unused', () => {
      const names = rolesOf(r.template).map((id) => JSON.stringify(resources(r.template)[id].Properties.RoleName));
      expect(names.filter((n) => n === '"dedshared-shared-role-dev"')).toHaveLength(1);
      expect(JSON.stringify(r.template)).not.toContain('dedshared-never-created');
    });

    test('inheritOn: inheritStatements true → logs, provider statements, own statement (§5.4 order)', () => {
      expect(resources(r.template)[roleId('inheritOn')]).toEqual(
        role({
          ...fromProvider,
          name: generatedName(S, 'dev', 'inheritOn'),
          statements: [logs('inheritOn'), ...providerStatements, allow(['dynamodb:GetItem'], getAtt('ItemsTable'))],
        }),
      );
    });

    test('inheritDefault: shared mode does not inherit by default; no provider managed policies (§5.3)', () => {
      expect(resources(r.template)[roleId('inheritDefault')]).toEqual(
        role({
          ...fromProvider,
          name: generatedName(S, 'dev', 'inheritDefault'),
          statements: [logs('inheritDefault'), allow(['dynamodb:PutItem'], getAtt('ItemsTable'))],
        }),
      );
    });

    test('inheritOff: `statements: []` and inheritStatements false → logs only', () => {
      expect(resources(r.template)[roleId('inheritOff')]).toEqual(
        role({ ...fromProvider, name: generatedName(S, 'dev', 'inheritOff'), statements: [logs('inheritOff')] }),
      );
    });

    test('dedicatedQueue: its sqs permission on its own role, its mapping depends on that role (§5.4, §2)', () => {
      const t = r.template;
      expect(resources(t)[roleId('dedicatedQueue')]).toEqual(
        role({
          ...fromProvider,
          name: generatedName(S, 'dev', 'dedicatedQueue'),
          statements: [logs('dedicatedQueue'), allow(SQS_CONSUME, [getAtt('DedicatedQueue')])],
        }),
      );
      expect(esmsOf(t, 'dedicatedQueue').map(([, e]) => e.DependsOn)).toEqual([[roleId('dedicatedQueue')]]);
      expect(esmsOf(t, 'sharedWorker').map(([, e]) => e.DependsOn)).toEqual([[SHARED]]);
    });

    test('overrides: explicit name, path, boundary replace; managed policy own only; tags merged key by key (§5.3)', () => {
      expect(resources(r.template)[roleId('overrides')]).toEqual(
        role({
          ...fromProvider,
          name: 'dedshared-overrides-explicit-dev',
          path: '/overrides/',
          boundary: 'arn:aws:iam::123456789012:policy/function-boundary',
          tags: tags({ Team: 'payments', CostCenter: '100', Feature: 'refunds' }),
          managed: ['arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess'],
          statements: [logs('overrides'), ...providerStatements, { Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: 'arn:aws:s3:::dedshared-assets/*' }],
        }),
      );
    });

    test('managedOnly: logs and its managed policy', () => {
      expect(resources(r.template)[roleId('managedOnly')]).toEqual(
        role({
          ...fromProvider,
          name: generatedName(S, 'dev', 'managedOnly'),
          managed: ['arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess'],
          statements: [logs('managedOnly')],
        }),
      );
    });

    test('renamed: the log statement uses the deployed name (§5.4); the role name uses the function key (§1)', () => {
      expect(resources(r.template)[roleId('renamed')]).toEqual(
        role({ ...fromProvider, name: generatedName(S, 'dev', 'renamed'), statements: [dedicatedLogs('/aws/lambda/dedshared-dev-renamed-worker')] }),
      );
    });

    test('64-character rule (§1): 64 keeps lambdaRole, 65 drops it', () => {
      const t = r.template;
      expect(resources(t)[roleId('fitsAtUsEast1ButNotInSydney12')].Properties.RoleName).toEqual(
        generatedName(S, 'dev', 'fitsAtUsEast1ButNotInSydney12'),
      );
      expect(resources(t)[roleId('dropsTheSuffixEvenInUsEast1xyz')].Properties.RoleName).toEqual(
        generatedName(S, 'dev', 'dropsTheSuffixEvenInUsEast1xyz', { suffix: false }),
      );
    });

    test('trust policies are exactly [lambda] (§6.4)', () => {
      for (const id of rolesOf(r.template)) expect({ id, trust: principalsOf(resources(r.template)[id]) }).toEqual({ id, trust: [LAMBDA] });
    });
  });

  describe('dedicated-per-function-inherit', () => {
    let r;
    beforeAll(() => {
      r = packaged('dedicated-per-function-inherit', framework);
    });
    commonTests(() => r, { sharedRole: false });

    const S = 'dedpf';
    // `Resource: [x]` arrives as `x` (the framework's validation unwraps one-element lists)
    const providerStatements = [allow(['s3:ListBucket'], 'arn:aws:s3:::dedpf-data'), allow(['s3:GetObject'], 'arn:aws:s3:::dedpf-data/*')];
    const XRAY_RO = 'arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess';
    const fromProvider = {
      service: S,
      stage: 'prod',
      path: '/pf/',
      tags: tags({ App: 'dedpf' }),
      boundary: 'arn:aws:iam::123456789012:policy/pf-boundary',
      managed: [XRAY_RO],
    };
    const logs = (key) => dedicatedLogs(`/aws/lambda/dedpf-prod-${key}`);
    const name = (key) => generatedName(S, 'prod', key);

    test('every function without `role` gets a dedicated role; ownRole/ownArn get none (§5.5)', () => {
      expect(rolesOf(r.template)).toEqual(['OwnRole', ...['plain', 'noInherit', 'bare', 'extended', 'networked'].map(roleId)].sort());
    });

    test('plain inherits the provider statements by default (§5.3)', () => {
      expect(resources(r.template)[roleId('plain')]).toEqual(role({ ...fromProvider, name: name('plain'), statements: [logs('plain'), ...providerStatements] }));
    });

    test('noInherit: inheritStatements false → logs and its own statement, provider managed policies still', () => {
      expect(resources(r.template)[roleId('noInherit')]).toEqual(
        role({ ...fromProvider, name: name('noInherit'), statements: [logs('noInherit'), allow(['sns:Publish'], { Ref: 'AlertsTopic' })] }),
      );
    });

    test('bare: logs only', () => {
      expect(resources(r.template)[roleId('bare')]).toEqual(role({ ...fromProvider, name: name('bare'), statements: [logs('bare')] }));
    });

    test('extended: own path, managed policy appended, tag added, own statement after inherited ones (§5.3, §5.4)', () => {
      expect(resources(r.template)[roleId('extended')]).toEqual(
        role({
          ...fromProvider,
          name: name('extended'),
          path: '/pf/extended/',
          tags: tags({ App: 'dedpf', Tier: 'gold' }),
          managed: [XRAY_RO, 'arn:aws:iam::aws:policy/AmazonSNSReadOnlyAccess'],
          statements: [logs('extended'), ...providerStatements, allow(['dynamodb:Query'], 'arn:aws:dynamodb:eu-west-1:123456789012:table/dedpf')],
        }),
      );
    });

    test('networked: VPC policy after the provider managed policies; sqs before inherited statements (§5.4)', () => {
      expect(resources(r.template)[roleId('networked')]).toEqual(
        role({
          ...fromProvider,
          name: name('networked'),
          managed: [XRAY_RO, VPC_POLICY],
          statements: [logs('networked'), allow(SQS_CONSUME, [getAtt('WorkQueue')]), ...providerStatements],
        }),
      );
      expect(esmsOf(r.template, 'networked').map(([, e]) => e.DependsOn)).toEqual([[roleId('networked')]]);
    });

    test('Lambda Role and DependsOn (§2)', () => {
      const t = r.template;
      for (const key of ['plain', 'noInherit', 'bare', 'extended', 'networked']) expectWiring(t, key, onDedicated(key));
      expectWiring(t, 'ownRole', { Role: getAtt('OwnRole'), DependsOn: [logGroupId('ownRole'), 'OwnRole'] });
      expectWiring(t, 'ownArn', { Role: 'arn:aws:iam::123456789012:role/dedpf-external', DependsOn: [logGroupId('ownArn')] });
    });

    test('trust policies are exactly [lambda] (§6.4)', () => {
      for (const id of rolesOf(r.template)) expect({ id, trust: principalsOf(resources(r.template)[id]) }).toEqual({ id, trust: [LAMBDA] });
    });
  });

  describe('dedicated-every-event', () => {
    let r;
    beforeAll(() => {
      r = packaged('dedicated-every-event', framework);
    });
    commonTests(() => r, { sharedRole: true });

    const S = 'dedevt';
    const own = (key) => allow(['s3:GetObject'], `arn:aws:s3:::dedevt-${key}/*`);
    const DDB_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/dedevt-orders/stream/2024-01-01T00:00:00.000';
    const consumerId = (t) => {
      const ids = Object.keys(resources(t)).filter((id) => resources(t)[id].Type === 'AWS::Kinesis::StreamConsumer');
      expect(ids).toHaveLength(1);
      return ids[0];
    };
    // key → what §4 adds to that function's dedicated role, in §5.4 order
    const FEATURES = {
      ddbStream: { auto: () => [allow(DDB_STREAM, [DDB_ARN])] },
      kinesisStream: { auto: () => [allow(KINESIS_STREAM, [getAtt('ClickStream')])] },
      kinesisConsumer: {
        auto: (t) => [allow(KINESIS_CONSUMER, [getAtt('ClickStream')]), allow(['kinesis:SubscribeToShard'], [{ Ref: consumerId(t) }])],
      },
      streamFailures: {
        auto: () => [
          allow(DDB_STREAM, [DDB_ARN]),
          allow(KINESIS_STREAM, ['arn:aws:kinesis:us-east-1:123456789012:stream/dedevt-external']),
          allow(['sns:Publish'], ['arn:aws:sns:us-east-1:123456789012:dedevt-stream-alerts']),
          allow(['sqs:ListQueues', 'sqs:SendMessage'], ['arn:aws:sqs:us-east-1:123456789012:dedevt-stream-dlq']),
        ],
      },
      sqsConsumer: { auto: () => [allow(SQS_CONSUME, ['arn:aws:sqs:us-east-1:123456789012:dedevt-jobs', getAtt('WorkQueue')])] },
      dlq: { auto: () => [allow(['sns:Publish'], 'arn:aws:sns:us-east-1:123456789012:dedevt-dlq')] },
      socket: { auto: () => [WEBSOCKETS] },
      activeMq: {
        auto: () => [
          allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedevt-mq-AbCdEf']),
          allow(['mq:DescribeBroker'], ['arn:aws:mq:us-east-1:123456789012:broker:dedevt-active:b-1234a5b6-78cd-901e-2fab-3c45d6e178f9']),
          EC2,
        ],
      },
      rabbitMq: {
        auto: () => [
          allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedevt-rabbit-AbCdEf']),
          allow(['mq:DescribeBroker'], ['arn:aws:mq:us-east-1:123456789012:broker:dedevt-rabbit:b-9876a5b4-32cd-109e-8fab-7c65d4e321f0']),
          EC2,
        ],
      },
      kafkaVpc: { auto: () => [allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedevt-kafka-AbCdEf']), EC2] },
      msk: {
        auto: () => [allow(MSK, ['arn:aws:kafka:us-east-1:123456789012:cluster/dedevt-cluster/a1b2c3d4-5678-90ab-cdef-1234567890ab-1']), EC2],
      },
      edge: { auto: () => [EDGE_LOGS], trust: [EDGE, LAMBDA] },
      scheduled: { auto: () => [schedulerInvoke('dedevt-dev-scheduled')], trust: [LAMBDA, SCHEDULER] },
      traced: { auto: () => [XRAY] },
      encrypted: { auto: () => [allow(['kms:Decrypt'], ['arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa'])] },
      efsMount: {
        auto: () => [allow(EFS, ['arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0'])],
        managed: [VPC_POLICY],
      },
      s3filesMount: {
        auto: () => [
          allow(S3FILES, ['arn:aws:s3files:us-east-1:123456789012:file-system/fs-0123456789abcdef0/access-point/fsap-0123456789abcdef0']),
        ],
        managed: [VPC_POLICY],
      },
      chained: {
        auto: () => [
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: sub('lambda:${AWS::Region}:${AWS::AccountId}:function:dedevt-dev-sqsConsumer') },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:dedevt-failures' },
        ],
      },
      durable: { auto: () => [], managed: [DURABLE_POLICY] },
      customLogGroup: { auto: () => [], logGroup: '/custom/dedevt/app' },
      quiet: { auto: () => [], disableLogs: true },
    };
    const KEYS = Object.keys(FEATURES);

    test('one dedicated role per function with statements; plain on the shared role (§5.1)', () => {
      expect(rolesOf(r.template)).toEqual([SHARED, ...KEYS.map(roleId)].sort());
    });

    test.each(KEYS)('%s: exactly its own §4 permissions, in §5.4 order, own statement last', (key) => {
      const t = r.template;
      const f = FEATURES[key];
      // the group the compiled function writes to: Serverless 3.40.0 has no logs.logGroup
      const group = (framework === 'osls' && f.logGroup) || `/aws/lambda/dedevt-dev-${key}`;
      expect(sortedTrust(resources(t)[roleId(key)])).toEqual(
        role({
          service: S,
          stage: 'dev',
          name: generatedName(S, 'dev', key),
          trust: f.trust || [LAMBDA],
          managed: f.managed,
          statements: [dedicatedLogs(group), ...(f.disableLogs ? [dedicatedDeny(group)] : []), ...f.auto(t), own(key)],
        }),
      );
    });

    test('Lambda Role and DependsOn: the role first; disableLogs has no log group (§2)', () => {
      const t = r.template;
      for (const key of KEYS.filter((k) => k !== 'quiet')) expectWiring(t, key, onDedicated(key));
      expectWiring(t, 'quiet', onDedicated('quiet', []));
      expectWiring(t, 'plain', onShared('plain'));
    });

    test('event source mappings depend on their function role; the consumer one also on its consumer (§2)', () => {
      const t = r.template;
      const byFn = {
        ddbStream: 1,
        kinesisStream: 1,
        kinesisConsumer: 1,
        streamFailures: 2,
        sqsConsumer: 2,
        activeMq: 1,
        rabbitMq: 1,
        kafkaVpc: 1,
        msk: 1,
      };
      for (const [key, count] of Object.entries(byFn)) {
        const esms = esmsOf(t, key);
        expect({ key, count: esms.length }).toEqual({ key, count });
        for (const [id, esm] of esms) {
          const expected = key === 'kinesisConsumer' ? [roleId(key), consumerId(t)] : [roleId(key)];
          expect({ id, DependsOn: esm.DependsOn }).toEqual({ id, DependsOn: expected });
        }
      }
    });

    test('the scheduler schedule uses the dedicated role as Target.RoleArn (§2)', () => {
      expect(schedulesOf(r.template).map(([, s]) => s.Properties.Target.RoleArn)).toEqual([getAtt(roleId('scheduled'))]);
    });

    test('trust: edgelambda only on edge, scheduler only on scheduled (§6.4)', () => {
      const t = r.template;
      for (const id of rolesOf(t)) {
        const expected = id === roleId('edge') ? [LAMBDA, EDGE] : id === roleId('scheduled') ? [LAMBDA, SCHEDULER] : [LAMBDA];
        expect({ id, trust: [...principalsOf(resources(t)[id])].sort() }).toEqual({ id, trust: [...expected].sort() });
      }
    });

    // Under osls the framework itself adds lambda:CheckpointDurableExecution/GetDurableExecutionState
    // for `durable` to IamRoleLambdaExecution; the plugin recognises it and leaves it out.
    test(
      'the shared role (used by plain only) keeps nothing of the dedicated functions: no §4 statement, no managed policy, lambda trust (§6.3)',
      () => {
        const shared = resources(r.template)[SHARED];
        expect(principalsOf(shared)).toEqual([LAMBDA]);
        expect(shared.Properties.ManagedPolicyArns).toBeUndefined();
        expect(actionsOf(shared).filter((a) => !a.startsWith('logs:'))).toEqual([]);
        expect(JSON.stringify(statementsOf(shared))).not.toContain('logs:*:*:*');
      },
    );
  });

  describe('dedicated-legacy-fields (as our plugin reads them)', () => {
    let r;
    beforeAll(() => {
      r = packaged('dedicated-legacy-fields', framework);
    });
    commonTests(() => r, { sharedRole: true });

    const S = 'dedlegacy';
    const providerStatement = allow(['s3:ListBucket'], 'arn:aws:s3:::dedlegacy-data');
    const GLOBAL = 'arn:aws:iam::123456789012:policy/global-boundary';
    const base = { service: S, stage: 'dev', path: '/legacy/', tags: tags({ Team: 'legacy' }), boundary: GLOBAL };
    const logs = (key) => dedicatedLogs(`/aws/lambda/dedlegacy-dev-${key}`);
    const name = (key) => generatedName(S, 'dev', key);

    test('iamRoleStatements (even []) creates the role; defaultInherit inherits; iamGlobalPermissionsBoundary beats the provider boundary (§5.2)', () => {
      const t = r.template;
      expect(resources(t)[roleId('inheritDefault')]).toEqual(
        role({
          ...base,
          name: name('inheritDefault'),
          statements: [
            logs('inheritDefault'),
            allow(DDB_STREAM, ['arn:aws:dynamodb:us-east-1:123456789012:table/dedlegacy-orders/stream/2024-01-01T00:00:00.000']),
            allow(SQS_CONSUME, [getAtt('LegacyQueue')]),
            allow(['sns:Publish'], 'arn:aws:sns:us-east-1:123456789012:dedlegacy-dlq'),
            XRAY,
            providerStatement,
            allow(['dynamodb:GetItem'], 'arn:aws:dynamodb:us-east-1:123456789012:table/dedlegacy-orders'),
          ],
        }),
      );
      expect(resources(t)[roleId('empty')]).toEqual(role({ ...base, name: name('empty'), statements: [logs('empty'), XRAY, providerStatement] }));
    });

    test('iamRoleStatementsInherit false, iamRoleStatementsName, iamPermissionsBoundary (§5.2)', () => {
      expect(resources(r.template)[roleId('noInherit')]).toEqual(
        role({
          ...base,
          name: 'dedlegacy-no-inherit-dev',
          boundary: 'arn:aws:iam::123456789012:policy/function-boundary',
          statements: [logs('noInherit'), XRAY, allow(['sns:Publish'], { Ref: 'AlertsTopic' })],
        }),
      );
    });

    test('both legacy and new keys: the new keys win, nothing is merged (§5.2)', () => {
      expect(resources(r.template)[roleId('both')]).toEqual(
        role({
          ...base,
          name: 'dedlegacy-new-name',
          boundary: 'arn:aws:iam::123456789012:policy/new-boundary',
          statements: [logs('both'), XRAY, allow(['s3:DeleteObject'], 'arn:aws:s3:::dedlegacy-data/new/*')],
        }),
      );
    });

    test('the feature functions get their permissions (§4, §5.4)', () => {
      const t = r.template;
      const expectRole = (key, statements, extra = {}) =>
        expect(sortedTrust(resources(t)[roleId(key)])).toEqual(role({ ...base, name: name(key), statements, ...extra }));
      expectRole('edge', [logs('edge'), EDGE_LOGS, XRAY, providerStatement], { trust: [EDGE, LAMBDA] });
      expectRole('scheduled', [logs('scheduled'), schedulerInvoke('dedlegacy-dev-scheduled'), XRAY, providerStatement], {
        trust: [LAMBDA, SCHEDULER],
      });
      expectRole('encrypted', [
        logs('encrypted'),
        XRAY,
        allow(['kms:Decrypt'], ['arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa']),
        providerStatement,
      ]);
      expectRole(
        'efsMount',
        [logs('efsMount'), XRAY, allow(EFS, ['arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0']), providerStatement],
        { managed: [VPC_POLICY] },
      );
      expectRole('chained', [
        logs('chained'),
        XRAY,
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: sub('lambda:${AWS::Region}:${AWS::AccountId}:function:dedlegacy-dev-shared') },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:dedlegacy-failures' },
        providerStatement,
      ]);
      expectRole('activeMq', [
        logs('activeMq'),
        allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedlegacy-mq-AbCdEf']),
        allow(['mq:DescribeBroker'], ['arn:aws:mq:us-east-1:123456789012:broker:dedlegacy-active:b-1234a5b6-78cd-901e-2fab-3c45d6e178f9']),
        EC2,
        XRAY,
        providerStatement,
      ]);
      expectRole('kafkaVpc', [
        logs('kafkaVpc'),
        allow(SECRETS, ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedlegacy-kafka-AbCdEf']),
        EC2,
        XRAY,
        providerStatement,
      ]);
      expectRole('msk', [
        logs('msk'),
        allow(MSK, ['arn:aws:kafka:us-east-1:123456789012:cluster/dedlegacy-cluster/a1b2c3d4-5678-90ab-cdef-1234567890ab-1']),
        EC2,
        XRAY,
        providerStatement,
      ]);
      const consumer = Object.keys(resources(t)).find((id) => resources(t)[id].Type === 'AWS::Kinesis::StreamConsumer');
      expectRole('consumer', [
        logs('consumer'),
        allow(KINESIS_CONSUMER, [getAtt('ClickStream')]),
        allow(['kinesis:SubscribeToShard'], [{ Ref: consumer }]),
        XRAY,
        providerStatement,
      ]);
      expectRole('quiet', [logs('quiet'), dedicatedDeny('/aws/lambda/dedlegacy-dev-quiet'), XRAY, providerStatement]);
      expectRole('withManaged', [logs('withManaged'), XRAY, providerStatement], { managed: ['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess'] });
    });

    test('the shared role (used by `shared` only): provider statement, xray, its own queue; no grant of a moved function (§6.3)', () => {
      const shared = resources(r.template)[SHARED];
      expect(principalsOf(shared)).toEqual([LAMBDA]);
      expect(shared.Properties.ManagedPolicyArns).toBeUndefined();
      expect(statementsOf(shared).filter((s) => ![].concat(s.Action).every((a) => a.startsWith('logs:')))).toEqual([
        providerStatement,
        XRAY,
        allow(SQS_CONSUME, [getAtt('SharedQueue')]),
      ]);
    });

    test('Lambda Role and DependsOn (§2)', () => {
      const t = r.template;
      const dedicated = ['inheritDefault', 'noInherit', 'empty', 'both', 'edge', 'scheduled', 'encrypted', 'efsMount', 'chained', 'activeMq', 'kafkaVpc', 'msk', 'consumer', 'withManaged'];
      for (const key of dedicated) expectWiring(t, key, onDedicated(key));
      expectWiring(t, 'quiet', onDedicated('quiet', ['SharedQueue']));
      expectWiring(t, 'shared', onShared('shared'));
    });
  });

  describe('dedicated-legacy-simple (as our plugin reads it)', () => {
    let r;
    beforeAll(() => {
      r = packaged('dedicated-legacy-simple', framework);
    });
    commonTests(() => r, { sharedRole: true });

    const S = 'legsimple';
    const base = {
      service: S,
      stage: 'dev',
      path: '/simple/',
      tags: tags({ Owner: 'simple' }),
      boundary: 'arn:aws:iam::123456789012:policy/simple-boundary',
    };
    const providerStatement = allow(['s3:ListBucket'], 'arn:aws:s3:::legsimple-data');

    test('roles and wiring', () => {
      const t = r.template;
      expect(rolesOf(t)).toEqual([SHARED, roleId('reader'), roleId('writer'), roleId('drafted')].sort());
      expect(resources(t)[SHARED]).toEqual(role({ ...base, name: sharedRoleName(S, 'dev'), statements: [...sharedLogs('legsimple-dev'), providerStatement] }));
      // `iamRoleStatements:` present with no items (null) asks for a role of its own, as in serverless-iam-roles-per-function
      expect(resources(t)[roleId('drafted')]).toEqual(
        role({ ...base, name: generatedName(S, 'dev', 'drafted'), statements: [dedicatedLogs('/aws/lambda/legsimple-dev-drafted')] }),
      );
      expectWiring(t, 'drafted', onDedicated('drafted'));
      expect(resources(t)[roleId('reader')]).toEqual(
        role({
          ...base,
          name: 'legsimple-reader-dev',
          statements: [dedicatedLogs('/aws/lambda/legsimple-dev-reader'), allow(['dynamodb:GetItem'], 'arn:aws:dynamodb:us-east-1:123456789012:table/legsimple')],
        }),
      );
      expect(resources(t)[roleId('writer')]).toEqual(
        role({
          ...base,
          name: generatedName(S, 'dev', 'writer'),
          statements: [
            dedicatedLogs('/aws/lambda/legsimple-dev-writer'),
            // one-element Resource list unwrapped by the framework's validation
            allow(['dynamodb:PutItem', 'dynamodb:UpdateItem'], 'arn:aws:dynamodb:us-east-1:123456789012:table/legsimple'),
            allow(['s3:PutObject'], 'arn:aws:s3:::legsimple-data/*'),
          ],
        }),
      );
      expectWiring(t, 'reader', onDedicated('reader'));
      expectWiring(t, 'writer', onDedicated('writer'));
      expectWiring(t, 'reporter', onShared('reporter'));
    });
  });

  describe('dedicated-legacy-role-name (provider.iam.role.name with a legacy function)', () => {
    let r;
    beforeAll(() => {
      r = packaged('dedicated-legacy-role-name', framework);
    });
    commonTests(() => r, { sharedRole: true });

    test('the provider name stays on the shared role; the dedicated role gets the generated name (§6.5)', () => {
      const t = r.template;
      expect(rolesOf(t)).toEqual([SHARED, roleId('worker')].sort());
      expect(resources(t)[SHARED]).toEqual(
        role({
          service: 'legname',
          stage: 'dev',
          name: 'legname-shared-dev',
          statements: [...sharedLogs('legname-dev'), allow(['s3:ListBucket'], 'arn:aws:s3:::legname-data')],
        }),
      );
      expect(resources(t)[roleId('worker')]).toEqual(
        role({
          service: 'legname',
          stage: 'dev',
          name: generatedName('legname', 'dev', 'worker'),
          statements: [dedicatedLogs('/aws/lambda/legname-dev-worker'), allow(['sqs:SendMessage'], 'arn:aws:sqs:us-east-1:123456789012:legname-out')],
        }),
      );
      expectWiring(t, 'worker', onDedicated('worker'));
      expectWiring(t, 'api', onShared('api'));
    });
  });
});

describe('dedicated-shared-mode packaged with --region ap-southeast-2 (serverless)', () => {
  let r;
  beforeAll(() => {
    r = packaged('dedicated-shared-mode', 'serverless', { args: ['--region', 'ap-southeast-2'], label: 'sydney' });
  });
  commonTests(() => r, { sharedRole: true });

  test('--region wins over provider.region: the 64-character name at us-east-1 is 69 here and drops lambdaRole (§1)', () => {
    const t = r.template;
    expect(resources(t)[roleId('fitsAtUsEast1ButNotInSydney12')].Properties.RoleName).toEqual(
      generatedName('dedshared', 'dev', 'fitsAtUsEast1ButNotInSydney12', { suffix: false }),
    );
    expect(resources(t)[roleId('dropsTheSuffixEvenInUsEast1xyz')].Properties.RoleName).toEqual(
      generatedName('dedshared', 'dev', 'dropsTheSuffixEvenInUsEast1xyz', { suffix: false }),
    );
    // 49 characters at ap-southeast-2: keeps the suffix
    expect(resources(t)[roleId('inheritOn')].Properties.RoleName).toEqual(generatedName('dedshared', 'dev', 'inheritOn'));
  });
});
