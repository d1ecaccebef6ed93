'use strict';

// The plugins users run beside this one, the real packages (pinned devDependencies), offline. Each
// service has a function on the shared role (`plain`) and one with its own role (`worker`), and the
// other plugin's own configuration. Packaged with the other plugin alone and with both; checked:
// - packaging succeeds, and every Lambda runs under a role that is in the template;
// - the dedicated role holds its own statement and its log group;
// - every resource the other plugin alone produces is there with both, unchanged (IAM roles, Lambdas,
//   their versions and event source mappings left out: this plugin rewires those);
// - cfn-lint finds no error that the template of the other plugin alone does not have;
// - what this plugin says about the other plugin's IAM changes (the warnings of src/additions.rs, the
//   X-Ray grant from a compiled TracingConfig).
// serverless-plugin-split-stacks and serverless-plugin-warmup are in beside.e2e.test.js, the community
// plugin listed together with this one in unusual.e2e.test.js; the README's "Works with" table sums up.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { packageService } = require('./harness');
const { lintErrors, packagedTemplates: templates } = require('./cfn-lint');

const HANDLER = 'exports.plain = exports.worker = exports.hook = exports.job = async () => ({});\n';

function service({ plugins, provider = '', custom = '', worker = '', functions = '', top = '' }) {
  return `service: works
frameworkVersion: '>=3'
plugins:
${plugins.map((p) => `  - ${p}`).join('\n')}
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
${provider}custom:
  placeholder: true
${custom}${top}functions:
  plain:
    handler: handler.plain
    events:
      - sqs:
          arn: !GetAtt Queue.Arn
  worker:
    handler: handler.worker
    events:
      - sqs:
          arn: !GetAtt Queue.Arn
    iam:
      role:
        statements:
          - Effect: Allow
            Action: dynamodb:PutItem
            Resource: !GetAtt Table.Arn
${worker}${functions}resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
`;
}

const CASES = {
  'serverless-step-functions': {
    top: `stepFunctions:
  stateMachines:
    flow:
      definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: !GetAtt worker.Arn
            End: true
`,
  },
  'serverless-plugin-canary-deployments': {
    worker: `    deploymentSettings:
      type: Linear10PercentEvery1Minute
      alias: Live
      preTrafficHook: hook
`,
    functions: `  hook:
    handler: handler.hook
    iam:
      role:
        statements: []
`,
    // the traffic hook needs CodeDeploy's permission, which the other plugin puts on the shared role only
    says: [/IAM_SYNTH_SHARED_ROLE_EXTENDED/, /codedeploy:PutLifecycleEventHookExecutionStatus/, /'hook'/],
  },
  'serverless-esbuild': {
    custom: `  esbuild:
    bundle: true
    minify: false
`,
  },
  'serverless-lift': {
    top: `constructs:
  jobs:
    type: queue
    worker:
      handler: handler.job
`,
    // lift's SendMessage permission goes to provider.iam.role.statements… here provider.iamRoleStatements
    says: [/IAM_SYNTH_PROVIDER_IAM_ADDED/, /sqs:SendMessage/, /'worker'/],
  },
  'serverless-plugin-lambda-insights': {
    custom: `  lambdaInsights:
    defaultLambdaInsights: true
`,
    says: [/IAM_SYNTH_PROVIDER_IAM_ADDED/, /CloudWatchLambdaInsightsExecutionRolePolicy/, /'worker'/],
    // added at before:package:setupProviderConfiguration, which `serverless iam` runs too
    report: (doc) => {
      const managed = (id) => JSON.stringify(doc.roles.find((r) => r.logicalId === id));
      expect(managed('IamRoleLambdaExecution')).toContain('CloudWatchLambdaInsightsExecutionRolePolicy');
      expect(managed('WorkerIamRoleLambdaExecution')).not.toContain('CloudWatchLambdaInsightsExecutionRolePolicy');
    },
  },
  'serverless-plugin-tracing': {
    provider: '  tracing: true\n',
    frameworks: ['serverless'], // osls's schema refuses `provider.tracing: true`
    // every Lambda traces: the dedicated role gets X-Ray, as the framework would give it for tracing it knows
    xray: true,
  },
};

function writeSource(name, yml) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml);
  fs.writeFileSync(path.join(dir, 'handler.js'), HANDLER);
  return dir;
}

const REWIRED = new Set(['AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Version', 'AWS::Lambda::EventSourceMapping']);
const statementsOf = (role) => role.Properties.Policies.flatMap((p) => [].concat(p.PolicyDocument.Statement));
/** A resource with the Lambda versions it names unhashed (their ids hash the function's configuration, role included). */
const unhashed = (res) => res && JSON.parse(JSON.stringify(res).replace(/(LambdaVersion)[A-Za-z0-9]+/g, '$1'));
/** A cfn-lint line without its template path, so that two templates' findings compare. */
const finding = (line) => line.split(':').slice(1).join(':').replace(/^\d+:\d+:\d+:\d+:/, '');

describe.each(Object.keys(CASES))('%s', (other) => {
  const c = CASES[other];
  const frameworks = c.frameworks || ['serverless', 'osls'];
  const source = writeSource(other, service({ ...c, plugins: ['serverless-iam-synth', other] }));
  // the other plugin alone, with Serverless 3.40.0 (which only warns on this plugin's keys)
  const alone = packageService(source, { plugin: false, framework: 'serverless', label: 'alone' });

  test.each(frameworks)('with %s: packaged, every role there, the other plugin untouched, nothing new from cfn-lint', (framework) => {
    expect(alone.status).toBe(0);
    const run = packageService(source, { framework, label: 'both' });
    if (run.status !== 0) throw new Error(`${run.stdout}\n${run.stderr}`);
    const resources = run.template.Resources;

    for (const [id, res] of Object.entries(resources)) {
      if (res.Type !== 'AWS::Lambda::Function') continue;
      const role = res.Properties.Role;
      const roleId = role && role['Fn::GetAtt'] ? role['Fn::GetAtt'][0] : null;
      if (roleId) expect([id, resources[roleId] && resources[roleId].Type]).toEqual([id, 'AWS::IAM::Role']);
    }
    expect(resources.WorkerLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['WorkerIamRoleLambdaExecution', 'Arn'] });
    const worker = statementsOf(resources.WorkerIamRoleLambdaExecution);
    expect(worker).toContainEqual({ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } });
    expect(JSON.stringify(worker)).toContain('log-group:/aws/lambda/works-dev-worker');

    // the other plugin's resources, as it makes them alone (our bare copy has no per-function roles,
    // so only resources that exist in both are compared)
    if (framework === 'serverless') {
      for (const [id, res] of Object.entries(alone.template.Resources)) {
        if (REWIRED.has(res.Type) || /LambdaVersion/.test(id)) continue;
        expect([id, unhashed(resources[id])]).toEqual([id, unhashed(res)]);
      }
    }
    const before = new Set(lintErrors(templates(alone.dir)).map(finding));
    expect(lintErrors(templates(run.dir)).map(finding).filter((f) => !before.has(f))).toEqual([]);

    const output = `${run.stdout}\n${run.stderr}`;
    for (const pattern of c.says || []) expect(output).toMatch(pattern);
    if (!c.says) expect(output).not.toMatch(/serverless-iam-synth: .*\[IAM_SYNTH_[A-Z_]+\]/);
    if (c.xray) {
      expect(resources.WorkerLambdaFunction.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(JSON.stringify(worker)).toContain('xray:PutTraceSegments');
    }
  });

  if (c.report) {
    test('`serverless iam` shows what the other plugin adds', () => {
      const r = packageService(source, { framework: 'serverless', command: 'iam', args: ['--json', '-o', 'iam.json'], label: 'iam' });
      expect(r.status).toBe(0);
      c.report(JSON.parse(fs.readFileSync(path.join(r.dir, 'iam.json'), 'utf8')));
    });
  }
});
