'use strict';

// The plugin class driven with a fake `serverless` object. The compiled template is written the way
// Serverless 3.40.0 builds it (mergeIamTemplates at package:setupProviderConfiguration, then
// compileFunctions, then the event compilers), and the plugin's hooks run between those phases
// exactly where the framework would call them. Expected roles come from
// /work/shared/docs/iam-behaviour.md, not from the engine's output.

const ServerlessIamSynth = require('../js/index.js');
const { project } = require('../js/project.js');

const HOOKS = ['before:package:compileFunctions', 'package:compileFunctions', 'after:package:compileEvents'];
const FINALIZE_HOOK = 'before:aws:package:finalize:saveServiceState';
const VALIDATE_HOOK = 'before:package:initialize';
const SHARED = 'IamRoleLambdaExecution';
const ACCOUNT = '123456789012';
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:svc-jobs`;
const S3_STATEMENT = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::svc-bucket/*' };

class ServerlessError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const sub = (rest) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:${rest}` });
const getAttArn = (id) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const normalized = (key) => key[0].toUpperCase() + key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore');

// §3.3.1 for service `svc`, stage `dev`: every function is canonical and logs.
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
const SQS_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];

const trust = (...services) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: ['sts:AssumeRole'] }],
});

/** The shared role resource of §3.2 for `svc`/`dev` around `statements`. */
function sharedRole(statements, principals = ['lambda.amazonaws.com']) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: trust(...principals),
      Policies: [
        {
          PolicyName: { 'Fn::Join': ['-', ['svc', 'dev', 'lambda']] },
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      ],
      Path: '/',
      RoleName: { 'Fn::Join': ['-', ['svc', 'dev', { Ref: 'AWS::Region' }, 'lambdaRole']] },
    },
  };
}

/** A fake `serverless` for `functions` (already populated with `name`, as the framework does). */
function makeServerless({ functions, provider = {} }) {
  return {
    service: {
      service: 'svc',
      provider: {
        name: 'aws',
        runtime: 'nodejs20.x',
        stage: 'dev',
        region: 'us-east-1',
        compiledCloudFormationTemplate: {
          AWSTemplateFormatVersion: '2010-09-09',
          Resources: { ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' } },
          Outputs: {},
        },
        ...provider,
      },
      functions,
      custom: {},
    },
    getProvider: () => ({ getStage: () => 'dev', getRegion: () => 'us-east-1' }),
    classes: { Error: ServerlessError },
    configSchemaHandler: { defineFunctionProperties: jest.fn(), defineCustomProperties: jest.fn() },
  };
}

function makeLog() {
  return { warning: jest.fn(), info: jest.fn(), notice: jest.fn(), verbose: jest.fn(), debug: jest.fn() };
}

// --- what Serverless 3.40.0 writes, phase by phase --------------------------------------------

/** mergeIamTemplates: log groups and the shared role with log + provider statements. */
function frameworkMergeIamTemplates(serverless) {
  const { service } = serverless;
  const resources = service.provider.compiledCloudFormationTemplate.Resources;
  for (const [key, fn] of Object.entries(service.functions)) {
    resources[`${normalized(key)}LogGroup`] = {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/lambda/${fn.name}` },
    };
  }
  const statements = [LOGS_A, LOGS_B];
  const iam = service.provider.iam;
  for (const s of (iam && iam.role && iam.role.statements) || []) statements.push(JSON.parse(JSON.stringify(s)));
  resources[SHARED] = sharedRole(statements);
}

/** compileFunctions: the Lambda resources on the shared role; `vpc` is rewritten in place. */
function frameworkCompileFunctions(serverless) {
  const { service } = serverless;
  const resources = service.provider.compiledCloudFormationTemplate.Resources;
  for (const [key, fn] of Object.entries(service.functions)) {
    resources[`${normalized(key)}LambdaFunction`] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/svc/dev/svc.zip' },
        Handler: fn.handler,
        Runtime: 'nodejs20.x',
        FunctionName: fn.name,
        MemorySize: 1024,
        Timeout: 6,
        Role: getAttArn(SHARED),
      },
      DependsOn: [`${normalized(key)}LogGroup`],
    };
    // functions.js: `if (!functionObject.vpc) functionObject.vpc = {}` and the same for provider.vpc
    if (!fn.vpc) fn.vpc = {};
    if (!service.provider.vpc) service.provider.vpc = {};
  }
}

/** The event compilers: schedule (method: scheduler), then sqs; statements go on the shared role. */
function frameworkCompileEvents(serverless) {
  const { service } = serverless;
  const resources = service.provider.compiledCloudFormationTemplate.Resources;
  const role = resources[SHARED];
  const schedulerStatement = { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [] };
  for (const [key, fn] of Object.entries(service.functions)) {
    let n = 0;
    for (const event of fn.events || []) {
      if (event.schedule && event.schedule.method === 'scheduler') {
        n += 1;
        resources[`${normalized(key)}SchedulerSchedule${n}`] = {
          Type: 'AWS::Scheduler::Schedule',
          Properties: {
            ScheduleExpression: event.schedule.rate,
            State: 'ENABLED',
            Target: { Arn: getAttArn(`${normalized(key)}LambdaFunction`), RoleArn: getAttArn(SHARED) },
            FlexibleTimeWindow: { Mode: 'OFF' },
          },
        };
      }
    }
    if (n) {
      const arn = `lambda:\${AWS::Region}:\${AWS::AccountId}:function:${fn.name}`;
      schedulerStatement.Resource.push(sub(arn), sub(`${arn}:*`));
    }
  }
  if (schedulerStatement.Resource.length && role) {
    role.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service.push('scheduler.amazonaws.com');
    role.Properties.Policies[0].PolicyDocument.Statement.push(schedulerStatement);
  }
  const sqsStatement = { Effect: 'Allow', Action: [...SQS_ACTIONS], Resource: [] };
  for (const [key, fn] of Object.entries(service.functions)) {
    for (const event of fn.events || []) {
      if (!event.sqs) continue;
      const queueName = event.sqs.split(':').pop().replace(/[^A-Za-z0-9]/g, '');
      resources[`${normalized(key)}EventSourceMappingSQS${normalized(queueName)}`] = {
        Type: 'AWS::Lambda::EventSourceMapping',
        DependsOn: [SHARED],
        Properties: {
          BatchSize: 10,
          EventSourceArn: event.sqs,
          FunctionName: getAttArn(`${normalized(key)}LambdaFunction`),
          Enabled: true,
        },
      };
      sqsStatement.Resource.push(event.sqs);
    }
  }
  if (sqsStatement.Resource.length && role) role.Properties.Policies[0].PolicyDocument.Statement.push(sqsStatement);
}

/**
 * Runs a package: mergeIamTemplates, then per phase the framework's own work and the plugin's hook.
 * `between` is called after the plugin's before:package:compileFunctions hook; `afterEvents` after the
 * event compilers (another plugin's work), before the plugin's after:package:compileEvents hook;
 * `afterFunctions` after the framework's compileFunctions (what another framework compiles differently).
 * `afterConstruct` runs right after the plugin's constructor, `beforeSave` before the finalize hook.
 */
function runPackage(serverless, log, { afterConstruct = () => {}, between = () => {}, afterFunctions = () => {}, afterEvents = () => {}, beforeSave = () => {} } = {}) {
  const plugin = new ServerlessIamSynth(serverless, {}, { log });
  // other plugins' hooks before packaging (serverless-lift's initialize appends provider statements)
  afterConstruct(serverless);
  frameworkMergeIamTemplates(serverless);
  plugin.hooks['before:package:compileFunctions']();
  between(serverless);
  frameworkCompileFunctions(serverless);
  afterFunctions(serverless);
  plugin.hooks['package:compileFunctions']();
  frameworkCompileEvents(serverless);
  afterEvents(serverless);
  plugin.hooks['after:package:compileEvents']();
  // package:finalize: the user's resources are merged (not modelled here), other plugins add theirs
  // (serverless-plugin-canary-deployments), then the state is saved
  beforeSave(serverless);
  plugin.hooks[FINALIZE_HOOK]();
  return serverless.service.provider.compiledCloudFormationTemplate.Resources;
}

/** A shared-role service: `hello` (http only), `worker` (sqs), one provider statement. */
function sharedService() {
  return makeServerless({
    provider: { iam: { role: { statements: [JSON.parse(JSON.stringify(S3_STATEMENT))] } } },
    functions: {
      hello: { handler: 'handler.hello', name: 'svc-dev-hello', events: [{ httpApi: { method: 'GET', path: '/' } }] },
      worker: { handler: 'handler.worker', name: 'svc-dev-worker', events: [{ sqs: QUEUE }] },
    },
  });
}

/** `hello` on the shared role; `worker` with its own statements (a dedicated role), sqs + scheduler. */
function dedicatedService() {
  return makeServerless({
    functions: {
      hello: { handler: 'handler.hello', name: 'svc-dev-hello' },
      worker: {
        handler: 'handler.worker',
        name: 'svc-dev-worker',
        iam: { role: { statements: [{ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: '*' }] } },
        events: [{ sqs: QUEUE }, { schedule: { rate: 'rate(10 minutes)', method: 'scheduler' } }],
      },
    },
  });
}

// -------------------------------------------------------------------------------------------------

describe('constructor: schema registration', () => {
  test('registers function properties for provider aws, including every per-function key', () => {
    const serverless = sharedService();
    new ServerlessIamSynth(serverless, {}, { log: makeLog() });
    const define = serverless.configSchemaHandler.defineFunctionProperties;
    expect(define).toHaveBeenCalledTimes(1);
    const [provider, schema] = define.mock.calls[0];
    expect(provider).toBe('aws');
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'iam',
        'iamRoleStatements',
        'iamRoleStatementsInherit',
        'iamRoleStatementsName',
        'iamPermissionsBoundary',
      ])
    );
  });

  test('registers custom.serverless-iam-roles-per-function', () => {
    const serverless = sharedService();
    new ServerlessIamSynth(serverless, {}, { log: makeLog() });
    const define = serverless.configSchemaHandler.defineCustomProperties;
    expect(define).toHaveBeenCalledTimes(1);
    expect(define.mock.calls[0][0].properties).toHaveProperty(['serverless-iam-roles-per-function']);
  });

  test('adds `mode` to the object branch of provider.iam.role when the provider schema is there', () => {
    const serverless = sharedService();
    const objectBranch = { type: 'object', properties: { statements: {} } };
    serverless.configSchemaHandler.schema = {
      properties: { provider: { properties: { iam: { properties: { role: { anyOf: [{ type: 'string' }, objectBranch] } } } } } },
    };
    new ServerlessIamSynth(serverless, {}, { log: makeLog() });
    expect(objectBranch.properties.mode).toEqual({ enum: ['shared', 'perFunction'] });
  });
});

describe('constructor: listed beside serverless-iam-roles-per-function', () => {
  test.each([
    ['a list', (names) => names],
    ['{ modules }', (names) => ({ modules: names })],
  ])('fails with IAM_SYNTH_PLUGIN_CONFLICT, saying how to remove it, in either order (plugins as %s)', (_, shape) => {
    for (const names of [
      ['serverless-iam-synth', 'serverless-iam-roles-per-function'],
      ['serverless-iam-roles-per-function', 'serverless-iam-synth'],
    ]) {
      const serverless = sharedService();
      serverless.service.plugins = shape(names);
      let error;
      try {
        new ServerlessIamSynth(serverless, {}, { log: makeLog() });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ServerlessError);
      expect(error.code).toBe('IAM_SYNTH_PLUGIN_CONFLICT');
      expect(error.message).toContain('Remove `- serverless-iam-roles-per-function` from `plugins:`');
      expect(error.message).toContain('npm uninstall serverless-iam-roles-per-function');
      // nothing registered: the framework's schema error never comes
      expect(serverless.configSchemaHandler.defineFunctionProperties).not.toHaveBeenCalled();
    }
  });
});

describe('constructor: hooks', () => {
  test('an aws service gets the three package hooks, the early validation and the final check', () => {
    const plugin = new ServerlessIamSynth(sharedService(), {}, { log: makeLog() });
    for (const hook of [VALIDATE_HOOK, ...HOOKS, FINALIZE_HOOK]) expect(typeof plugin.hooks[hook]).toBe('function');
  });

  test('a non-aws provider gets no package hooks, and `serverless iam` says why it cannot report', async () => {
    const serverless = sharedService();
    serverless.service.provider.name = 'azure';
    serverless.getProvider = jest.fn();
    const plugin = new ServerlessIamSynth(serverless, {}, { log: makeLog() });
    expect(Object.keys(plugin.hooks)).toEqual(['iam:report']);
    await expect(plugin.hooks['iam:report']()).rejects.toMatchObject({ code: 'IAM_SYNTH_NOT_AWS' });
    expect(serverless.getProvider).not.toHaveBeenCalled();
  });
});

describe('package: the shared role (§3, §6.1 parity)', () => {
  const expected = sharedRole([LOGS_A, LOGS_B, S3_STATEMENT, { Effect: 'Allow', Action: SQS_ACTIONS, Resource: [QUEUE] }]);

  test('after the three hooks the shared role is the one of §3.2/§3.3', () => {
    const resources = runPackage(sharedService(), makeLog());
    expect(resources[SHARED]).toEqual(expected);
  });

  test('its Properties keep the order AssumeRolePolicyDocument, Policies, Path, RoleName', () => {
    const resources = runPackage(sharedService(), makeLog());
    expect(Object.keys(resources[SHARED].Properties)).toEqual([
      'AssumeRolePolicyDocument',
      'Policies',
      'Path',
      'RoleName',
    ]);
  });

  test('the Lambdas keep the shared role and the framework DependsOn', () => {
    const resources = runPackage(sharedService(), makeLog());
    expect(resources.WorkerLambdaFunction.Properties.Role).toEqual(getAttArn(SHARED));
    expect(resources.WorkerLambdaFunction.DependsOn).toEqual(['WorkerLogGroup']);
    expect(resources.WorkerEventSourceMappingSQSSvcjobs.DependsOn).toEqual([SHARED]);
  });

  test('a service the framework fully explains gives no warning', () => {
    const log = makeLog();
    runPackage(sharedService(), log);
    expect(log.warning).not.toHaveBeenCalled();
  });

  test('package prints one summary line, and one line per role at --verbose', () => {
    const log = makeLog();
    runPackage(dedicatedService(), log);
    expect(log.notice.mock.calls).toEqual([
      [
        expect.stringMatching(
          /^serverless-iam-synth: 2 roles \(1 dedicated, 1 shared\) for 2 functions; largest policy \w+ at [\d,]+ of 10,240 characters \(\d+%\)$/
        ),
      ],
    ]);
    expect(log.verbose.mock.calls).toEqual([
      [expect.stringMatching(/^serverless-iam-synth: {3}IamRoleLambdaExecution \(shared, 1 function\): [\d,]+ of 10,240 characters \(\d+%\)$/)],
      [expect.stringMatching(/^serverless-iam-synth: {3}WorkerIamRoleLambdaExecution \(dedicated, 1 function\): /)],
    ]);
  });

  test('the projection is a deep copy taken at before:package:compileFunctions', () => {
    const untouched = runPackage(sharedService(), makeLog());
    const mutated = runPackage(sharedService(), makeLog(), {
      between: (serverless) => {
        // as compileFunctions does, and more: a real VPC and an edited provider statement
        serverless.service.functions.worker.vpc = { securityGroupIds: ['sg-1'], subnetIds: ['subnet-1'] };
        serverless.service.provider.vpc = {};
        serverless.service.provider.iam.role.statements[0].Action.push('s3:DeleteObject');
      },
    });
    expect(mutated[SHARED]).toEqual(untouched[SHARED]);
    expect(mutated[SHARED].Properties).not.toHaveProperty('ManagedPolicyArns');
  });
});

describe('project(): the projection handed to the engine', () => {
  test('shares no object with the live service', () => {
    const serverless = sharedService();
    const projected = JSON.parse(project(serverless, serverless.getProvider('aws')));
    const before = JSON.stringify(projected);
    serverless.service.functions.worker.events.push({ sqs: 'arn:aws:sqs:us-east-1:123456789012:other' });
    serverless.service.functions.worker.vpc = {};
    serverless.service.provider.iam.role.statements[0].Action.push('s3:DeleteObject');
    expect(JSON.stringify(projected)).toBe(before);
  });

  test("copies the keys the engine's contract names, and no other", () => {
    const serverless = sharedService();
    Object.assign(serverless.service.functions.worker, { handler: 'h.worker', memorySize: 256, timeout: 3 });
    const projected = JSON.parse(project(serverless, serverless.getProvider('aws')));
    const { functionKeys, providerKeys } = require('../js/addon').contract();
    for (const fn of Object.values(projected.functions)) {
      for (const key of Object.keys(fn)) expect(functionKeys).toContain(key);
    }
    expect(projected.functions.worker).not.toHaveProperty('handler');
    expect(projected.functions.worker).not.toHaveProperty('memorySize');
    expect(projected.functions.worker.events).toEqual(serverless.service.functions.worker.events);
    for (const key of Object.keys(projected.provider)) expect([...providerKeys, 'logs', 'apiGateway', 'kinesis']).toContain(key);
  });
});

describe('package: engine errors', () => {
  function failing() {
    const serverless = sharedService();
    serverless.service.provider.iam.role.statements = [{ Action: ['s3:GetObject'], Resource: '*' }];
    const plugin = new ServerlessIamSynth(serverless, {}, { log: makeLog() });
    try {
      plugin.hooks['before:package:compileFunctions']();
    } catch (error) {
      return error;
    }
    throw new Error('the hook did not throw');
  }

  test('are rethrown as serverless.classes.Error with the engine code', () => {
    const error = failing();
    expect(error).toBeInstanceOf(ServerlessError);
    expect(error.code).toBe('IAM_SYNTH_INVALID_STATEMENT');
  });

  test('the message names the config path and carries no stack', () => {
    const { message } = failing();
    expect(message).toContain('provider.iam.role.statements[0]');
    expect(message).toMatch(/\bEffect\b/);
    expect(message).not.toMatch(/^\s+at\s/m);
    expect(message).not.toMatch(/\.node\b|index\.js|addon\.js/);
  });
});

describe('package: early validation', () => {
  test('a broken configuration fails at before:package:initialize, before anything is built', () => {
    const serverless = sharedService();
    serverless.service.provider.iam.role.statements = [{ Effect: 'Allow', Action: 'nope', Resource: '*' }];
    const plugin = new ServerlessIamSynth(serverless, {}, { log: makeLog() });
    expect(() => plugin.hooks[VALIDATE_HOOK]()).toThrow(ServerlessError);
    expect(() => plugin.hooks[VALIDATE_HOOK]()).toThrow(/provider\.iam\.role\.statements\[0\].*'nope' is not of the form service:Action/);
  });

  test('a valid configuration passes silently and leaves the template alone', () => {
    const serverless = sharedService();
    const log = makeLog();
    const before = JSON.stringify(serverless.service.provider.compiledCloudFormationTemplate);
    new ServerlessIamSynth(serverless, {}, { log }).hooks[VALIDATE_HOOK]();
    expect(JSON.stringify(serverless.service.provider.compiledCloudFormationTemplate)).toBe(before);
    expect(log.warning).not.toHaveBeenCalled();
  });
});

describe('package: statements added by something else (reconcile)', () => {
  const foreign = {
    Effect: 'Allow',
    Action: ['dynamodb:GetItem'],
    Resource: [`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`],
  };
  const pushForeign = (serverless) => {
    serverless.service.provider.compiledCloudFormationTemplate.Resources[SHARED].Properties.Policies[0].PolicyDocument.Statement.push(
      JSON.parse(JSON.stringify(foreign))
    );
  };

  test('an unknown statement on the compiled shared role is kept in the final role', () => {
    const resources = runPackage(sharedService(), makeLog(), { afterEvents: pushForeign });
    const statements = resources[SHARED].Properties.Policies[0].PolicyDocument.Statement;
    expect(statements).toContainEqual(foreign);
    // and what the plugin builds is still there
    expect(statements).toEqual(expect.arrayContaining([LOGS_A, LOGS_B, S3_STATEMENT]));
  });

  test('it is reported through log.warning with IAM_SYNTH_UNKNOWN_STATEMENT', () => {
    const log = makeLog();
    runPackage(sharedService(), log, { afterEvents: pushForeign });
    const messages = log.warning.mock.calls.map((c) => c.join(' '));
    expect(messages.filter((m) => m.includes('IAM_SYNTH_UNKNOWN_STATEMENT'))).toHaveLength(1);
    expect(messages.find((m) => m.includes('IAM_SYNTH_UNKNOWN_STATEMENT'))).toContain('dynamodb:GetItem');
  });
});

describe('reconcileRequest(): what reconciliation is sent', () => {
  const { reconcileRequest } = require('../js/apply.js');
  const plan = {
    roles: { [SHARED]: { Type: 'AWS::IAM::Role' }, WorkerIamRoleLambdaExecution: { Type: 'AWS::IAM::Role' } },
    removeRoles: [],
    functions: { worker: { lambdaLogicalId: 'WorkerLambdaFunction' } },
    frameworkSharedRole: { principals: ['lambda.amazonaws.com'], statements: [S3_STATEMENT], managedPolicies: [] },
  };

  test('with a compiled shared role: that role, the planned one and the framework version of it', () => {
    const compiled = { Type: 'AWS::IAM::Role', Properties: {} };
    const request = reconcileRequest({ [SHARED]: compiled }, plan);
    expect(request.sharedRole).toBe(compiled);
    expect(Object.keys(request.plan.roles)).toEqual([SHARED]);
    expect(request.plan.frameworkSharedRole).toEqual(plan.frameworkSharedRole);
  });

  test('without one (every function has its own role) the framework version is not sent', () => {
    const request = reconcileRequest({}, plan);
    expect(request.sharedRole).toBeNull();
    expect(request.plan.frameworkSharedRole).toBeNull();
    expect(request.plan.functions).toBe(plan.functions);
  });

  test('only event source mappings and schedules are sent, with the keys rewiring reads', () => {
    const esm = { Type: 'AWS::Lambda::EventSourceMapping', DependsOn: ['X'], Properties: { FunctionName: 'f', BatchSize: 10 } };
    const request = reconcileRequest({ Q: esm, B: { Type: 'AWS::S3::Bucket', Properties: {} } }, plan);
    expect(request.resources).toEqual({
      Q: { Type: esm.Type, DependsOn: ['X'], Properties: { FunctionName: 'f', Target: undefined } },
    });
  });
});

describe('package: a function with a dedicated role (§2, §6.3)', () => {
  const DEDICATED = 'WorkerIamRoleLambdaExecution';

  test('its Lambda runs under the dedicated role, which comes first in DependsOn', () => {
    const resources = runPackage(dedicatedService(), makeLog());
    expect(resources.WorkerLambdaFunction.Properties.Role).toEqual(getAttArn(DEDICATED));
    expect(resources.WorkerLambdaFunction.DependsOn).toEqual([DEDICATED, 'WorkerLogGroup']);
    expect(resources[DEDICATED].Type).toBe('AWS::IAM::Role');
  });

  test('its event source mapping depends on the dedicated role, not the shared one', () => {
    const resources = runPackage(dedicatedService(), makeLog());
    expect(resources.WorkerEventSourceMappingSQSSvcjobs.DependsOn).toEqual([DEDICATED]);
  });

  test('its scheduler schedule runs with the dedicated role as Target.RoleArn', () => {
    const resources = runPackage(dedicatedService(), makeLog());
    const target = resources.WorkerSchedulerSchedule1.Properties.Target;
    expect(target.RoleArn).toEqual(getAttArn(DEDICATED));
    expect(target.Arn).toEqual(getAttArn('WorkerLambdaFunction'));
  });

  test('when every function has a dedicated role the shared role is gone and nothing depends on it (§3.1)', () => {
    const serverless = dedicatedService();
    delete serverless.service.functions.hello;
    const resources = runPackage(serverless, makeLog());
    expect(resources).not.toHaveProperty(SHARED);
    expect(resources.WorkerEventSourceMappingSQSSvcjobs.DependsOn).toEqual([DEDICATED]);
    expect(resources.WorkerSchedulerSchedule1.Properties.Target.RoleArn).toEqual(getAttArn(DEDICATED));
  });

  test("the shared role no longer holds the function's sqs, scheduler permissions or trust", () => {
    const log = makeLog();
    const resources = runPackage(dedicatedService(), log);
    expect(resources[SHARED]).toEqual(sharedRole([LOGS_A, LOGS_B]));
    expect(log.warning).not.toHaveBeenCalled();
  });
});

describe('package: the log group a dedicated role grants is the one the compiled Lambda writes to (§5.4)', () => {
  const logResource = (resources) =>
    resources.WorkerIamRoleLambdaExecution.Properties.Policies[0].PolicyDocument.Statement[0].Resource;
  const withLogGroup = () => {
    const serverless = dedicatedService();
    serverless.service.functions.worker.logs = { logGroup: '/custom/worker' };
    return serverless;
  };

  test('Serverless 3.40.0 compiles no LoggingConfig: the default group is granted, with a warning', () => {
    const log = makeLog();
    const resources = runPackage(withLogGroup(), log);
    expect(resources.WorkerLambdaFunction.Properties).not.toHaveProperty('LoggingConfig');
    expect(logResource(resources)).toEqual([sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/svc-dev-worker:*:*')]);
    expect(log.warning).toHaveBeenCalledTimes(1);
    expect(log.warning.mock.calls[0][0]).toMatch(/functions\.worker\.logs\.logGroup .*\[IAM_SYNTH_LOG_GROUP_NOT_APPLIED\]/);
  });

  test('a framework that compiles LoggingConfig.LogGroup (osls) gets that group, without a warning', () => {
    const log = makeLog();
    // osls's compileFunctions: `LoggingConfig.LogGroup` from the function's `logs`
    const resources = runPackage(withLogGroup(), log, {
      afterFunctions: (serverless) => {
        const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
        Resources.WorkerLambdaFunction.Properties.LoggingConfig = { LogGroup: '/custom/worker' };
      },
    });
    expect(resources.WorkerLambdaFunction.Properties.LoggingConfig).toEqual({ LogGroup: '/custom/worker' });
    expect(logResource(resources)).toEqual([sub('logs:${AWS::Region}:${AWS::AccountId}:log-group:/custom/worker:*:*')]);
    expect(log.warning).not.toHaveBeenCalled();
  });
});

describe('package: a dedicated role traces when its compiled Lambda does (another plugin set TracingConfig)', () => {
  const DEDICATED = 'WorkerIamRoleLambdaExecution';
  const XRAY = { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: ['*'] };
  const statements = (resources, id) => resources[id].Properties.Policies[0].PolicyDocument.Statement;
  // serverless-plugin-tracing 2.0.0 at package:compileEvents: `TracingConfig` on the compiled Lambdas
  const tracingPlugin = (mode) => (serverless) => {
    const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
    Resources.WorkerLambdaFunction.Properties.TracingConfig = { Mode: mode };
    Resources.HelloLambdaFunction.Properties.TracingConfig = { Mode: mode };
  };

  test('Mode Active set after the framework compiled the function: the dedicated role gets X-Ray', () => {
    const log = makeLog();
    const resources = runPackage(dedicatedService(), log, { afterEvents: tracingPlugin('Active') });
    expect(statements(resources, DEDICATED)).toContainEqual(XRAY);
    // the shared role stays as the framework makes it (it grants X-Ray only for tracing it knows)
    expect(JSON.stringify(resources[SHARED])).not.toMatch(/xray/);
    expect(log.warning).not.toHaveBeenCalled();
  });

  test('Mode PassThrough (Lambda\'s default) asks for nothing', () => {
    const resources = runPackage(dedicatedService(), makeLog(), { afterEvents: tracingPlugin('PassThrough') });
    expect(JSON.stringify(resources[DEDICATED])).not.toMatch(/xray/);
  });
});

describe('package: what other plugins add to the IAM settings, which roles of their own do not get', () => {
  const LIFT = { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['arn:aws:sqs:us-east-1:123456789012:lift-jobs'] };
  const INSIGHTS = 'arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy';
  const warnings = (log) => log.warning.mock.calls.map((c) => c[0]);

  test('statements appended to provider.iam.role.statements after the constructor (serverless-lift): named, with the functions that do not inherit them', () => {
    const log = makeLog();
    const resources = runPackage(dedicatedService(), log, {
      afterConstruct: (serverless) => {
        serverless.service.provider.iam = { role: { statements: [LIFT] } };
      },
    });
    // the shared role has them, the dedicated role does not inherit them (shared mode)
    expect(JSON.stringify(resources[SHARED])).toMatch(/lift-jobs/);
    expect(JSON.stringify(resources.WorkerIamRoleLambdaExecution)).not.toMatch(/lift-jobs/);
    expect(warnings(log)).toEqual([
      expect.stringMatching(/another plugin added 1 statement to provider\.iam\.role\.statements \(sqs:SendMessage on arn:aws:sqs:us-east-1:123456789012:lift-jobs\), which the role of function 'worker' does not inherit \[IAM_SYNTH_PROVIDER_IAM_ADDED\]\. .*iam\.inheritStatements: true/),
    ]);
  });

  test('statements the user wrote are not reported, nor added ones a dedicated role inherits', () => {
    const written = dedicatedService();
    written.service.provider.iam = { role: { statements: [LIFT] } };
    const log = makeLog();
    runPackage(written, log);
    expect(log.warning).not.toHaveBeenCalled();

    const inheriting = dedicatedService();
    inheriting.service.functions.worker.iam.inheritStatements = true;
    const log2 = makeLog();
    const resources = runPackage(inheriting, log2, {
      afterConstruct: (serverless) => {
        serverless.service.provider.iam = { role: { statements: [LIFT] } };
      },
    });
    expect(JSON.stringify(resources.WorkerIamRoleLambdaExecution)).toMatch(/lift-jobs/);
    expect(log2.warning).not.toHaveBeenCalled();
  });

  test('a managed policy appended to provider.iamManagedPolicies (serverless-plugin-lambda-insights): dedicated roles in shared mode do not get it', () => {
    const log = makeLog();
    runPackage(dedicatedService(), log, {
      afterConstruct: (serverless) => {
        serverless.service.provider.iamManagedPolicies = [INSIGHTS];
      },
    });
    expect(warnings(log)).toEqual([
      expect.stringMatching(/added 1 managed policy to provider\.iamManagedPolicies \(arn:aws:iam::aws:policy\/CloudWatchLambdaInsightsExecutionRolePolicy\), which the role of function 'worker' does not get.*\[IAM_SYNTH_PROVIDER_IAM_ADDED\]\. .*iam\.role\.managedPolicies/),
    ]);
  });

  test('a statement added to the shared role after the roles were built (serverless-plugin-canary-deployments): named, with the functions on roles of their own', () => {
    const log = makeLog();
    const hook = { Effect: 'Allow', Action: ['codedeploy:PutLifecycleEventHookExecutionStatus'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:codedeploy:${AWS::Region}:${AWS::AccountId}:deploymentgroup:App/*' }] };
    const resources = runPackage(dedicatedService(), log, {
      beforeSave: (serverless) => {
        const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
        Resources[SHARED].Properties.Policies[0].PolicyDocument.Statement.push(hook);
      },
    });
    expect(resources[SHARED].Properties.Policies[0].PolicyDocument.Statement).toContainEqual(hook);
    expect(warnings(log)).toEqual([
      expect.stringMatching(/another plugin added to IamRoleLambdaExecution after this plugin built the roles: codedeploy:PutLifecycleEventHookExecutionStatus on arn:\$\{AWS::Partition\}:codedeploy:.*App\/\*; the role of function 'worker' does not get it .*\[IAM_SYNTH_SHARED_ROLE_EXTENDED\]/),
    ]);
  });

  test('nothing is said when nothing changes after the roles are built', () => {
    const log = makeLog();
    runPackage(dedicatedService(), log, { beforeSave: () => {} });
    expect(log.warning).not.toHaveBeenCalled();
  });
});

describe('compiledFacts(): what the plan assumed of the compiled Lambdas', () => {
  const { compiledFacts } = require('../js/apply.js');
  const functions = { a: { lambdaLogicalId: 'ALambdaFunction' }, b: { lambdaLogicalId: 'BLambdaFunction' } };
  const plan = { assumedLogGroups: { a: '/custom/a', b: null }, assumedTracing: { b: false }, functions };
  const lambda = (properties) => ({ Type: 'AWS::Lambda::Function', Properties: properties });
  const logs = (group) => ({ LoggingConfig: group === undefined ? { LogFormat: 'JSON' } : { LogGroup: group } });

  test('null when every compiled Lambda is as the plan assumed', () => {
    expect(compiledFacts({ ALambdaFunction: lambda(logs('/custom/a')), BLambdaFunction: lambda({ ...logs(), TracingConfig: { Mode: 'PassThrough' } }) }, plan)).toBeNull();
  });

  test('every assumed function as compiled, for the kinds that differ', () => {
    expect(compiledFacts({ ALambdaFunction: lambda({}), BLambdaFunction: lambda({}) }, plan)).toEqual({ logGroups: { a: null, b: null } });
    expect(compiledFacts({ ALambdaFunction: lambda(logs('/custom/a')), BLambdaFunction: lambda(logs('/x')) }, plan)).toEqual({ logGroups: { a: '/custom/a', b: '/x' } });
    const traced = { ALambdaFunction: lambda(logs('/custom/a')), BLambdaFunction: lambda({ TracingConfig: { Mode: 'Active' } }) };
    expect(compiledFacts(traced, plan)).toEqual({ tracing: { b: true } });
    // an intrinsic Mode may be Active: counted as tracing
    traced.BLambdaFunction.Properties.TracingConfig.Mode = { Ref: 'TracingMode' };
    expect(compiledFacts(traced, plan)).toEqual({ tracing: { b: true } });
  });

  test('a plan without assumptions stands', () => {
    expect(compiledFacts({}, { functions: {} })).toBeNull();
  });
});

describe("package: CloudFormation's limit of 500 resources per stack (§7)", () => {
  /** n functions with dedicated roles: a Lambda, a log group and a role each, plus the bucket. */
  const manyDedicated = (n, custom = {}) => {
    const functions = {};
    for (let i = 0; i < n; i += 1) {
      functions[`f${i}`] = { handler: 'handler.main', name: `svc-dev-f${i}`, iam: { role: { statements: [] } } };
    }
    const serverless = makeServerless({ functions });
    serverless.service.custom = custom;
    return serverless;
  };

  test('at 500 nothing is said', () => {
    // 166 functions: 1 bucket + 3 × 166 + the shared role the framework made, which goes = 499
    const log = makeLog();
    const resources = runPackage(manyDedicated(166), log);
    expect(Object.keys(resources).length).toBe(499);
    expect(log.warning).not.toHaveBeenCalled();
  });

  test('over 500 a warning gives the count, what the plugin added and the remedies', () => {
    const log = makeLog();
    const resources = runPackage(manyDedicated(170), log);
    expect(Object.keys(resources).length).toBe(511);
    expect(log.warning).toHaveBeenCalledTimes(1);
    const [text] = log.warning.mock.calls[0];
    expect(text).toContain('the template has 511 resources');
    // 170 dedicated roles, less the shared role they replace
    expect(text).toContain('169 of them are roles and policies this plugin added');
    expect(text).toContain('serverless-plugin-split-stacks');
    expect(text).toContain('[IAM_SYNTH_TOO_MANY_RESOURCES]');
  });

  test('with custom.iamSynth.resourceLimit: error the package fails', () => {
    expect(() => runPackage(manyDedicated(170, { iamSynth: { resourceLimit: 'error' } }), makeLog())).toThrow(
      expect.objectContaining({ code: 'IAM_SYNTH_TOO_MANY_RESOURCES', message: expect.stringContaining('511 resources') })
    );
  });
});
