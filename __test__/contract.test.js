'use strict';

// The boundary's types (js/contract.d.ts) against what the engine really answers: every request and
// answer of a set of services that use each part of the plan (shared, dedicated and custom roles, a
// split policy, log group and tracing assumptions, event source mappings, the shared role extended
// later) is checked field by field against its interface: no key the types do not declare, no
// required key missing, nested types included. A field the engine adds or drops fails here until
// contract.d.ts says so.

const fs = require('fs');
const path = require('path');
const engine = require('../js/addon');
const { project } = require('../js/project');

const TYPES = fs.readFileSync(path.join(__dirname, '..', 'js', 'contract.d.ts'), 'utf8');

/** interface name → { field → { optional, type } }, read from the declarations. */
const interfaces = {};
for (const [, name, body] of TYPES.matchAll(/export interface (\w+) \{([\s\S]*?)\n\}/g)) {
  const fields = {};
  // fields at the interface's own level: lines indented by two spaces
  for (const [, field, optional, type] of body.matchAll(/^ {2}(\w+)(\?)?: (.+);$/gm)) fields[field] = { optional: Boolean(optional), type };
  interfaces[name] = fields;
}
/** type alias name → the type it stands for (`export type RoleSource = 'shared' | …;`). */
const aliases = Object.fromEntries([...TYPES.matchAll(/^export type (\w+) = (.+);$/gm)].map(([, name, type]) => [name, type]));

/** Checks `value` against a type as written in contract.d.ts; returns the problems, by path. */
function check(value, type, at) {
  type = type.trim();
  if (type.endsWith(' | null')) return value === null ? [] : check(value, type.slice(0, -7), at);
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) return [`${at}: expected an array`];
    return value.flatMap((v, i) => check(v, type.slice(0, -2), `${at}[${i}]`));
  }
  const record = /^Record<string, (.+)>$/.exec(type);
  if (record) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected an object`];
    return Object.entries(value).flatMap(([k, v]) => check(v, record[1], `${at}.${k}`));
  }
  if (type === 'string' || type === 'number' || type === 'boolean') {
    return typeof value === type ? [] : [`${at}: expected ${type}, got ${JSON.stringify(value)}`];
  }
  if (/^'[^']*'( \| '[^']*')*$/.test(type)) {
    const allowed = type.split(' | ').map((t) => t.slice(1, -1));
    return allowed.includes(value) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${type}`];
  }
  if (aliases[type]) return check(value, aliases[type], at);
  const fields = interfaces[type];
  if (!fields) return []; // unknown, object, inline object types: not checked further
  if (!value || typeof value !== 'object') return [`${at}: expected ${type}`];
  const problems = [];
  for (const key of Object.keys(value)) if (!fields[key]) problems.push(`${at}.${key}: not declared in ${type}`);
  for (const [key, { optional, type: t }] of Object.entries(fields)) {
    if (!(key in value)) {
      if (!optional) problems.push(`${at}.${key}: required by ${type}, missing`);
    } else problems.push(...check(value[key], t, `${at}.${key}`));
  }
  return problems;
}

const expectType = (value, type) => expect(check(value, type, type)).toEqual([]);

const big = Array.from({ length: 400 }, (_, i) => ({
  Effect: 'Allow',
  Action: [`s3:GetObject`],
  Resource: `arn:aws:s3:::bucket-with-a-long-name-${i}/some/prefix/*`,
}));

const SERVICES = {
  'every kind of role': {
    service: 'orders',
    stage: 'dev',
    region: 'us-east-1',
    provider: { iam: { role: { statements: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] } } },
    functions: {
      api: { events: [{ sqs: { arn: { 'Fn::GetAtt': ['Queue', 'Arn'] } } }] },
      worker: { iam: { role: { statements: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' }] } } },
      custom: { role: 'arn:aws:iam::123456789012:role/existing' },
      traced: { tracing: 'Active', iam: { role: { statements: [] } } },
    },
    custom: {},
    resources: { Resources: { Queue: { Type: 'AWS::SQS::Queue' } } },
  },
  'a role split into managed policies': {
    service: 'big',
    stage: 'dev',
    region: 'us-east-1',
    provider: {},
    functions: { huge: { iam: { role: { statements: big } } } },
    custom: { iamSynth: { policySize: 'split' } },
  },
  perFunction: {
    service: 'per',
    stage: 'prod',
    region: 'eu-west-1',
    provider: { iam: { role: { mode: 'perFunction' } }, logs: { lambda: { logGroup: '/custom/group' } } },
    functions: { one: {}, two: { logs: { logGroup: '/own/group' } } },
    custom: {},
    configured: { 'provider.iam.role.statements': 0 },
  },
};

describe.each(Object.keys(SERVICES))('%s', (name) => {
  const input = SERVICES[name];
  const plan = engine.synthesize(JSON.stringify(input));

  test('the projection and the plan', () => {
    expectType(input, 'Projection');
    expectType(plan, 'Plan');
  });

  test('the reconcile request as the plugin builds it, and the answer', () => {
    const { reconcileRequest } = require('../js/apply');
    const resources = {
      ...plan.roles,
      IamRoleLambdaExecution: plan.roles.IamRoleLambdaExecution || { Type: 'AWS::IAM::Role', Properties: {} },
      ApiEventSourceMappingSQSQueue: {
        Type: 'AWS::Lambda::EventSourceMapping',
        DependsOn: ['IamRoleLambdaExecution'],
        Properties: { FunctionName: { 'Fn::GetAtt': ['ApiLambdaFunction', 'Arn'] } },
      },
    };
    const request = reconcileRequest(resources, plan);
    expectType(request, 'ReconcileRequest');
    expectType(engine.reconcile(request), 'Reconciled');
  });

  test('the template check, with the shared role extended later', () => {
    const shared = { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: [] } }] } };
    const later = {
      Type: 'AWS::IAM::Role',
      Properties: { Policies: [{ PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'codedeploy:*', Resource: '*' }] } }] },
    };
    const request = { resourceCount: 501, budget: plan.resourceBudget, sharedRole: { reconciled: shared, now: later, dedicated: ['worker'] } };
    expectType(request, 'TemplateCheck');
    const checked = engine.checkTemplate(request);
    expect(checked.warnings.length).toBeGreaterThan(0);
    expectType(checked, 'Checked');
  });

  test('the report', () => {
    const options = { json: true, color: false, width: 80 };
    expectType(options, 'ReportOptions');
    expectType(engine.report(JSON.stringify(input), options), 'ReportOutput');
  });
});

test('the contract, and the projection js/project.js makes with it', () => {
  expectType(engine.contract(), 'Contract');
  const serverless = {
    service: {
      service: 'svc',
      provider: { name: 'aws', iam: { role: { statements: [] } }, runtime: 'nodejs20.x' },
      functions: { a: { handler: 'h.a', events: [] } },
      custom: { iamSynth: {} },
      resources: { Resources: {} },
    },
  };
  const provider = { getStage: () => 'dev', getRegion: () => 'us-east-1' };
  expectType(JSON.parse(project(serverless, provider, { 'provider.iam.role.statements': 0 })), 'Projection');
});

test('the checker finds what it is there for', () => {
  expect(check({ code: 'X', path: '', message: '', hint: '', extra: 1 }, 'Diagnostic', 'd')).toEqual(['d.extra: not declared in Diagnostic']);
  expect(check({ line: 'x' }, 'Summary', 's')).toEqual(['s.roles: required by Summary, missing']);
  expect(check({ added: 1, strictness: 'loud' }, 'ResourceBudget', 'b')).toEqual(["b.strictness: \"loud\" is not one of 'warn' | 'error'"]);
  expect(Object.keys(interfaces)).toEqual(expect.arrayContaining(['Plan', 'FunctionPlan', 'Reconciled', 'Projection', 'Contract']));
});
