'use strict';

// The deliberate differences from Serverless 3.40.0 (iam-behaviour.md §6), as edits of the
// framework's own output. Each example that shows one names it here; every other example must come
// out exactly as the framework packages it.

const { statementsOf } = require('./iam-extract');

const SHARED = 'IamRoleLambdaExecution';

/** §6.2: no statement with an empty Resource list; no inline policy without statements. */
function noEmptyResources(iam) {
  for (const role of Object.values(iam.roles)) {
    const policies = role.Properties.Policies;
    if (!policies) continue;
    const doc = policies[0].PolicyDocument;
    doc.Statement = doc.Statement.filter((s) => !(Array.isArray(s.Resource) && s.Resource.length === 0));
    if (!doc.Statement.length) delete role.Properties.Policies;
  }
  return iam;
}

function firstAction(s) {
  return [].concat(s.Action)[0];
}

/** Drops shared-role statements whose first action is in `actions`. */
function dropStatements(iam, actions) {
  const doc = iam.roles[SHARED].Properties.Policies[0].PolicyDocument;
  doc.Statement = doc.Statement.filter((s) => !actions.includes(firstAction(s)));
}

const EDITS = {
  // Every function disables logs: the framework's two log statements have `Resource: []`.
  'logs-all-disabled': (iam) => noEmptyResources(iam),

  // §6.3: functions with their own role (arnRole, logicalIdRole, getAttRole, importRole, subRole)
  // bring tracing, a scheduler, streams and three queues; only `shared` runs under the shared role,
  // and it has one queue (JobsQueue) and nothing else.
  'role-kinds-function': (iam) => {
    dropStatements(iam, ['xray:PutTraceSegments', 'lambda:InvokeFunction', 'kinesis:GetRecords', 'dynamodb:GetRecords']);
    const sqs = statementsOf(iam.roles[SHARED]).find((s) => firstAction(s) === 'sqs:ReceiveMessage');
    sqs.Resource = [{ 'Fn::GetAtt': ['JobsQueue', 'Arn'] }];
    const trust = iam.roles[SHARED].Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service;
    trust.splice(trust.indexOf('scheduler.amazonaws.com'), 1);
    return iam;
  },

  // §4 rows the framework does not know (current guide): S3 Files access points get s3files:
  // actions instead of elasticfilesystem:, durable functions the durable execution managed policy.
  's3files-durable': (iam) => {
    for (const s of statementsOf(iam.roles[SHARED])) {
      const isS3Files =
        firstAction(s) === 'elasticfilesystem:ClientMount' &&
        (JSON.stringify(s.Resource).includes(':s3files:') || JSON.stringify(s.Resource).includes('s3files-access-point'));
      if (isS3Files) s.Action = ['s3files:ClientMount', 's3files:ClientWrite'];
    }
    iam.roles[SHARED].Properties.ManagedPolicyArns.push({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy']],
    });
    return iam;
  },
};

function expectedIam(example, frameworkIam) {
  const copy = JSON.parse(JSON.stringify(frameworkIam));
  return EDITS[example] ? EDITS[example](copy) : copy;
}

module.exports = { expectedIam, DELIBERATE: Object.keys(EDITS) };
