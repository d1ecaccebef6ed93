'use strict';

// Regression test on real services (__test__/fixtures/real-world): 14 serverless.yml files written by
// other teams for serverless-iam-roles-per-function. Each fixture is the corpus's offline-packageable
// variant with only the plugin line switched to serverless-iam-synth, which is what a migrating user
// does. Each case is packaged once with Serverless 3.40.0 and compared with `old-plugin-iam.json`, the
// IAM extract of the same service packaged with the community plugin 3.2.0:
//   - the same roles for the same functions under the same ids and names (no replacement on migration);
//   - every statement the user wrote still granted on the same role;
//   - the community plugin's mistakes fixed (corpus README, "What the community plugin gets wrong
//     here", numbered 1–7; the tests that check a fix name the number).
// Expected values come from the case files and from docs/iam-behaviour.md (§ numbers below), never
// from our own output.

const fs = require('fs');
const path = require('path');
const { isDeepStrictEqual } = require('util');
const { execFile } = require('child_process');
const { ROOT } = require('./harness');
const { extractIam, statementsOf } = require('./iam-extract');
const { lintErrors } = require('./cfn-lint');

const CASES_DIR = path.join(ROOT, '__test__', 'fixtures', 'real-world');
const CASES = fs
  .readdirSync(CASES_DIR)
  .filter((n) => fs.existsSync(path.join(CASES_DIR, n, 'serverless.yml')))
  .sort();

const SHARED = 'IamRoleLambdaExecution';
const CUSTOM_RESOURCES_ROLE = 'IamRoleCustomResourcesLambdaExecution'; // the framework's own role
const DEDICATED_ID = /^(.+)IamRoleLambdaExecution$/; // §1: <Normalized>IamRoleLambdaExecution
const SCHEDULER = 'scheduler.amazonaws.com';

// ---------------------------------------------------------------------------------------------
// Facts read from each case's serverless.yml, CHANGES.txt and the corpus README (not from a template).
//   tracing:              provider.tracing.lambda is true, so every function is traced
//   providerRole:         provider.iam.role path and permissionsBoundary
//   configValidationError: the file sets configValidationMode: error
//   schedulerSchedules:   number of `schedule` events with `method: scheduler`
//   subRoleNames:         functions whose iamRoleStatementsName is a `!Sub`
//   destinations:         Lambda logical id → the statement §4 requires for its destinations
//   serviceLint:          cfn-lint errors the service causes itself, whatever builds its roles: a
//                         deprecated runtime it chose, or resources and syntax of plugins that its
//                         CHANGES.txt removed so that it packages offline ([rule, text of the message])

const CMCS_PROVIDER_ROLE = {
  Path: '/delegatedadmin/developer/',
  PermissionsBoundary: 'arn:aws:iam::123456789012:policy/cms-cloud-admin/developer-boundary-policy',
};
const NODE14 = [['E2531', "Runtime 'nodejs14.x' was deprecated"]];
const removedAppSync = (api, rules) => rules.map((rule) => [rule, `'${api}' is not one of`]);

const FACTS = {
  '0xthierry__production-ready-serverless-workshop__workshop': {
    tracing: true,
    subRoleNames: ['GetDashrestaurants', 'SearchDashrestaurants', 'NotifyDashrestaurant'],
    destinations: {
      // notify-restaurant: destinations.onFailure {type: sqs, arn: !GetAtt OnFailureQueue.Arn}
      NotifyDashrestaurantLambdaFunction: [
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['OnFailureQueue', 'Arn'] } },
      ],
    },
    // resources.Conditions uses Fn::StartsWith of the removed serverless-plugin-extrinsic-functions
    serviceLint: [['E8001', "{'Fn::StartsWith'"]],
  },
  'Enterprise-CMCS__macpro-quickstart-serverless__app-api': { providerRole: CMCS_PROVIDER_ROLE, serviceLint: NODE14 },
  'Enterprise-CMCS__macpro-quickstart-serverless__stream-functions': {
    providerRole: CMCS_PROVIDER_ROLE,
    serviceLint: NODE14,
  },
  cisagov__XFD__backend: { tracing: true, configValidationError: true, schedulerSchedules: 6 },
  // GraphQlApi comes from the removed serverless-appsync-plugin; two function statements refer to it
  'dnelsonqcells__appsyncmasterclass-backend__backend': { serviceLint: removedAppSync('GraphQlApi', ['E1019']) },
  'fourTheorem__slic-starter__checklist-service': { tracing: true },
  'fourTheorem__slic-starter__email-service': { tracing: true },
  'getndazn__dazn-lambda-powertools__example': {
    // the state machine came from the removed serverless-step-functions, `#{…}` from serverless-pseudo-parameters
    serviceLint: [
      ['E1020', "'LambdaPowertoolsDemo' is not one of"],
      ['E3510', "'#{"],
    ],
  },
  'rackspace__runway__sls-py-template': {},
  'rebhartell__udacity-aws-cloud-developer-project-5__backend': {
    tracing: true,
    configValidationError: true,
    serviceLint: NODE14,
  },
  'theburningmonk__appsyncmasterclass-backend__backend': {
    tracing: true,
    // AppsyncmasterclassGraphQlApi comes from the removed serverless-appsync-plugin
    serviceLint: removedAppSync('AppsyncmasterclassGraphQlApi', ['E1010', 'E1019', 'E1020', 'E6101']),
  },
  'theburningmonk__eventbridge-schedule-self-delete-demo__self-delete': {
    destinations: {
      // execute (no statements, so under the shared role): destinations.onSuccess: delete (a function key)
      ExecuteLambdaFunction: [
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: {
            'Fn::Sub':
              'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:eventbridge-schedule-self-delete-demo-dev-delete',
          },
        },
      ],
    },
  },
  // provider `tracing: true` (old style) is inert in v3: nothing is traced
  'theburningmonk__manning-aws-lambda-in-motion__bigmouth': {},
  'theburningmonk__passwordless-magic-links-cognito-demo__magic-links': {},
};

function factsOf(name) {
  if (!FACTS[name]) throw new Error(`real-world case ${name} has no entry in FACTS`);
  return FACTS[name];
}

// §4: what the framework and this plugin add for a feature.
const XRAY = { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] };
const SOURCE_ACTIONS = {
  dynamodb: ['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams'],
  kinesis: ['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:ListStreams'],
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
};
const LOGS_DEDICATED = ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'];

// ---------------------------------------------------------------------------------------------
// helpers

const asList = (v) => (v === undefined ? [] : [].concat(v));
const getAttTarget = (v) => (v && Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'][0] : undefined);
const isDedicated = (roleId) => DEDICATED_ID.test(roleId) && roleId !== SHARED;
const has = (statements, statement) => statements.some((s) => isDeepStrictEqual(s, statement));
const trustOf = (role) =>
  role.Properties.AssumeRolePolicyDocument.Statement.flatMap((s) => asList(s.Principal && s.Principal.Service));
const resourcesOfType = (template, type) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** Fails, naming `where`, unless `statement` is one of the role's statements (deep equality). */
function expectStatement(role, statement, where) {
  const present = has(statementsOf(role), statement);
  expect({ ...where, statement, present }).toEqual({ ...where, statement, present: true });
}

/** Lambda logical id → logical id of the role it runs under (roles given as Fn::GetAtt). */
function roleOfFunctions(iam) {
  const out = {};
  for (const [fnId, fn] of Object.entries(iam.functions)) out[fnId] = getAttTarget(fn.Role);
  return out;
}

/** Role logical id → the Lambda logical ids running under it. */
function functionsByRole(roleOf) {
  const out = {};
  for (const [fnId, roleId] of Object.entries(roleOf)) (out[roleId] = out[roleId] || []).push(fnId);
  return out;
}

/**
 * The statements of a community-plugin role that the user wrote: the function's iamRoleStatements and
 * the provider statements it inherited. serverless-iam-roles-per-function 3.2.0 builds a role as
 * [logs, dynamodb stream?, kinesis stream?, sqs?, sns:Publish for onError?, ...inherited, ...own].
 */
function userStatements(oldRole, lambda) {
  const st = statementsOf(oldRole);
  expect(st[0].Action).toEqual(LOGS_DEDICATED);
  const onError = lambda.Properties.DeadLetterConfig && lambda.Properties.DeadLetterConfig.TargetArn;
  const isAuto = (s) =>
    (Array.isArray(s.Resource) && Object.values(SOURCE_ACTIONS).some((a) => isDeepStrictEqual(s.Action, a))) ||
    (onError !== undefined && isDeepStrictEqual(s, { Effect: 'Allow', Action: ['sns:Publish'], Resource: onError }));
  let i = 1;
  while (i < st.length && isAuto(st[i])) i += 1;
  return st.slice(i);
}

/** dynamodb | kinesis | sqs for an EventSourceArn (§4: the ARN's third part, or the referenced resource). */
function sourceKind(template, arn) {
  if (typeof arn === 'string') return arn.split(':')[2];
  const target = template.Resources[getAttTarget(arn)];
  const kinds = { 'AWS::DynamoDB::Table': 'dynamodb', 'AWS::Kinesis::Stream': 'kinesis', 'AWS::SQS::Queue': 'sqs' };
  return target && kinds[target.Type];
}

/** Every event source mapping: { id, fnId, arn, kind, dependsOn }. */
function mappingsOf(template) {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').map(([id, r]) => ({
    id,
    fnId: getAttTarget(r.Properties.FunctionName),
    arn: r.Properties.EventSourceArn,
    kind: sourceKind(template, r.Properties.EventSourceArn),
    dependsOn: asList(r.DependsOn),
  }));
}

/** Every scheduler schedule: { id, fnId, roleArn }. */
function schedulesOf(template) {
  return resourcesOfType(template, 'AWS::Scheduler::Schedule').map(([id, r]) => ({
    id,
    fnId: getAttTarget(r.Properties.Target.Arn),
    roleArn: r.Properties.Target.RoleArn,
  }));
}

/** §4, `schedule` with `method: scheduler`: invoke the function and its qualifiers. */
function schedulerInvokeStatement(fnName) {
  const sub = (suffix) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${fnName}${suffix}`,
  });
  return { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [sub(''), sub(':*')] };
}

/** The lines of the framework's "Invalid configuration encountered" warnings. */
function configWarnings(output) {
  const out = [];
  let inside = false;
  for (const line of output.split('\n')) {
    if (/Invalid configuration encountered/.test(line)) inside = true;
    else if (inside && !line.trim()) inside = false;
    else if (inside) out.push(line.trim());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Packaging: every case once, four at a time, each in its own process (the harness is synchronous).

const CHILD = `
const { packageService } = require(${JSON.stringify(path.join(__dirname, 'harness.js'))});
const r = packageService(process.argv[1], { plugin: true, label: 'real-world' });
const output = (r.stdout || '') + (r.stderr || '');
process.stdout.write(JSON.stringify({ status: r.status, output, templatePath: r.templatePath }));
`;

function packageInChild(dir) {
  const options = { maxBuffer: 64 * 1024 * 1024, timeout: 240000 };
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', CHILD, dir], options, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout));
      } catch (e) {
        resolve({ status: -1, output: `${err ? err.message : ''}\n${stdout}\n${stderr}`, templatePath: null });
      }
    });
  });
}

async function inPool(items, size, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

const RUNS = {};
let LINT = {};

beforeAll(async () => {
  // the harness links the plugin into node_modules; link it once here so that parallel runs do not race
  const link = path.join(ROOT, 'node_modules', 'serverless-iam-synth');
  try {
    if (!fs.existsSync(link)) fs.symlinkSync('..', link, 'dir');
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  const runs = await inPool(CASES, 4, (name) => packageInChild(path.join(CASES_DIR, name)));
  CASES.forEach((name, i) => {
    const run = runs[i];
    const ok = run.status === 0 && run.templatePath && fs.existsSync(run.templatePath);
    const template = ok ? JSON.parse(fs.readFileSync(run.templatePath, 'utf8')) : null;
    const old = JSON.parse(fs.readFileSync(path.join(CASES_DIR, name, 'old-plugin-iam.json'), 'utf8'));
    RUNS[name] = { ...run, template, iam: template && extractIam(template), old };
  });
  // one cfn-lint run for all templates; its lines start with the template's path
  const paths = CASES.filter((n) => RUNS[n].template).map((n) => RUNS[n].templatePath);
  const errors = paths.length ? lintErrors(paths) : [];
  LINT = Object.fromEntries(CASES.map((n) => [n, errors.filter((l) => l.startsWith(`${RUNS[n].templatePath}:`))]));
}, 600000);

// ---------------------------------------------------------------------------------------------

test('the corpus is complete: 14 cases, each switched to serverless-iam-synth', () => {
  expect(CASES).toHaveLength(14);
  for (const name of CASES) {
    const yml = fs.readFileSync(path.join(CASES_DIR, name, 'serverless.yml'), 'utf8');
    const plugins = yml.match(/^\s*-\s*serverless-iam-[a-z-]+\s*$/gm).map((l) => l.trim());
    expect({ name, plugins }).toEqual({ name, plugins: ['- serverless-iam-synth'] });
  }
});

describe.each(CASES)('%s', (name) => {
  const facts = factsOf(name);
  const run = () => {
    const r = RUNS[name];
    if (!r || !r.template) throw new Error(`${name} did not package (see the packaging test)`);
    return r;
  };
  const oldDedicated = () => Object.keys(run().old.roles).filter(isDedicated).sort();
  const oldRoleOf = () => roleOfFunctions(run().old);
  const ourRoleOf = () => roleOfFunctions(run().iam);
  const lambda = (fnId) => run().template.Resources[fnId];
  const ourRole = (roleId) => run().iam.roles[roleId];

  test('packages with the plugin (Serverless 3.40.0)', () => {
    const r = RUNS[name];
    expect({ status: r.status, output: r.status ? r.output : '' }).toEqual({ status: 0, output: '' });
  });

  test('the community plugin\'s dedicated role ids, no more, no fewer (no replacement on migration)', () => {
    expect(Object.keys(run().iam.roles).filter(isDedicated).sort()).toEqual(oldDedicated());
  });

  test('every function runs under the community plugin\'s role; DependsOn holds a dedicated role', () => {
    const { iam, old } = run();
    expect(Object.keys(iam.functions).sort()).toEqual(Object.keys(old.functions).sort());
    for (const [fnId, fn] of Object.entries(old.functions)) {
      expect({ fnId, Role: iam.functions[fnId].Role }).toEqual({ fnId, Role: fn.Role });
      const roleId = getAttTarget(fn.Role);
      if (!isDedicated(roleId)) continue;
      const dependsOn = asList(iam.functions[fnId].DependsOn);
      expect({ fnId, dependsOn }).toEqual({ fnId, dependsOn: expect.arrayContaining([roleId]) });
    }
  });

  test('every statement the user wrote (own and inherited) is on the same role', () => {
    const fnsByRole = functionsByRole(oldRoleOf());
    let compared = 0;
    for (const roleId of oldDedicated()) {
      const [fnId] = fnsByRole[roleId];
      for (const statement of userStatements(run().old.roles[roleId], lambda(fnId))) {
        compared += 1;
        expectStatement(ourRole(roleId), statement, { roleId });
      }
    }
    // every case with dedicated roles has user statements on some of them
    expect(compared > 0).toBe(oldDedicated().length > 0);
  });

  test('dedicated role names equal the community plugin\'s (iamRoleStatementsName and generated names)', () => {
    for (const roleId of oldDedicated()) {
      const expected = run().old.roles[roleId].Properties.RoleName;
      expect({ roleId, RoleName: ourRole(roleId).Properties.RoleName }).toEqual({ roleId, RoleName: expected });
    }
  });

  test('mistake 6: no configuration warning about the per-function IAM keys (`!Sub` role names included)', () => {
    expect(configWarnings(run().output).filter((l) => /iam/i.test(l))).toEqual([]);
    for (const fn of facts.subRoleNames || []) {
      const { RoleName } = ourRole(`${fn}IamRoleLambdaExecution`).Properties;
      expect({ fn, RoleName }).toEqual({ fn, RoleName: { 'Fn::Sub': expect.any(String) } });
    }
  });

  test('event source mappings depend on their function\'s role, which may read the source', () => {
    const roleOf = ourRoleOf();
    for (const m of mappingsOf(run().template)) {
      const roleId = roleOf[m.fnId];
      expect({ id: m.id, dependsOn: m.dependsOn }).toEqual({ id: m.id, dependsOn: expect.arrayContaining([roleId]) });
      if (roleId !== SHARED) {
        expect({ id: m.id, dependsOn: m.dependsOn }).toEqual({ id: m.id, dependsOn: expect.not.arrayContaining([SHARED]) });
      }
      expect({ id: m.id, kind: m.kind }).toEqual({ id: m.id, kind: expect.stringMatching(/^(dynamodb|kinesis|sqs)$/) });
      const grants = statementsOf(ourRole(roleId)).some(
        (s) =>
          s.Effect === 'Allow' &&
          isDeepStrictEqual(s.Action, SOURCE_ACTIONS[m.kind]) &&
          asList(s.Resource).some((r) => isDeepStrictEqual(r, m.arn)),
      );
      expect({ id: m.id, roleId, grants }).toEqual({ id: m.id, roleId, grants: true });
    }
  });

  test('mistake 1: scheduler schedules use their function\'s role, which trusts the scheduler and may invoke it', () => {
    const schedules = schedulesOf(run().template);
    expect(schedules).toHaveLength(facts.schedulerSchedules || 0);
    const roleOf = ourRoleOf();
    for (const s of schedules) {
      const roleId = roleOf[s.fnId];
      expect({ id: s.id, RoleArn: s.roleArn }).toEqual({ id: s.id, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
      expect({ roleId, trust: trustOf(ourRole(roleId)) }).toEqual({ roleId, trust: expect.arrayContaining([SCHEDULER]) });
      const invoke = schedulerInvokeStatement(lambda(s.fnId).Properties.FunctionName);
      expectStatement(ourRole(roleId), invoke, { roleId, schedule: s.id });
    }
  });

  test('mistake 1: roles of functions without scheduler events do not trust scheduler.amazonaws.com', () => {
    const withScheduler = new Set(schedulesOf(run().template).map((s) => s.fnId));
    for (const [roleId, fnIds] of Object.entries(functionsByRole(ourRoleOf()))) {
      if (roleId === CUSTOM_RESOURCES_ROLE || !ourRole(roleId) || fnIds.some((f) => withScheduler.has(f))) continue;
      const trust = trustOf(ourRole(roleId));
      expect({ roleId, trust }).toEqual({ roleId, trust: expect.not.arrayContaining([SCHEDULER]) });
    }
  });

  test('mistake 2: the shared role exists only if a function runs under it, without the moved functions\' sources', () => {
    const { iam, template } = run();
    const roleOf = oldRoleOf();
    if (!Object.values(roleOf).includes(SHARED)) {
      // §6.7; nothing in these services refers to IamRoleLambdaExecution
      expect(iam.roles[SHARED]).toBeUndefined();
      return;
    }
    expect(iam.roles[SHARED]).toBeDefined();
    // stream and queue ARNs read only by functions with a dedicated role (§6.3)
    const mappings = mappingsOf(template);
    const sharedArns = mappings.filter((m) => roleOf[m.fnId] === SHARED).map((m) => m.arn);
    const movedArns = mappings
      .filter((m) => roleOf[m.fnId] !== SHARED && !sharedArns.some((a) => isDeepStrictEqual(a, m.arn)))
      .map((m) => m.arn);
    const sourceStatements = statementsOf(iam.roles[SHARED]).filter((s) =>
      Object.values(SOURCE_ACTIONS).some((a) => isDeepStrictEqual(s.Action, a)),
    );
    for (const statement of sourceStatements) {
      const leaked = movedArns.filter((arn) => asList(statement.Resource).some((r) => isDeepStrictEqual(r, arn)));
      expect({ statement, leaked }).toEqual({ statement, leaked: [] });
    }
  });

  test('mistake 3: the role of every traced function has the X-Ray statement', () => {
    const roleOf = ourRoleOf();
    const traced = Object.keys(roleOf).filter((f) => lambda(f).Properties.TracingConfig);
    // provider.tracing.lambda: true traces every function of the service, and nothing else traces
    const expected = facts.tracing ? Object.keys(roleOf).filter((f) => roleOf[f] !== CUSTOM_RESOURCES_ROLE) : [];
    expect(traced.sort()).toEqual(expected.sort());
    for (const fnId of traced) expectStatement(ourRole(roleOf[fnId]), XRAY, { fnId, roleId: roleOf[fnId] });
  });

  test('mistake 4: destinations are granted on the role the function runs under', () => {
    const configs = resourcesOfType(run().template, 'AWS::Lambda::EventInvokeConfig').filter(
      ([, r]) => Object.keys(r.Properties.DestinationConfig || {}).length,
    );
    const withDestinations = configs.map(([, r]) => r.Properties.FunctionName.Ref).sort();
    expect(withDestinations).toEqual(Object.keys(facts.destinations || {}).sort());
    const roleOf = ourRoleOf();
    for (const [fnId, statements] of Object.entries(facts.destinations || {})) {
      for (const statement of statements) expectStatement(ourRole(roleOf[fnId]), statement, { fnId, roleId: roleOf[fnId] });
    }
  });

  test('mistake 5: the provider\'s role path and permissions boundary reach every dedicated role', () => {
    const expected = facts.providerRole || { Path: '/' };
    for (const roleId of oldDedicated()) {
      const { Path, PermissionsBoundary } = ourRole(roleId).Properties;
      expect({ roleId, Path, PermissionsBoundary }).toEqual({
        roleId,
        Path: expected.Path,
        PermissionsBoundary: expected.PermissionsBoundary,
      });
    }
  });

  if (facts.configValidationError) {
    test('mistake 7: packages under configValidationMode: error (the plugin registers the legacy keys)', () => {
      const yml = fs.readFileSync(path.join(CASES_DIR, name, 'serverless.yml'), 'utf8');
      expect(yml).toMatch(/^configValidationMode:\s*error/m);
      // without a plugin the same file is rejected
      expect(fs.existsSync(path.join(CASES_DIR, name, 'no-plugin-error.txt'))).toBe(true);
      const r = RUNS[name];
      expect({ status: r.status, output: r.status ? r.output : '' }).toEqual({ status: 0, output: '' });
    });
  }

  test('onError topics may be published to from the function\'s dedicated role (§5.4)', () => {
    const roleOf = ourRoleOf();
    for (const fnId of Object.keys(roleOf)) {
      const dlq = lambda(fnId).Properties.DeadLetterConfig;
      if (!dlq || !isDedicated(roleOf[fnId])) continue;
      const statement = { Effect: 'Allow', Action: ['sns:Publish'], Resource: dlq.TargetArn };
      expectStatement(ourRole(roleOf[fnId]), statement, { fnId });
    }
  });

  test('cfn-lint finds no error in the template beyond the service\'s own (FACTS.serviceLint)', () => {
    const prefix = `${run().templatePath}:`;
    const findings = LINT[name].map((line) => {
      const parts = line.slice(prefix.length).split(':'); // line:col:endLine:endCol:RULE:message
      return { rule: parts[4], message: parts.slice(5).join(':') };
    });
    const known = facts.serviceLint || [];
    const matches = (f, [rule, text]) => f.rule === rule && f.message.includes(text);
    expect(findings.filter((f) => !known.some((k) => matches(f, k)))).toEqual([]);
    // each listed finding still occurs, so that the list does not outlive its reason
    for (const k of known) expect({ known: k, seen: findings.some((f) => matches(f, k)) }).toEqual({ known: k, seen: true });
  });
});
