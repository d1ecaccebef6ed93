'use strict';

// Differential test against serverless-iam-roles-per-function 3.2.0, the plugin this one replaces.
// Each legacy service is packaged by Serverless 3.40.0 twice: with the community plugin (a copy of the
// service whose plugin line names it) and with ours. Where the community plugin is right, both must
// agree (same role ids, names, statements, wiring). Where it is wrong (real-world/README.md "What the
// community plugin gets wrong", its issue tracker), a test names the bug, shows it in the community
// output and asserts what we produce instead, written by hand from docs/iam-behaviour.md.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { packageService, ROOT } = require('./harness');
const { statementsOf } = require('./iam-extract');
const { lintErrors } = require('./cfn-lint');

const SHARED = 'IamRoleLambdaExecution';
const LAMBDA = 'lambda.amazonaws.com';
const EDGE = 'edgelambda.amazonaws.com';
const SCHEDULER = 'scheduler.amazonaws.com';
const PLUGIN_LINE = /^(\s*)-\s*serverless-iam-synth\s*$/m;

const normalized = (key) => key.charAt(0).toUpperCase() + key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
const roleId = (key) => `${normalized(key)}${SHARED}`;
const lambdaId = (key) => `${normalized(key)}LambdaFunction`;
const sub = (x) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${x}` });
const getAtt = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const allow = (Action, Resource) => ({ Effect: 'Allow', Action, Resource });
const logGroupArn = (group) => sub(`logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${group}:*:*`);

// §4 statements, by hand
const XRAY = allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*']);
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
const EDGE_LOGS = allow(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:TagResource'], [sub('logs:*:*:*')]);
const KINESIS_STREAM = ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListStreams'];
const KINESIS_CONSUMER = ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStreamSummary', 'kinesis:ListShards'];

// ---------------------------------------------------------------------------------------------

/** Packages a copy of the example whose plugin line names serverless-iam-roles-per-function. */
function packageWithCommunityPlugin(name) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-diff-'));
  const copy = path.join(tmp, `${name}-community`);
  fs.cpSync(path.join(ROOT, 'examples', name), copy, { recursive: true });
  const yml = path.join(copy, 'serverless.yml');
  const text = fs.readFileSync(yml, 'utf8');
  if (!PLUGIN_LINE.test(text)) throw new Error(`${name}: no plugin line to swap`);
  fs.writeFileSync(yml, text.replace(PLUGIN_LINE, '$1- serverless-iam-roles-per-function'));
  try {
    return packageService(copy, { framework: 'serverless' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function packageWithOurs(name) {
  // label: the directory must differ from dedicated.e2e.test.js's, which may run at the same time
  return packageService(path.join(ROOT, 'examples', name), { framework: 'serverless', label: 'legacy-diff' });
}

const resources = (t) => t.Resources;
const rolesOf = (t) =>
  Object.keys(resources(t))
    .filter((id) => resources(t)[id].Type === 'AWS::IAM::Role')
    .sort();
const principalsOf = (r) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service;
const firstAction = (s) => [].concat(s.Action || s.NotAction)[0];
const hasAction = (r, action) => statementsOf(r).some((s) => [].concat(s.Action || []).includes(action));

/** Community output, normalized where it differs only in form: `ManagedPolicyArns: []` (always set
 * by the plugin's clone) means no managed policies; an event source mapping's DependsOn string is a
 * one-element list. */
function normalizeRole(r) {
  const copy = JSON.parse(JSON.stringify(r));
  if (Array.isArray(copy.Properties.ManagedPolicyArns) && copy.Properties.ManagedPolicyArns.length === 0) {
    delete copy.Properties.ManagedPolicyArns;
  }
  return copy;
}
const dependsList = (d) => (d === undefined ? undefined : [].concat(d));

function wiring(t) {
  const out = { functions: {}, esms: {}, schedules: {} };
  for (const [id, r] of Object.entries(resources(t))) {
    if (r.Type === 'AWS::Lambda::Function') out.functions[id] = { Role: r.Properties.Role, DependsOn: r.DependsOn };
    if (r.Type === 'AWS::Lambda::EventSourceMapping') out.esms[id] = dependsList(r.DependsOn);
    if (r.Type === 'AWS::Scheduler::Schedule') out.schedules[id] = r.Properties.Target.RoleArn;
  }
  return out;
}

function expectPackaged(r, what) {
  expect({ what, status: r.status, out: r.status ? `${r.stdout}\n${r.stderr}` : '' }).toEqual({ what, status: 0, out: '' });
}

// ---------------------------------------------------------------------------------------------

describe('dedicated-legacy-simple: iamRoleStatements + iamRoleStatementsName, where the community plugin is right', () => {
  let community;
  let ours;
  beforeAll(() => {
    community = packageWithCommunityPlugin('dedicated-legacy-simple');
    ours = packageWithOurs('dedicated-legacy-simple');
  });

  test('both package; cfn-lint finds no error in ours', () => {
    expectPackaged(community, 'community plugin');
    expectPackaged(ours, 'serverless-iam-synth');
    expect(lintErrors([ours.templatePath])).toEqual([]);
  });

  test('same role logical ids (switching plugins replaces no role)', () => {
    expect(rolesOf(ours.template)).toEqual(rolesOf(community.template));
    // `drafted` has `iamRoleStatements:` with no items (null): a dedicated role from both plugins
    expect(rolesOf(ours.template)).toEqual([SHARED, roleId('reader'), roleId('writer'), roleId('drafted')].sort());
  });

  test('same role names', () => {
    for (const id of rolesOf(community.template)) {
      expect({ id, name: resources(ours.template)[id].Properties.RoleName }).toEqual({
        id,
        name: resources(community.template)[id].Properties.RoleName,
      });
    }
    expect(resources(ours.template)[roleId('reader')].Properties.RoleName).toBe('legsimple-reader-dev');
  });

  test('same roles: statements in the same order, trust, path, tags, boundary', () => {
    for (const id of rolesOf(community.template)) {
      expect({ id, role: resources(ours.template)[id] }).toEqual({ id, role: normalizeRole(resources(community.template)[id]) });
    }
  });

  test('same Lambda Role and DependsOn', () => {
    expect(wiring(ours.template)).toEqual(wiring(community.template));
  });
});

describe('dedicated-legacy-fields: every legacy field, and the community plugin bugs', () => {
  let community;
  let ours;
  let c; // community template
  let o; // our template
  beforeAll(() => {
    community = packageWithCommunityPlugin('dedicated-legacy-fields');
    ours = packageWithOurs('dedicated-legacy-fields');
    c = community.template;
    o = ours.template;
  });

  // `both` sets every legacy key and its new equivalent; the community plugin knows only the legacy
  // keys, we let the new ones win (§5.2), so its name, boundary and statements differ by design.
  const BOTH = roleId('both');
  const dedicatedIds = () => rolesOf(c).filter((id) => id !== SHARED);

  test('both package; cfn-lint finds no error in ours', () => {
    expectPackaged(community, 'community plugin');
    expectPackaged(ours, 'serverless-iam-synth');
    expect(lintErrors([ours.templatePath])).toEqual([]);
  });

  test('same role logical ids', () => {
    expect(rolesOf(o)).toEqual(rolesOf(c));
  });

  test('same role names, except `both` where the new iam.role.name wins (§5.2)', () => {
    for (const id of rolesOf(c).filter((x) => x !== BOTH)) {
      expect({ id, name: resources(o)[id].Properties.RoleName }).toEqual({ id, name: resources(c)[id].Properties.RoleName });
    }
    expect(resources(c)[BOTH].Properties.RoleName).toBe('dedlegacy-legacy-name');
    expect(resources(o)[BOTH].Properties.RoleName).toBe('dedlegacy-new-name');
  });

  test('same Path, Tags and PermissionsBoundary on every dedicated role, except the boundary of `both` (§5.2, §5.3)', () => {
    for (const id of dedicatedIds()) {
      const pick = (t) => {
        const p = resources(t)[id].Properties;
        return { id, Path: p.Path, Tags: p.Tags, PermissionsBoundary: id === BOTH ? 'n/a' : p.PermissionsBoundary };
      };
      expect(pick(o)).toEqual(pick(c));
    }
    expect(resources(o)[BOTH].Properties.PermissionsBoundary).toBe('arn:aws:iam::123456789012:policy/new-boundary');
  });

  test('same statements, in the same order, once the statements of the bugs below are set aside', () => {
    // What we add that the community plugin forgets (each named in a test below).
    const OURS_ONLY = new Set([
      'xray:PutTraceSegments',
      'kms:Decrypt',
      'elasticfilesystem:ClientMount',
      'lambda:InvokeFunction',
      'sqs:SendMessage',
      'secretsmanager:GetSecretValue',
      'mq:DescribeBroker',
      'ec2:CreateNetworkInterface',
      'kafka:DescribeCluster',
      'kinesis:SubscribeToShard',
    ]);
    const oursOnly = (s) =>
      OURS_ONLY.has(firstAction(s)) ||
      JSON.stringify(s) === JSON.stringify(EDGE_LOGS) ||
      s.Effect === 'Deny' ||
      JSON.stringify(s.Action) === JSON.stringify(KINESIS_CONSUMER);
    // What the community plugin grants wrongly: the plain stream statement for a consumer stream.
    const communityWrong = (id, s) => id === roleId('consumer') && JSON.stringify(s.Action) === JSON.stringify(KINESIS_STREAM);
    for (const id of dedicatedIds().filter((x) => x !== BOTH)) {
      expect({ id, statements: statementsOf(resources(o)[id]).filter((s) => !oursOnly(s)) }).toEqual({
        id,
        statements: statementsOf(resources(c)[id]).filter((s) => !communityWrong(id, s)),
      });
    }
  });

  test('same Lambda Role and DependsOn for every function', () => {
    expect(wiring(o).functions).toEqual(wiring(c).functions);
  });

  test('event source mappings depend on the same role; the scheduler schedule uses the same role', () => {
    const ow = wiring(o);
    const cw = wiring(c);
    expect(Object.keys(ow.esms).sort()).toEqual(Object.keys(cw.esms).sort());
    for (const id of Object.keys(cw.esms)) expect({ id, role: ow.esms[id][0] }).toEqual({ id, role: cw.esms[id][0] });
    expect(ow.schedules).toEqual(cw.schedules);
    expect(ow.schedules).toEqual({ ScheduledSchedulerSchedule1: getAtt(roleId('scheduled')) });
  });

  test('community bug: an event source mapping DependsOn is overwritten with the role, dropping the stream consumer (ours keeps both, §2)', () => {
    const consumer = Object.keys(resources(o)).find((id) => resources(o)[id].Type === 'AWS::Kinesis::StreamConsumer');
    const esm = Object.keys(wiring(o).esms).find((id) => id.startsWith('ConsumerEventSourceMapping'));
    expect(resources(c)[esm].DependsOn).toBe(roleId('consumer'));
    expect(resources(o)[esm].DependsOn).toEqual([roleId('consumer'), consumer]);
  });

  test('community bug: over-broad trust copied from the shared role; ours trusts lambda, plus edgelambda/scheduler only where needed (§6.4)', () => {
    for (const id of dedicatedIds()) {
      expect({ id, trust: principalsOf(resources(c)[id]) }).toEqual({ id, trust: principalsOf(resources(c)[SHARED]) });
    }
    expect(principalsOf(resources(c)[SHARED])).toEqual(expect.arrayContaining([EDGE, SCHEDULER]));
    for (const id of rolesOf(o)) {
      const expected = id === roleId('edge') ? [EDGE, LAMBDA] : id === roleId('scheduled') ? [LAMBDA, SCHEDULER] : [LAMBDA];
      expect({ id, trust: [...principalsOf(resources(o)[id])].sort() }).toEqual({ id, trust: expected });
    }
  });

  test('community bug: no X-Ray on dedicated roles with provider tracing; ours has it on every role (§4)', () => {
    for (const id of dedicatedIds()) {
      expect({ id, xray: hasAction(resources(c)[id], 'xray:PutTraceSegments') }).toEqual({ id, xray: false });
      expect({ id, xray: statementsOf(resources(o)[id]).filter((s) => firstAction(s) === 'xray:PutTraceSegments') }).toEqual({ id, xray: [XRAY] });
    }
  });

  test('community bug: no kms:Decrypt for kmsKeyArn (encrypted)', () => {
    expect(hasAction(resources(c)[roleId('encrypted')], 'kms:Decrypt')).toBe(false);
    expect(statementsOf(resources(o)[roleId('encrypted')])).toContainEqual(
      allow(['kms:Decrypt'], ['arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa']),
    );
  });

  test('community bug: no EFS access for fileSystemConfig (efsMount)', () => {
    expect(hasAction(resources(c)[roleId('efsMount')], 'elasticfilesystem:ClientMount')).toBe(false);
    expect(statementsOf(resources(o)[roleId('efsMount')])).toContainEqual(
      allow(['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], [
        'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0',
      ]),
    );
  });

  test('community bug: no destination permissions (chained)', () => {
    const cs = statementsOf(resources(c)[roleId('chained')]).map(firstAction);
    expect(cs).not.toContain('lambda:InvokeFunction');
    expect(cs).not.toContain('sqs:SendMessage');
    const os_ = statementsOf(resources(o)[roleId('chained')]);
    expect(os_).toContainEqual({
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: sub('lambda:${AWS::Region}:${AWS::AccountId}:function:dedlegacy-dev-shared'),
    });
    expect(os_).toContainEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:dedlegacy-failures' });
  });

  test('community bug: no Amazon MQ permissions (activeMq)', () => {
    const r = resources(c)[roleId('activeMq')];
    expect([hasAction(r, 'secretsmanager:GetSecretValue'), hasAction(r, 'mq:DescribeBroker'), hasAction(r, 'ec2:CreateNetworkInterface')]).toEqual([
      false,
      false,
      false,
    ]);
    const os_ = statementsOf(resources(o)[roleId('activeMq')]);
    expect(os_).toContainEqual(allow(['secretsmanager:GetSecretValue'], ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedlegacy-mq-AbCdEf']));
    expect(os_).toContainEqual(
      allow(['mq:DescribeBroker'], ['arn:aws:mq:us-east-1:123456789012:broker:dedlegacy-active:b-1234a5b6-78cd-901e-2fab-3c45d6e178f9']),
    );
    expect(os_).toContainEqual(EC2);
  });

  test('community bug: no Kafka permissions (kafkaVpc)', () => {
    const r = resources(c)[roleId('kafkaVpc')];
    expect([hasAction(r, 'secretsmanager:GetSecretValue'), hasAction(r, 'ec2:CreateNetworkInterface')]).toEqual([false, false]);
    const os_ = statementsOf(resources(o)[roleId('kafkaVpc')]);
    expect(os_).toContainEqual(allow(['secretsmanager:GetSecretValue'], ['arn:aws:secretsmanager:us-east-1:123456789012:secret:dedlegacy-kafka-AbCdEf']));
    expect(os_).toContainEqual(EC2);
  });

  test('community bug: no MSK permissions (msk)', () => {
    const r = resources(c)[roleId('msk')];
    expect([hasAction(r, 'kafka:DescribeCluster'), hasAction(r, 'ec2:CreateNetworkInterface')]).toEqual([false, false]);
    const os_ = statementsOf(resources(o)[roleId('msk')]);
    expect(os_).toContainEqual(
      allow(['kafka:DescribeCluster', 'kafka:GetBootstrapBrokers'], [
        'arn:aws:kafka:us-east-1:123456789012:cluster/dedlegacy-cluster/a1b2c3d4-5678-90ab-cdef-1234567890ab-1',
      ]),
    );
    expect(os_).toContainEqual(EC2);
  });

  test('community bug: a Kinesis consumer gets the plain stream statement and no kinesis:SubscribeToShard (consumer)', () => {
    const consumer = Object.keys(resources(o)).find((id) => resources(o)[id].Type === 'AWS::Kinesis::StreamConsumer');
    expect(statementsOf(resources(c)[roleId('consumer')])).toContainEqual(allow(KINESIS_STREAM, [getAtt('ClickStream')]));
    expect(hasAction(resources(c)[roleId('consumer')], 'kinesis:SubscribeToShard')).toBe(false);
    const os_ = statementsOf(resources(o)[roleId('consumer')]);
    expect(os_).toContainEqual(allow(KINESIS_CONSUMER, [getAtt('ClickStream')]));
    expect(os_).toContainEqual(allow(['kinesis:SubscribeToShard'], [{ Ref: consumer }]));
    expect(os_.map((s) => JSON.stringify(s.Action))).not.toContain(JSON.stringify(KINESIS_STREAM));
  });

  test('community bug: the scheduler schedule runs under a role without lambda:InvokeFunction (scheduled)', () => {
    expect(resources(c).ScheduledSchedulerSchedule1.Properties.Target.RoleArn).toEqual(getAtt(roleId('scheduled')));
    expect(hasAction(resources(c)[roleId('scheduled')], 'lambda:InvokeFunction')).toBe(false);
    expect(statementsOf(resources(o)[roleId('scheduled')])).toContainEqual(
      allow(['lambda:InvokeFunction'], [
        sub('lambda:${AWS::Region}:${AWS::AccountId}:function:dedlegacy-dev-scheduled'),
        sub('lambda:${AWS::Region}:${AWS::AccountId}:function:dedlegacy-dev-scheduled:*'),
      ]),
    );
  });

  test('community bug: no Lambda@Edge log permissions (edge)', () => {
    expect(statementsOf(resources(c)[roleId('edge')])).not.toContainEqual(EDGE_LOGS);
    expect(statementsOf(resources(o)[roleId('edge')])).toContainEqual(EDGE_LOGS);
  });

  test('community bug: disableLogs ignored, the function may still write logs (quiet)', () => {
    const deny = { Effect: 'Deny', Action: ['logs:PutLogEvents'], Resource: [logGroupArn('/aws/lambda/dedlegacy-dev-quiet')] };
    expect(statementsOf(resources(c)[roleId('quiet')]).filter((s) => s.Effect === 'Deny')).toEqual([]);
    expect(statementsOf(resources(o)[roleId('quiet')])).toContainEqual(deny);
  });

  test('community bug: managed policies dropped from the function role (withManaged)', () => {
    expect(resources(c)[roleId('withManaged')].Properties.ManagedPolicyArns).toEqual([]);
    expect(resources(o)[roleId('withManaged')].Properties.ManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess']);
  });

  test('community bug: the shared role keeps the grants of functions that moved to their own roles (§6.3)', () => {
    const cs = resources(c)[SHARED];
    const os_ = resources(o)[SHARED];
    // community: stream, consumer, kafka, MQ, MSK, EFS, kms, destinations, edge logs of moved functions,
    // the VPC policy of efsMount, and the moved function's queue next to the shared one
    for (const action of ['dynamodb:GetRecords', 'kinesis:SubscribeToShard', 'mq:DescribeBroker', 'kafka:DescribeCluster', 'kms:Decrypt']) {
      expect({ action, on: hasAction(cs, action) }).toEqual({ action, on: true });
      expect({ action, on: hasAction(os_, action) }).toEqual({ action, on: false });
    }
    const sqs = (r) => statementsOf(r).find((s) => firstAction(s) === 'sqs:ReceiveMessage').Resource;
    expect(sqs(cs)).toEqual([getAtt('SharedQueue'), getAtt('LegacyQueue')]);
    expect(sqs(os_)).toEqual([getAtt('SharedQueue')]);
    expect(cs.Properties.ManagedPolicyArns).toHaveLength(1);
    expect(os_.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('dedicated-legacy-role-name: provider.iam.role.name with a legacy function', () => {
  let community;
  let ours;
  beforeAll(() => {
    community = packageWithCommunityPlugin('dedicated-legacy-role-name');
    ours = packageWithOurs('dedicated-legacy-role-name');
  });

  test('community bug: the community plugin crashes ("Global Role Name is not in expected format")', () => {
    expect(community.status).not.toBe(0);
    expect(`${community.stdout}${community.stderr}`).toContain('Global Role Name is not in expected format');
  });

  test('ours packages: the provider name stays on the shared role, the dedicated role gets the generated name (§6.5)', () => {
    expectPackaged(ours, 'serverless-iam-synth');
    expect(resources(ours.template)[SHARED].Properties.RoleName).toBe('legname-shared-dev');
    expect(resources(ours.template)[roleId('worker')].Properties.RoleName).toEqual({
      'Fn::Join': ['-', ['legname', 'dev', 'worker', { Ref: 'AWS::Region' }, 'lambdaRole']],
    });
    expect(resources(ours.template)[lambdaId('worker')].Properties.Role).toEqual(getAtt(roleId('worker')));
    expect(lintErrors([ours.templatePath])).toEqual([]);
  });
});
