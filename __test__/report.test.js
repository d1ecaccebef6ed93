'use strict';

// `serverless iam`: the engine's report (text and --json) on four fixture services, and the plugin's
// command around it. The snapshots were reviewed line by line against the fixtures and
// /work/shared/docs/iam-behaviour.md (roles, statement order, auto-added grants); the explicit
// assertions below state what the issue asks of the output whatever the snapshot says.

const engine = require('../js/addon');
const ServerlessIamSynth = require('../js/index.js');

const ARN_ROLE = 'arn:aws:iam::123456789012:role/orders-reporting';

/** A projected service, as js/project.js sends it. */
function service(provider, functions, extra = {}) {
  return { service: 'orders', stage: 'dev', region: 'us-east-1', provider, functions, custom: {}, ...extra };
}

const FIXTURES = {
  // every function on the shared role
  shared: service(
    {
      iam: {
        role: {
          statements: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::orders-assets/*' },
            { Effect: 'Allow', Action: ['events:PutEvents'], Resource: '*' },
          ],
        },
      },
    },
    {
      api: { name: 'orders-dev-api', events: [{ httpApi: 'GET /orders' }] },
      worker: { name: 'orders-dev-worker', events: [{ sqs: { arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] } } }] },
    }
  ),
  // shared role plus one dedicated role with its own statement and an SQS event
  dedicated: service(
    {
      tracing: { lambda: true },
      iam: { role: { statements: [{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/orders/*' }] } },
    },
    {
      api: { name: 'orders-dev-api', events: [{ httpApi: 'GET /orders' }] },
      worker: {
        name: 'orders-dev-worker',
        events: [{ sqs: { arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] } } }],
        iam: {
          role: {
            statements: [
              {
                Effect: 'Allow',
                Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
                Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] },
              },
            ],
          },
        },
      },
    }
  ),
  // one function under an existing role given by ARN, one under a role defined in resources
  customArn: service(
    {},
    {
      api: { name: 'orders-dev-api', events: [], role: ARN_ROLE },
      export: { name: 'orders-dev-export', events: [], role: 'ExportRole' },
    },
    {
      resources: {
        Resources: {
          ExportRole: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {},
              Policies: [
                {
                  PolicyName: 'export',
                  PolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::orders-export-${AWS::AccountId}/*' } }],
                  },
                },
              ],
            },
          },
        },
      },
    }
  ),
  // mode: perFunction, five functions inheriting a broad provider statement
  perFunction: service(
    {
      iam: {
        role: {
          mode: 'perFunction',
          statements: [{ Effect: 'Allow', Action: ['dynamodb:*'], Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] } }],
        },
      },
    },
    Object.fromEntries(
      ['create', 'read', 'update', 'remove', 'list'].map((k) => [k, { name: `orders-dev-${k}`, events: [{ httpApi: `GET /${k}` }] }])
    )
  ),
};

const report = (name, options = {}) => engine.report(JSON.stringify(FIXTURES[name]), { width: 80, ...options });

describe.each(Object.keys(FIXTURES))('%s service', (name) => {
  test('text report', () => {
    const { output } = report(name);
    expect(output).toMatchSnapshot();
    for (const line of output.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(output).not.toMatch(/\x1b/);
  });

  test('JSON report', () => {
    const { output, findings } = report(name, { json: true });
    const doc = JSON.parse(output);
    expect(doc).toMatchSnapshot();
    expect(Object.keys(doc)).toEqual(['service', 'stage', 'region', 'functions', 'roles', 'findings', 'warnings']);
    expect(doc.functions.map((f) => f.function)).toEqual(Object.keys(FIXTURES[name].functions));
    for (const f of doc.functions) {
      expect(['shared', 'dedicated', 'custom']).toContain(f.roleSource);
      expect(f).toHaveProperty('statements');
      expect(f).toHaveProperty('size');
    }
    expect(findings).toBe(doc.findings.length);
  });
});

describe('what each fixture must show', () => {
  test('shared: both functions on IamRoleLambdaExecution; events:PutEvents on * is a finding', () => {
    const doc = JSON.parse(report('shared', { json: true }).output);
    expect(doc.functions.map((f) => [f.function, f.role, f.roleSource])).toEqual([
      ['api', 'IamRoleLambdaExecution', 'shared'],
      ['worker', 'IamRoleLambdaExecution', 'shared'],
    ]);
    expect(doc.findings.map((f) => [f.code, f.path])).toEqual([['IAM_SYNTH_WILDCARD_RESOURCE', 'provider.iam.role.statements[1]']]);
    const text = report('shared').output;
    expect(text).toContain('  s3: GetObject, PutObject on arn:aws:s3:::orders-assets/*\n');
    expect(text).toContain('  sqs: ReceiveMessage, DeleteMessage, GetQueueAttributes on ${OrdersQueue.Arn}\n');
  });

  test('dedicated: the worker role holds its SQS grant and statement, not the provider statement', () => {
    const doc = JSON.parse(report('dedicated', { json: true }).output);
    const worker = doc.functions.find((f) => f.function === 'worker');
    expect([worker.role, worker.roleSource]).toEqual(['WorkerIamRoleLambdaExecution', 'dedicated']);
    const actions = worker.statements.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'dynamodb:PutItem', 'xray:PutTraceSegments']));
    expect(actions).not.toContain('ssm:GetParameter');
    expect(doc.findings).toEqual([]);
  });

  test('custom ARN: the role and where it comes from; a role from resources shows its permissions', () => {
    const doc = JSON.parse(report('customArn', { json: true }).output);
    expect(doc.functions.map((f) => [f.function, f.role, f.roleSource, f.roleFrom])).toEqual([
      ['api', ARN_ROLE, 'custom', 'functions.api.role'],
      ['export', 'ExportRole', 'custom', 'functions.export.role'],
    ]);
    expect(doc.functions[0].statements).toBeNull();
    expect(doc.roles[1].permissions).toEqual([
      { effect: 'Allow', service: 's3', actions: ['PutObject'], resources: ['arn:${AWS::Partition}:s3:::orders-export-${AWS::AccountId}/*'] },
    ]);
    const text = report('customArn').output;
    expect(text).toContain(`\n${ARN_ROLE} (custom role, from\n    functions.api.role)\n`);
  });

  test('perFunction: five dedicated roles; dynamodb:* inherited into all five is two findings', () => {
    const doc = JSON.parse(report('perFunction', { json: true }).output);
    expect(doc.roles.map((r) => r.roleSource)).toEqual(Array(5).fill('dedicated'));
    expect(doc.findings.map((f) => [f.code, f.roles.length])).toEqual([
      ['IAM_SYNTH_WILDCARD_ACTION', 5],
      ['IAM_SYNTH_WIDELY_INHERITED', 5],
    ]);
  });

  test('--function narrows to one function and its role', () => {
    const doc = JSON.parse(report('dedicated', { json: true, function: 'worker' }).output);
    expect(doc.functions.map((f) => f.function)).toEqual(['worker']);
    expect(doc.roles.map((r) => r.logicalId)).toEqual(['WorkerIamRoleLambdaExecution']);
    expect(() => report('dedicated', { function: 'nope' })).toThrow(
      expect.objectContaining({ code: 'IAM_SYNTH_UNKNOWN_FUNCTION' })
    );
  });

  test('colour and bars only when asked; a narrower terminal is respected', () => {
    const colour = report('dedicated', { color: true }).output;
    expect(colour).toMatch(/\x1b\[1m/);
    expect(colour).toMatch(/█/);
    expect(report('dedicated').output).not.toMatch(/[█░]/);
    for (const line of report('dedicated', { width: 60 }).output.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
});

// --- the plugin's command, with a fake `serverless` ------------------------------------------

class ServerlessError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function fakeServerless(fixture, plugins = []) {
  const { provider, functions, resources } = FIXTURES[fixture];
  const hooks = {};
  for (const plugin of plugins) {
    for (const [event, hook] of Object.entries(plugin.hooks)) (hooks[event] = hooks[event] || []).push({ hook });
  }
  return {
    service: { service: 'orders', provider: { name: 'aws', ...provider }, functions: { ...functions }, custom: {}, resources },
    pluginManager: { externalPlugins: new Set(plugins), hooks },
    getProvider: () => ({ getStage: () => 'dev', getRegion: () => 'us-east-1' }),
    classes: { Error: ServerlessError },
    configSchemaHandler: { defineFunctionProperties: jest.fn(), defineCustomProperties: jest.fn() },
  };
}

async function runCommand(fixture, options, plugins = []) {
  const log = { error: jest.fn(), warning: jest.fn() };
  const serverless = fakeServerless(fixture, plugins);
  const plugin = new ServerlessIamSynth(serverless, options, { log });
  const written = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)));
  const before = process.exitCode;
  try {
    await plugin.hooks['iam:report']();
    return { stdout: written.join(''), exitCode: process.exitCode, log };
  } catch (error) {
    return { stdout: written.join(''), error, exitCode: process.exitCode, log };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

describe('the `iam` command', () => {
  test('is registered with --function, --json, --output and --strict', () => {
    const plugin = new ServerlessIamSynth(fakeServerless('shared'), {}, { log: {} });
    expect(plugin.commands.iam.lifecycleEvents).toEqual(['report']);
    expect(Object.keys(plugin.commands.iam.options)).toEqual(['function', 'json', 'output', 'strict']);
    expect(plugin.commands.iam.options.output.shortcut).toBe('o');
    expect(plugin.commands.iam.options.function.shortcut).toBe('f');
  });

  test('--json prints one JSON document and nothing else', async () => {
    const { stdout, error } = await runCommand('dedicated', { json: true });
    expect(error).toBeUndefined();
    expect(JSON.parse(stdout).functions).toHaveLength(2);
  });

  test('--strict sets exit code 1 on findings and says why on stderr, leaving stdout to the report', async () => {
    const failing = await runCommand('shared', { strict: true, json: true });
    expect(JSON.parse(failing.stdout).findings).toHaveLength(1);
    expect(failing.error).toBeUndefined();
    expect(failing.exitCode).toBe(1);
    expect(failing.log.error.mock.calls).toEqual([
      ['serverless-iam-synth: 1 finding, and --strict fails on findings [IAM_SYNTH_FINDINGS]'],
    ]);
    const passing = await runCommand('dedicated', { strict: true });
    expect([passing.error, passing.exitCode]).toEqual([undefined, undefined]);
    expect(passing.log.error).not.toHaveBeenCalled();
  });

  test('an unknown --function is a framework error with the code, not a stack trace', async () => {
    const { error } = await runCommand('dedicated', { function: 'nope' });
    expect(error).toBeInstanceOf(ServerlessError);
    expect(error.code).toBe('IAM_SYNTH_UNKNOWN_FUNCTION');
    expect(error.message).toContain("--function: this service has no function 'nope'");
    expect(error.message).toContain('api, worker');
  });

  test("runs the other plugins' hooks of packaging's start first, in order, and goes on past one that fails", async () => {
    const order = [];
    const warmer = {
      hooks: {
        'after:package:initialize': () => {
          order.push('warmer');
          warmer.serverless.service.functions.warmer = { handler: 'warmer.handler' };
        },
        'before:package:createDeploymentArtifacts': () => order.push('too late'),
      },
    };
    const failing = {
      hooks: {
        'before:package:initialize': async () => {
          order.push('failing');
          throw new Error('no credentials\nat somewhere');
        },
        'package:setupProviderConfiguration': () => order.push('failing again'),
      },
    };
    class Insights {
      constructor() {
        this.hooks = { 'before:package:setupProviderConfiguration': () => order.push('insights') };
      }
    }
    const plugins = [warmer, failing, new Insights()];
    const log = { error: jest.fn(), warning: jest.fn() };
    const serverless = fakeServerless('dedicated', plugins);
    warmer.serverless = serverless;
    // the framework's own hooks of the same events do not run
    serverless.pluginManager.hooks['package:initialize'] = [{ hook: () => order.push('framework') }];
    const plugin = new ServerlessIamSynth(serverless, { json: true }, { log });
    const written = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)));
    try {
      await plugin.hooks['iam:report']();
    } finally {
      spy.mockRestore();
    }
    expect(order).toEqual(['failing', 'warmer', 'insights']);
    expect(JSON.parse(written.join('')).functions.map((f) => f.function)).toEqual(['api', 'worker', 'warmer']);
    expect(log.warning.mock.calls).toHaveLength(1);
    expect(log.warning.mock.calls[0][0]).toContain("hooks of before:package:initialize to see what they add, and Object's failed (no credentials) [IAM_SYNTH_PLUGIN_HOOK_FAILED]");
  });
});
