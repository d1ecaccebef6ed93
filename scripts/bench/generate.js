'use strict';

// The benchmark's services: n functions, each with two SQS queues, a DynamoDB stream and one statement of
// its own; ten provider statements, inherited by every function's role.
//   mode 'dedicated':   the shared-role mode, every function with a dedicated role (iam.role.statements)
//   mode 'perFunction': provider.iam.role.mode perFunction
// flavor 'ours' uses this plugin's keys, 'community' the same service in serverless-iam-roles-per-function's
// keys (iamRoleStatements, iamRoleStatementsInherit), 'bare' no plugin at all. ARNs are literal, so the
// template holds only what the framework and the plugins make.

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

const pad = (i) => String(i).padStart(4, '0');

function providerStatements() {
  return Array.from({ length: 10 }, (_, k) => ({
    Effect: 'Allow',
    Action: [`s3:GetObject`, `s3:PutObject`],
    Resource: [`arn:aws:s3:::bench-bucket-${k}/*`],
  }));
}

function functionDef(i, mode, flavor) {
  const id = pad(i);
  const own = [
    { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/out-${id}`] },
  ];
  const fn = {
    handler: 'handler.main',
    events: [
      { sqs: { arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:in-${id}-a` } },
      { sqs: { arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:in-${id}-b` } },
      { stream: { type: 'dynamodb', arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/src-${id}/stream/2026-01-01T00:00:00.000` } },
    ],
  };
  if (flavor === 'community') {
    fn.iamRoleStatements = own;
    fn.iamRoleStatementsInherit = true;
  } else if (flavor === 'ours') {
    fn.iam = mode === 'perFunction' ? { role: { statements: own } } : { inheritStatements: true, role: { statements: own } };
  }
  return fn;
}

/** The service as a serverless.json document. `plugins` are module names or paths. */
function generateService(n, { mode = 'dedicated', flavor = 'ours', plugins = [] } = {}) {
  const role = { statements: providerStatements() };
  if (mode === 'perFunction' && flavor === 'ours') role.mode = 'perFunction';
  const functions = {};
  for (let i = 0; i < n; i += 1) functions[`f${pad(i)}`] = functionDef(i, mode, flavor);
  return {
    service: `bench${n}`,
    frameworkVersion: '>=3',
    provider: { name: 'aws', runtime: 'nodejs20.x', region: REGION, iam: { role } },
    plugins,
    functions,
  };
}

module.exports = { generateService };
