'use strict';

// The native engine called directly through the generated loader. Every expected value below is
// written from /work/shared/docs/iam-behaviour.md (section numbers in the test names), not copied
// from the engine's output.

const fs = require('fs');
const path = require('path');

const addon = require('../index.js');

/** Calls `fn` (synthesize or reconcile) with `input` serialized, returns the parsed answer. */
function answer(fn, input) {
  const text = addon[fn](typeof input === 'string' ? input : JSON.stringify(input));
  expect(typeof text).toBe('string');
  return JSON.parse(text);
}

function plan(input) {
  const a = answer('synthesize', input);
  if (!a.ok) throw new Error(`expected ok, got ${JSON.stringify(a.errors)}`);
  return a.result;
}

function errors(input) {
  const a = answer('synthesize', input);
  expect(a.ok).toBe(false);
  expect(a).not.toHaveProperty('result');
  return a.errors;
}

function service(overrides = {}) {
  return {
    service: 'svc',
    stage: 'dev',
    region: 'us-east-1',
    provider: {},
    functions: { a: {} },
    custom: {},
    ...overrides,
  };
}

const sub = (rest) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${rest}` });

// §3.2 / §3.3 for service `svc`, stage `dev`, one canonical function that logs.
const LOGS_A = {
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
  Resource: [sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/svc-dev*:*')],
};
const LOGS_B = {
  Effect: 'Allow',
  Action: ['logs:PutLogEvents'],
  Resource: [sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/svc-dev*:*:*')],
};
const MINIMAL_SHARED_ROLE = {
  Type: 'AWS::IAM::Role',
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
      ],
    },
    Policies: [
      {
        PolicyName: { 'Fn::Join': ['-', ['svc', 'dev', 'lambda']] },
        PolicyDocument: { Version: '2012-10-17', Statement: [LOGS_A, LOGS_B] },
      },
    ],
    Path: '/',
    RoleName: { 'Fn::Join': ['-', ['svc', 'dev', { Ref: 'AWS::Region' }, 'lambdaRole']] },
  },
};

const PLAN_KEYS = ['roles', 'removeRoles', 'functions', 'frameworkSharedRole', 'warnings', 'resourceBudget', 'summary'];
// present only when not empty, in this place among the others
const ALL_PLAN_KEYS = ['roles', 'removeRoles', 'functions', 'frameworkSharedRole', 'warnings', 'managedPolicies', 'assumedLogGroups', 'resourceBudget', 'summary'];

describe('synthesize: the shared role of a minimal service (§3)', () => {
  const role = () => plan(service()).roles.IamRoleLambdaExecution;

  test('is the full AWS::IAM::Role resource of §3.2 with the two canonical log statements', () => {
    expect(role()).toEqual(MINIMAL_SHARED_ROLE);
  });

  test('Properties keys are exactly AssumeRolePolicyDocument, Policies, Path, RoleName, in that order', () => {
    expect(Object.keys(role().Properties)).toEqual(['AssumeRolePolicyDocument', 'Policies', 'Path', 'RoleName']);
  });

  test('the resource keys are Type then Properties', () => {
    expect(Object.keys(role())).toEqual(['Type', 'Properties']);
  });

  test('log statement A uses the `<prefix>*:*` wildcard and B the `<prefix>*:*:*` wildcard (§3.3.1)', () => {
    const statements = role().Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toHaveLength(2);
    expect(statements[0]).toEqual(LOGS_A);
    expect(statements[1]).toEqual(LOGS_B);
  });

  test('statements keep the framework key order Effect, Action, Resource (§6.1 parity)', () => {
    const statements = role().Properties.Policies[0].PolicyDocument.Statement;
    for (const s of statements) expect(Object.keys(s)).toEqual(['Effect', 'Action', 'Resource']);
  });

  test('is the only role and nothing is removed', () => {
    const p = plan(service());
    expect(Object.keys(p.roles)).toEqual(['IamRoleLambdaExecution']);
    expect(p.removeRoles).toEqual([]);
  });
});

describe('synthesize: plan shape and determinism (§6.6)', () => {
  const rich = service({
    provider: {
      iam: {
        role: {
          statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::svc-bucket/*' }],
          tags: { team: 'core', cost: 'low' },
        },
      },
      tracing: { lambda: true },
    },
    functions: {
      zeta: { events: [{ sqs: 'arn:aws:sqs:us-east-1:123456789012:q1' }] },
      alpha: { iam: { role: { statements: [{ Effect: 'Allow', Action: ['sns:Publish'], Resource: '*' }] } } },
      'my-fn_v2': { name: 'custom-name', events: [{ stream: 'arn:aws:kinesis:us-east-1:123456789012:stream/s1' }] },
    },
  });

  test('top-level plan keys come in a fixed order', () => {
    expect(Object.keys(plan(service()))).toEqual(PLAN_KEYS);
    const keys = Object.keys(plan(rich));
    expect(keys).toEqual(ALL_PLAN_KEYS.filter((k) => PLAN_KEYS.includes(k) || keys.includes(k)));
    expect(keys).toContain('assumedLogGroups'); // rich has dedicated roles
  });

  test('plan key order is the same for a service without functions', () => {
    expect(Object.keys(plan(service({ functions: {} })))).toEqual(PLAN_KEYS);
  });

  test('the same input gives byte-identical output', () => {
    const input = JSON.stringify(rich);
    const first = addon.synthesize(input);
    const second = addon.synthesize(input);
    expect(second).toBe(first);
  });

  test('functions are listed in declaration order', () => {
    expect(Object.keys(plan(rich).functions)).toEqual(['zeta', 'alpha', 'my-fn_v2']);
  });
});

describe('synthesize: functions map (§1 naming)', () => {
  test.each([
    ['my-fn_v2', 'MyDashfnUnderscorev2LambdaFunction'],
    ['hello', 'HelloLambdaFunction'],
    ['get-user', 'GetDashuserLambdaFunction'],
    ['Already', 'AlreadyLambdaFunction'],
  ])('key %s → lambdaLogicalId %s', (key, id) => {
    const p = plan(service({ functions: { [key]: {} } }));
    expect(p.functions[key].lambdaLogicalId).toBe(id);
  });
});

describe('synthesize: which role a function runs under (§2)', () => {
  const ARN = 'arn:aws:iam::123456789012:role/external-role';

  test.each([
    ['an arn string', ARN, ARN, null],
    ['a logical id', 'MyRole', { 'Fn::GetAtt': ['MyRole', 'Arn'] }, 'MyRole'],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['MyRole', 'Arn'] }, { 'Fn::GetAtt': ['MyRole', 'Arn'] }, 'MyRole'],
    ['Fn::ImportValue', { 'Fn::ImportValue': 'exported-role-arn' }, { 'Fn::ImportValue': 'exported-role-arn' }, null],
  ])('functions.a.role as %s', (_, value, role, roleResource) => {
    const fp = plan(service({ functions: { a: { role: value } } })).functions.a;
    expect(fp.role).toEqual(role);
    expect(fp.roleSource).toBe('custom');
    // the resource its event source mappings depend on: the logical id, or nothing for ARNs/imports
    expect(fp.roleResource).toBe(roleResource);
    // the framework already appends a custom logical id last; the plugin puts nothing first
    expect(fp.dependsOn.prepend).toEqual([]);
  });

  test('a function without role runs under the shared role and adds nothing to DependsOn', () => {
    const fp = plan(service()).functions.a;
    expect(fp.roleSource).toBe('shared');
    expect(fp.role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    expect(fp.roleResource).toBe('IamRoleLambdaExecution');
    expect(fp.dependsOn).toEqual({ prepend: [] });
  });

  test('a function with its own statements gets its dedicated role, placed first in DependsOn', () => {
    const fp = plan(
      service({ functions: { 'my-fn': { iam: { role: { statements: [] } } } } })
    ).functions['my-fn'];
    expect(fp.roleSource).toBe('dedicated');
    expect(fp.role).toEqual({ 'Fn::GetAtt': ['MyDashfnIamRoleLambdaExecution', 'Arn'] });
    expect(fp.dependsOn.prepend).toEqual(['MyDashfnIamRoleLambdaExecution']);
  });

  test('functions.<k>.role wins over provider.iam.role', () => {
    const fp = plan(
      service({ provider: { iam: { role: 'ProviderRole' } }, functions: { a: { role: ARN } } })
    ).functions.a;
    expect(fp.role).toBe(ARN);
  });

  test('provider.iam.role as a logical id is used by functions without their own role', () => {
    const fp = plan(service({ provider: { iam: { role: 'ProviderRole' } } })).functions.a;
    expect(fp.role).toEqual({ 'Fn::GetAtt': ['ProviderRole', 'Arn'] });
  });

  test('no shared role when every function has a role (§3.1)', () => {
    const p = plan(service({ functions: { a: { role: ARN }, b: { role: 'MyRole' } } }));
    expect(p.roles).not.toHaveProperty('IamRoleLambdaExecution');
    expect(p.removeRoles).toEqual([]);
  });

  test('no shared role and no functions for a service without functions (§3.1)', () => {
    const p = plan(service({ functions: {} }));
    expect(p.roles).toEqual({});
    expect(p.functions).toEqual({});
  });
});

describe('synthesize: errors as data (§5.6)', () => {
  test('a statement without Effect → IAM_SYNTH_INVALID_STATEMENT at provider.iam.role.statements[0]', () => {
    const errs = errors(
      service({ provider: { iam: { role: { statements: [{ Action: ['s3:GetObject'], Resource: '*' }] } } } })
    );
    expect(errs).toHaveLength(1);
    const [e] = errs;
    expect(e.code).toBe('IAM_SYNTH_INVALID_STATEMENT');
    expect(e.path).toContain('provider.iam.role.statements[0]');
    expect(e.message).toMatch(/\bEffect\b/);
    expect(e.message).toContain('provider.iam.role.statements[0]');
  });

  test('every diagnostic has code, path, message and a non-empty hint', () => {
    const [e] = errors(
      service({ provider: { iam: { role: { statements: [{ Action: ['s3:GetObject'], Resource: '*' }] } } } })
    );
    expect(Object.keys(e).sort()).toEqual(['code', 'hint', 'message', 'path']);
    expect(e.hint.length).toBeGreaterThan(0);
  });

  test('a statement without Action names Action as missing', () => {
    const [e] = errors(service({ provider: { iam: { role: { statements: [{ Effect: 'Allow', Resource: '*' }] } } } }));
    expect(e.code).toBe('IAM_SYNTH_INVALID_STATEMENT');
    expect(e.message).toMatch(/\bAction\b/);
  });

  test('several problems are reported at once, each with its own path', () => {
    const errs = errors(
      service({
        provider: {
          iam: {
            role: {
              mode: 'sideways',
              statements: [
                { Action: ['s3:GetObject'], Resource: '*' },
                { Effect: 'Allow', Action: ['s3:PutObject'], Resource: '*' },
                { Effect: 'Allow', Resource: '*' },
              ],
            },
          },
        },
        functions: { a: { iamRoleStatements: [{ Effect: 'Allow', Action: ['sns:Publish'] }] } },
      })
    );
    const paths = errs.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'provider.iam.role.mode',
        'provider.iam.role.statements[0]',
        'provider.iam.role.statements[2]',
        'functions.a.iamRoleStatements[0]',
      ])
    );
    expect(errs).toHaveLength(4);
    expect(paths).not.toContain('provider.iam.role.statements[1]');
  });

  test.each([['[]'], ['42'], ['"text"'], ['null']])('non-object input %s → IAM_SYNTH_INPUT_NOT_OBJECT', (text) => {
    const errs = errors(text);
    expect(errs).toHaveLength(1);
    expect(errs[0].code).toBe('IAM_SYNTH_INPUT_NOT_OBJECT');
  });

  test('invalid JSON text → IAM_SYNTH_INTERNAL as an answer, not a throw', () => {
    let text;
    expect(() => {
      text = addon.synthesize('{"service": ');
    }).not.toThrow();
    const a = JSON.parse(text);
    expect(a.ok).toBe(false);
    expect(a.errors[0].code).toBe('IAM_SYNTH_INTERNAL');
  });

  test('reconcile also answers invalid JSON with IAM_SYNTH_INTERNAL and no throw', () => {
    let text;
    expect(() => {
      text = addon.reconcile('not json');
    }).not.toThrow();
    const a = JSON.parse(text);
    expect(a.ok).toBe(false);
    expect(a.errors[0].code).toBe('IAM_SYNTH_INTERNAL');
  });

  test('an unknown provider.iam.role.mode → IAM_SYNTH_INVALID_MODE naming the value', () => {
    const errs = errors(service({ provider: { iam: { role: { mode: 'perRegion' } } } }));
    expect(errs).toHaveLength(1);
    expect(errs[0].code).toBe('IAM_SYNTH_INVALID_MODE');
    expect(errs[0].path).toBe('provider.iam.role.mode');
    expect(errs[0].message).toContain('perRegion');
  });

  test.each([['shared'], ['perFunction']])('mode %s is accepted', (mode) => {
    expect(answer('synthesize', service({ provider: { iam: { role: { mode } } } })).ok).toBe(true);
  });
});

describe('index.d.ts', () => {
  test('declares no `any` type', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).toMatch(/\bsynthesize\b/); // the stripping left the declarations in place
    expect(code).not.toMatch(/\bany\b/);
  });
});

describe('absurdly large input', () => {
  test('is refused with IAM_SYNTH_INPUT_TOO_LARGE, without throwing', () => {
    const huge = JSON.stringify({ service: 'svc', provider: {}, functions: {}, custom: { blob: 'x'.repeat(65 * 1024 * 1024) } });
    const answer = JSON.parse(require('../index.js').synthesize(huge));
    expect(answer.ok).toBe(false);
    expect(answer.errors.map((e) => e.code)).toEqual(['IAM_SYNTH_INPUT_TOO_LARGE']);
  });
});

describe('large input (freed on a helper thread after the answer is written)', () => {
  // 400 functions with dedicated roles: over the 256 KiB from which the engine frees the call's
  // trees on a helper thread. The answers must not depend on that.
  const big = () => {
    const functions = {};
    for (let i = 0; i < 400; i += 1) {
      functions[`f${i}`] = {
        name: `svc-dev-f${i}`,
        events: [{ sqs: { arn: `arn:aws:sqs:us-east-1:123456789012:queue-${i}-${'x'.repeat(500)}` } }],
        iam: { role: { statements: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::b-${i}/*` }] } },
      };
    }
    return JSON.stringify(service({ functions }));
  };

  test('gives the same answer on every call, with every role', () => {
    const input = big();
    expect(input.length).toBeGreaterThan(256 * 1024);
    const answers = [1, 2, 3].map(() => addon.synthesize(input));
    expect(new Set(answers).size).toBe(1);
    const result = JSON.parse(answers[0]).result;
    expect(Object.keys(result.roles)).toHaveLength(400);
    expect(result.roles.F399IamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: 'arn:aws:s3:::b-399/*',
    });
  });
});

describe('contract()', () => {
  test('the shared role id, the provider lists another plugin may append to, the keys the projection copies', () => {
    const contract = JSON.parse(addon.contract());
    // names from docs/iam-behaviour.md: the framework's shared role, and the four provider IAM lists
    expect(contract.sharedRoleId).toBe('IamRoleLambdaExecution');
    expect(contract.providerLists).toEqual([
      'provider.iam.role.statements',
      'provider.iamRoleStatements',
      'provider.iam.role.managedPolicies',
      'provider.iamManagedPolicies',
    ]);
    for (const key of ['iam', 'role', 'events', 'iamRoleStatements', 'iamRoleStatementsInherit']) {
      expect(contract.functionKeys).toContain(key);
    }
    expect(contract.providerKeys).toEqual(expect.arrayContaining(['iam', 'role', 'iamRoleStatements', 'iamManagedPolicies']));
    expect(contract.customKeys).toEqual(['serverless-iam-roles-per-function', 'iamSynth']);
  });
});
