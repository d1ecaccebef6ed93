'use strict';

// The state file and the roles beside the real serverless-plugin-split-stacks 1.15.0 (perFunction and
// perType) and serverless-plugin-warmup 8.4.1, in both plugin orders, with Serverless 3.40.0 and osls:
// - the state file is byte for byte what the framework's json-cycle writes (the harness's state check),
//   and it reads back, as `serverless deploy --package` reads it, into the packaged template;
// - every role, wherever split-stacks moved it, is the role packaged without split-stacks once the
//   nested stacks' parameters are put back: nothing split-stacks rewrote in one place changed another;
// - every template, root and nested, passes cfn-lint.
// A generated service of 300 functions checks the state file at a size where objects repeat.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { packageService, ROOT } = require('./harness');
const { lintErrors, packagedTemplates: templates } = require('./cfn-lint');
const { generateService } = require('../../scripts/bench/generate');

const FRAMEWORKS = { serverless: 'serverless', osls: 'osls' };
const NO_STACK = ['-r', path.join(__dirname, 'no-stack.js')];

function service({ plugins, splitStacks }) {
  return `service: beside
frameworkVersion: '>=3'
plugins:
${plugins.map((p) => `  - ${p}`).join('\n')}
provider:
  name: aws
  runtime: nodejs20.x
  region: us-east-1
  iam:
    role:
      statements:
        - Effect: Allow
          Action: dynamodb:GetItem
          Resource: !GetAtt Table.Arn
custom:
${splitStacks ? `  splitStacks:\n${Object.entries(splitStacks).map(([k, v]) => `    ${k}: ${v}`).join('\n')}\n` : ''}  warmup:
    default:
      enabled: true
functions:
  api:
    handler: handler.api
    events:
      - sqs:
          arn: !GetAtt Queue.Arn
    iam:
      inheritStatements: true
      role:
        statements:
          - Effect: Allow
            Action: dynamodb:PutItem
            Resource: !GetAtt Table.Arn
  worker:
    handler: handler.worker
    events:
      - stream:
          type: dynamodb
          arn: !GetAtt Table.StreamArn
    iam:
      role:
        statements:
          - Effect: Allow
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
  plain:
    handler: handler.plain
    events:
      - sqs:
          arn: !GetAtt Queue.Arn
resources:
  Resources:
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
        KeySchema: [{ AttributeName: id, KeyType: HASH }]
        StreamSpecification: { StreamViewType: NEW_IMAGE }
    Queue:
      Type: AWS::SQS::Queue
`;
}

function writeSource(name, yml) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  fs.writeFileSync(path.join(dir, 'serverless.yml'), yml);
  fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.api = exports.worker = exports.plain = async () => ({});\n');
  return dir;
}

/** Every resource of the root stack and its nested stacks, nested references put back as the values
 * the root passes in. */
function flatten(dir) {
  const out = path.join(dir, '.serverless');
  const root = JSON.parse(fs.readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  const resources = {};
  const outputs = {};
  for (const [id, res] of Object.entries(root.Resources)) {
    if (res.Type !== 'AWS::CloudFormation::Stack') {
      resources[id] = res;
      continue;
    }
    const file = path.join(out, `cloudformation-template-${id.replace(/NestedStack$/, '')}-nested-stack.json`);
    const nested = JSON.parse(fs.readFileSync(file, 'utf8'));
    const params = res.Properties.Parameters || {};
    const put = (v) => {
      if (Array.isArray(v)) return v.map(put);
      if (v && typeof v === 'object') {
        if (typeof v.Ref === 'string' && v.Ref in params) return put(params[v.Ref]);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, put(x)]));
      }
      return v;
    };
    for (const [nid, nres] of Object.entries(nested.Resources)) resources[nid] = put(nres);
    for (const [name, o] of Object.entries(nested.Outputs || {})) outputs[`${id}.Outputs.${name}`] = o.Value;
  }
  // split-stacks passes a moved resource's attributes as `Fn::GetAtt` of its nested stack's outputs,
  // and writes forms CloudFormation reads the same: `Fn::Sub: [text, {}]` for `Fn::Sub: text`, and an
  // empty `DependsOn`
  const back = (v) => {
    if (Array.isArray(v)) return v.map(back);
    if (v && typeof v === 'object') {
      const att = v['Fn::GetAtt'];
      const sub = v['Fn::Sub'];
      if (Array.isArray(sub) && sub.length === 2 && Object.keys(sub[1]).length === 0) return { 'Fn::Sub': sub[0] };
      if (Array.isArray(v.DependsOn) && v.DependsOn.length === 0) {
        const { DependsOn, ...rest } = v; // eslint-disable-line no-unused-vars
        return back(rest);
      }
      if (Array.isArray(att) && `${att[0]}.${att[1]}` in outputs) return back(outputs[`${att[0]}.${att[1]}`]);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, back(x)]));
    }
    return v;
  };
  return back(resources);
}

const rolesOf = (resources) =>
  Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::ManagedPolicy'));

/** The state file read the way `serverless deploy --package` reads it: the framework's own reader. */
function readState(dir, framework) {
  const lib = path.join(ROOT, 'node_modules', framework, 'lib');
  const readFileSync = require(path.join(lib, 'utils', 'fs', 'read-file-sync.js'));
  return readFileSync(path.join(dir, '.serverless', 'serverless-state.json'));
}

const LAYOUTS = {
  perFunction: { perFunction: true, perType: false, perGroupFunction: false },
  perType: { perFunction: false, perType: true, perGroupFunction: false },
};

describe.each(Object.keys(FRAMEWORKS))('%s', (framework) => {
  const plain = packageService(writeSource('beside-plain', service({ plugins: ['serverless-iam-synth', 'serverless-plugin-warmup'] })), {
    framework,
    label: 'no-split',
  });

  test('without split-stacks: packaged with warmup, the state file is json-cycle text and reads back', () => {
    expect(plain.status).toBe(0);
    expect(plain.stateChecked).toBe(true);
    const state = readState(plain.dir, framework);
    expect(state.service.provider.compiledCloudFormationTemplate).toEqual(plain.template);
    expect(Object.keys(rolesOf(plain.template.Resources)).sort()).toEqual(
      ['ApiIamRoleLambdaExecution', 'IamRoleLambdaExecution', 'WarmUpPluginDefaultRole', 'WorkerIamRoleLambdaExecution'].sort()
    );
  });

  for (const [layout, splitStacks] of Object.entries(LAYOUTS)) {
    for (const first of [true, false]) {
      const order = first ? 'ours first' : 'ours last';
      test(`split-stacks ${layout}, ${order}: the same roles, the state reads back, every template lints`, () => {
        const others = ['serverless-plugin-split-stacks', 'serverless-plugin-warmup'];
        const plugins = first ? ['serverless-iam-synth', ...others] : [...others, 'serverless-iam-synth'];
        const run = packageService(writeSource(`beside-${layout}`, service({ plugins, splitStacks })), {
          framework,
          label: `${layout}-${first ? 'first' : 'last'}`,
          nodeArgs: NO_STACK,
        });
        expect(run.status).toBe(0);
        expect(run.stateChecked).toBe(true);
        const nested = Object.values(run.template.Resources).filter((r) => r.Type === 'AWS::CloudFormation::Stack');
        expect(nested.length).toBeGreaterThan(0);
        expect(rolesOf(flatten(run.dir))).toEqual(rolesOf(plain.template.Resources));
        const state = readState(run.dir, framework);
        expect(state.service.provider.compiledCloudFormationTemplate).toEqual(run.template);
        expect(lintErrors(templates(run.dir))).toEqual([]);
      });
    }
  }

  for (const first of [true, false]) {
    test(`140 dedicated roles split by function (ours ${first ? 'first' : 'last'}): the root stack is checked after split-stacks, under 500, no warning`, () => {
      const plugins = first ? ['serverless-iam-synth', 'serverless-plugin-split-stacks'] : ['serverless-plugin-split-stacks', 'serverless-iam-synth'];
      const functions = Array.from({ length: 140 }, (_, i) => `  f${i}: { handler: handler.api, iam: { role: { statements: [] } } }`);
      const yml = `service: beside\nframeworkVersion: '>=3'\nplugins:\n${plugins.map((p) => `  - ${p}`).join('\n')}
provider: { name: aws, runtime: nodejs20.x, region: us-east-1 }
custom: { splitStacks: { perFunction: true, perType: false, perGroupFunction: false } }
functions:\n${functions.join('\n')}\n`;
      const run = packageService(writeSource('beside-limit', yml), { framework, label: `limit-${first ? 'first' : 'last'}`, nodeArgs: NO_STACK });
      expect(run.status).toBe(0);
      const count = Object.keys(run.template.Resources).length;
      expect(count).toBeLessThanOrEqual(500);
      expect(`${run.stdout}${run.stderr}`).not.toContain('IAM_SYNTH_TOO_MANY_RESOURCES');
    });
  }

  test('300 generated functions: the state file is json-cycle text and reads back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beside-300-'));
    const svc = generateService(300, { plugins: ['serverless-iam-synth'] });
    // the harness adds its state check under the plugin's line, so the service is written as YAML's JSON subset plus that line
    fs.writeFileSync(path.join(dir, 'serverless.yml'), `plugins:\n  - serverless-iam-synth\n${Object.entries(svc)
      .filter(([k]) => k !== 'plugins')
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = async () => ({});\n');
    const run = packageService(dir, { framework, label: '300' });
    expect(run.status).toBe(0);
    expect(run.stateChecked).toBe(true);
    expect(readState(run.dir, framework).service.provider.compiledCloudFormationTemplate).toEqual(run.template);
  });
});
