'use strict';

// Seeded generator of random Serverless services for the differential test.
//
// generate(seed) returns
//   { seed, framework, files, bareFiles, expect }
// where `files` is the service with this plugin, `bareFiles` the same service for the framework
// alone (no plugin, no per-function IAM key), and `expect` what the checker needs to know about each
// function that the compiled templates cannot tell it (its tag, deployed name, which role it must
// run under, its own statements and managed policies, whether it inherits provider statements).
//
// Attribution: every ARN that one function's events, settings or own statements name carries that
// function's tag (`z<index><two letters>`, for example `q-z3qa-1`), every ARN of a provider statement
// carries `prov`, the provider's KMS key carries `pkms`. The checker attributes a grant of the
// framework's shared role to a function by finding the tag in the resource.
//
// Even seeds are packaged with Serverless 3.40.0, odd seeds with osls 4.3.1 (which needs
// `frameworkVersion: '>=3'` and nodejs20.x or later, and rejects keys no plugin registered).

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SHARED = 'IamRoleLambdaExecution';
const VPC_POLICY = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; the same seed always gives the same stream. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The helpers every choice below is made with. */
function makeRandom(seed) {
  const next = mulberry32(seed * 2654435761 + 12345);
  const r = {
    next,
    chance: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    /** Picks a key of `weights` ({option: weight}) with probability proportional to its weight. */
    weighted: (weights) => {
      const entries = Object.entries(weights);
      let x = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, w] of entries) {
        x -= w;
        if (x < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
  };
  return r;
}

// ---------------------------------------------------------------------------------------------
// A minimal YAML writer for plain data (objects, lists, strings, numbers, booleans). Strings that
// YAML could read as something else are written as JSON strings, which are valid YAML scalars.

const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

function scalar(value) {
  if (typeof value === 'string') {
    return PLAIN.test(value) && !RESERVED.has(value.toLowerCase()) ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

const isBlock = (v) => v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
const emptyOf = (v) => (Array.isArray(v) ? '[]' : '{}');

function toYaml(value, indent = '') {
  const lines = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!isBlock(item)) lines.push(`${indent}- ${item !== null && typeof item === 'object' ? emptyOf(item) : scalar(item)}`);
      else if (Array.isArray(item)) lines.push(`${indent}-`, toYaml(item, `${indent}  `));
      else {
        // the first key of a mapping in a list sits on the dash line
        const body = toYaml(item, `${indent}  `);
        lines.push(`${indent}- ${body.slice(indent.length + 2)}`);
      }
    }
  } else {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (isBlock(item)) lines.push(`${indent}${scalar(key)}:`, toYaml(item, `${indent}  `));
      else lines.push(`${indent}${scalar(key)}: ${item !== null && typeof item === 'object' ? emptyOf(item) : scalar(item)}`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

/** iam-behaviour.md §1: first letter upper-cased, `-` → Dash, `_` → Underscore. */
const normalize = (key) => (key[0].toUpperCase() + key.slice(1)).replace(/-/g, 'Dash').replace(/_/g, 'Underscore');

const LETTERS = 'abcdefghijklmnopqrstuvwxy'; // no z: a tag is the only place `z<digit>` occurs
const WORDS = ['api', 'worker', 'job', 'sync', 'feed', 'hook', 'task', 'reader', 'writer', 'scan', 'pull', 'push', 'mail', 'sink', 'tick', 'report'];

const arn = (service, rest) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;

function functionKey(rnd, used, index) {
  const word = rnd.pick(WORDS);
  const style = rnd.weighted({ plain: 4, dash: 2, underscore: 2, camel: 1 });
  let key = word;
  if (style === 'dash') key = `${word}-${rnd.pick(WORDS)}`;
  else if (style === 'underscore') key = `${word}_v${rnd.int(1, 9)}`;
  else if (style === 'camel') key = `${word}${rnd.pick(WORDS).replace(/^./, (c) => c.toUpperCase())}`;
  if (used.has(key)) key = `${key}${index}`;
  used.add(key);
  return key;
}

/** Provider statements: each names only `prov` resources, in the forms the framework takes. */
function providerStatements(rnd, resources) {
  const out = [];
  const count = rnd.int(1, 3);
  for (let n = 1; n <= count; n += 1) {
    const form = rnd.weighted({ s3: 3, dynamo: 2, sub: 2, join: 1, getAtt: 1, deny: 1 });
    if (form === 's3') out.push({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::prov-b${n}/*` });
    else if (form === 'dynamo') {
      out.push({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: [arn('dynamodb', `table/prov-t${n}`)] });
    } else if (form === 'sub') {
      out.push({
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:prov-q${n}` },
      });
    } else if (form === 'join') {
      out.push({
        Effect: 'Allow',
        Action: ['s3:Get*', 's3:List*'],
        Resource: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::prov-j${n}/*`]] }],
      });
    } else if (form === 'getAtt') {
      const id = `ProvTable${n}`;
      resources[id] = dynamoTable(`prov-table-${n}`, false);
      out.push({ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: { 'Fn::GetAtt': [id, 'Arn'] } });
    } else {
      out.push({ Effect: 'Allow', Action: ['s3:*'], Resource: `arn:aws:s3:::prov-d${n}/*` });
      out.push({ Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: `arn:aws:s3:::prov-d${n}/locked/*` });
    }
  }
  return out;
}

/** A function's own statements: only resources with its tag; sometimes a Deny inside its Allow. */
function ownStatements(rnd, tag, resources) {
  const out = [];
  const count = rnd.int(1, 3);
  for (let n = 1; n <= count; n += 1) {
    const form = rnd.weighted({ s3: 3, dynamo: 2, sub: 1, getAtt: 1, deny: 1, notAction: 1 });
    if (form === 's3') out.push({ Effect: 'Allow', Action: rnd.pick([['s3:GetObject'], 's3:PutObject', ['s3:Get*']]), Resource: `arn:aws:s3:::own-${tag}-${n}/*` });
    else if (form === 'dynamo') out.push({ Effect: 'Allow', Action: ['dynamodb:*'], Resource: [arn('dynamodb', `table/own-${tag}-${n}`)] });
    else if (form === 'sub') {
      out.push({
        Effect: 'Allow',
        Action: ['sns:Publish'],
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:own-${tag}-${n}` },
      });
    } else if (form === 'getAtt') {
      const id = `OwnQueue${tag}${n}`;
      resources[id] = { Type: 'AWS::SQS::Queue' };
      out.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [id, 'Arn'] }] });
    } else if (form === 'deny') {
      out.push({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::own-${tag}-${n}/*` });
      out.push({ Effect: 'Deny', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::own-${tag}-${n}/secret/*` });
    } else {
      out.push({ Effect: 'Allow', Action: ['s3:*'], Resource: `arn:aws:s3:::own-${tag}-${n}/*` });
      out.push({ Effect: 'Deny', NotAction: ['s3:GetObject'], Resource: `arn:aws:s3:::own-${tag}-${n}/ro/*` });
    }
  }
  return out;
}

function dynamoTable(name, stream) {
  const table = {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    },
  };
  if (stream) table.Properties.StreamSpecification = { StreamViewType: 'NEW_IMAGE' };
  return table;
}

const LAMBDA_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
};

/** A failure destination of a stream event (§4: SNS, else SQS), named with the function's tag. */
function streamFailure(rnd, tag, n) {
  return rnd.chance(0.5) ? arn('sqs', `sf-${tag}-${n}`) : arn('sns', `sf-${tag}-${n}`);
}

/**
 * Events of one function; records in `ctx.fx` which features without a resource of their own they
 * bring. Now and then a queue or a stream is shared with an earlier function (`ctx.previous`): its
 * ARN then carries both tags, and both functions subscribe to it.
 */
function events(ctx) {
  const { rnd, key, tag, resources, fx, previous } = ctx;
  const out = [];
  const count = rnd.weighted({ 0: 2, 1: 4, 2: 3, 3: 2, 4: 1 });
  /** Adds `event` to an earlier function too (and says so), or returns false. */
  const share = (make) => {
    if (!previous.length || !rnd.chance(0.12)) return false;
    const other = rnd.pick(previous);
    const event = make(`${other.tag}-${tag}`);
    other.fn.events = (other.fn.events || []).concat([event]);
    out.push(event);
    return true;
  };
  for (let n = 1; n <= Number(count); n += 1) {
    const kind = rnd.weighted({ sqs: 4, dynamo: 3, kinesis: 2, schedule: 3, http: 2, httpApi: 2, sns: 2, websocket: 1, mq: 1, msk: 1, kafka: 1, cloudFront: ctx.edgeAllowed ? 1 : 0 });
    if (kind === 'sqs') {
      if (share((both) => ({ sqs: arn('sqs', `q-${both}-co`) }))) continue;
      const form = rnd.weighted({ string: 3, object: 2, getAtt: 1 });
      const queue = arn('sqs', `q-${tag}-${n}`);
      if (form === 'string') out.push({ sqs: queue });
      else if (form === 'object') out.push({ sqs: { arn: queue, batchSize: rnd.pick([1, 5, 10]) } });
      else {
        const id = `Queue${tag}${n}`;
        resources[id] = { Type: 'AWS::SQS::Queue' };
        out.push({ sqs: { arn: { 'Fn::GetAtt': [id, 'Arn'] } } });
      }
    } else if (kind === 'dynamo') {
      if (share((both) => ({ stream: arn('dynamodb', `table/t-${both}-co/stream/2024-01-01T00:00:00.000`) }))) continue;
      const form = rnd.weighted({ string: 3, object: 2, getAtt: 1 });
      const stream = arn('dynamodb', `table/t-${tag}-${n}/stream/2024-01-01T00:00:00.000`);
      if (form === 'string') out.push({ stream });
      else if (form === 'object') {
        const event = { type: 'dynamodb', arn: stream, startingPosition: 'LATEST' };
        if (rnd.chance(0.3)) event.destinations = { onFailure: streamFailure(rnd, tag, n) };
        out.push({ stream: event });
      } else {
        const id = `Table${tag}${n}`;
        resources[id] = dynamoTable(`tbl-${tag}-${n}`, true);
        out.push({ stream: { type: 'dynamodb', arn: { 'Fn::GetAtt': [id, 'StreamArn'] } } });
      }
    } else if (kind === 'kinesis') {
      const stream = arn('kinesis', `stream/k-${tag}-${n}`);
      const form = rnd.weighted({ string: 2, object: 2, consumer: 1, consumerArn: 1 });
      if (form === 'string') out.push({ stream });
      else {
        const event = { type: 'kinesis', arn: stream, batchSize: 50 };
        if (form === 'consumer') event.consumer = true;
        if (form === 'consumerArn') event.consumer = `${stream}/consumer/c-${tag}-${n}:1700000000`;
        if (rnd.chance(0.3)) event.destinations = { onFailure: streamFailure(rnd, tag, n) };
        out.push({ stream: event });
      }
    } else if (kind === 'schedule') {
      if (rnd.chance(0.4)) {
        fx.scheduler = true;
        out.push({ schedule: { rate: [`rate(${n + 1} hours)`], method: 'scheduler' } });
      } else out.push({ schedule: rnd.chance(0.5) ? `rate(${n + 4} minutes)` : { rate: [`rate(${n + 1} days)`], enabled: false } });
    } else if (kind === 'http') out.push({ http: { path: `${key}/h${n}`, method: rnd.pick(['get', 'post']) } });
    else if (kind === 'httpApi') out.push({ httpApi: { path: `/${key}/a${n}`, method: rnd.pick(['GET', 'POST']) } });
    else if (kind === 'sns') out.push({ sns: arn('sns', `s-${tag}-${n}`) });
    else if (kind === 'websocket') {
      fx.websocket = true;
      out.push({ websocket: { route: `r${tag}${n}` } });
    } else if (kind === 'mq') {
      // the EC2 statement (Resource "*") comes with every MQ event
      fx.ec2 = true;
      const which = rnd.pick(['activemq', 'rabbitmq']);
      out.push({
        [which]: {
          arn: arn('mq', `broker:mq-${tag}-${n}:b-1234a5b6-78cd-901e-2fab-3c45d6e178f${n}`),
          basicAuthArn: arn('secretsmanager', `secret:mq-${tag}-${n}`),
          queue: `q${n}`,
        },
      });
    } else if (kind === 'msk') {
      fx.ec2 = true;
      out.push({ msk: { arn: arn('kafka', `cluster/c-${tag}-${n}/a1b2c3d4-5678-90ab-cdef-1234567890ab-1`), topic: `t${n}` } });
    } else if (kind === 'kafka') {
      const accessConfigurations = { saslScram512Auth: [arn('secretsmanager', `secret:kf-${tag}-${n}`)] };
      if (rnd.chance(0.5)) {
        fx.ec2 = true;
        accessConfigurations.vpcSubnet = [`subnet-${tag}k${n}`];
        accessConfigurations.vpcSecurityGroup = [`sg-${tag}k${n}`];
      }
      out.push({ kafka: { topic: `t${n}`, bootstrapServers: ['kafka.example.com:9096'], accessConfigurations } });
    } else {
      // one Lambda@Edge function per service at most (one distribution, its default behaviour)
      fx.edge = true;
      ctx.edgeAllowed = false;
      out.push({ cloudFront: { eventType: 'viewer-request', origin: `s3://${tag}-static.s3.amazonaws.com/files` } });
    }
  }
  return out;
}

/** A destination ARN for one function: SQS, SNS or Lambda, each naming the function's tag. */
function destination(rnd, tag, which) {
  const kind = rnd.pick(['sqs', 'sns', 'lambda']);
  if (kind === 'lambda') return arn('lambda', `function:d-${tag}-${which}`);
  return arn(kind, `d-${tag}-${which}`);
}

/**
 * Statements big enough to push a role past IAM's 10,240-character inline limit (the plugin then
 * compacts or splits it into managed policies): several statements of many `label` resources,
 * with distinct actions, or (sometimes) all the same action, which compaction merges into one.
 */
function bulkStatements(rnd, label) {
  const out = [];
  const sameAction = rnd.chance(0.35);
  const target = rnd.int(12000, 20000);
  let size = 0;
  for (let n = 1; size < target; n += 1) {
    const resources = [];
    const count = rnd.int(60, 110);
    for (let m = 1; m <= count; m += 1) resources.push(`arn:aws:s3:::${label}-bulk${n}-${m}/*`);
    size += JSON.stringify(resources).length;
    out.push({ Effect: 'Allow', Action: [sameAction ? 's3:GetObject' : rnd.pick(['s3:GetObject', 's3:PutObject', 's3:ListBucket', 's3:GetObjectTagging', 's3:DeleteObject'])], Resource: resources });
  }
  return out;
}

/** A key long enough that its generated role name drops `-lambdaRole` (§1) but still fits 64. */
function longKey(rnd, service, used) {
  const room = 64 - `${service}-dev--us-east-1`.length; // the longest key that fits without the suffix
  const length = rnd.int(room - 12, room - 2);
  let key = `${rnd.pick(WORDS)}-`;
  while (key.length < length) key += rnd.pick(WORDS);
  key = key.slice(0, length);
  used.add(key);
  return key;
}

function generate(seed) {
  const rnd = makeRandom(seed);
  const framework = seed % 2 === 0 ? 'serverless' : 'osls';
  const service = `dt${seed}`;
  const stage = 'dev';
  const prefix = `${service}-${stage}`;
  const resources = {};

  // ---- provider ----------------------------------------------------------------------------
  // Sometimes every function runs under one external role: provider.iam.role as an ARN, or the
  // deprecated provider.role (§2; nobody gets a dedicated role then, §5.1).
  const providerArnRole = rnd.chance(0.05) ? rnd.pick(['iam.role', 'role']) : null;
  const perFunction = !providerArnRole && rnd.chance(0.2);
  const statementsForm = providerArnRole ? rnd.weighted({ none: 2, legacy: 1 }) : rnd.weighted({ none: 2, iam: 6, legacy: 2 });
  const provStatements = statementsForm === 'none' ? [] : providerStatements(rnd, resources);
  const bulk = statementsForm !== 'none' && rnd.chance(0.07);
  if (bulk) provStatements.push(...bulkStatements(rnd, 'prov'));
  const provManaged = !providerArnRole && rnd.chance(0.3) ? [`arn:aws:iam::${ACCOUNT}:policy/mp-prov-1`].concat(rnd.chance(0.3) ? [`arn:aws:iam::${ACCOUNT}:policy/mp-prov-2`] : []) : [];
  const provTracing = rnd.chance(0.15);
  const provKms = rnd.chance(0.1) ? arn('kms', 'key/pkms-1') : null;
  const provVpc = rnd.chance(0.05);
  const boundaryKind = providerArnRole ? 'none' : rnd.weighted({ none: 16, provider: 1, global: 1 });
  const provBoundary = boundaryKind === 'provider' ? `arn:aws:iam::${ACCOUNT}:policy/pb-prov` : null;
  const globalBoundary = boundaryKind === 'global' ? `arn:aws:iam::${ACCOUNT}:policy/pb-global` : null;
  const provPath = !providerArnRole && rnd.chance(0.06) ? `/${service}/` : null;
  const provRoleName = !providerArnRole && rnd.chance(0.05) ? `${service}-shared-role` : null;
  const defaultInherit = !perFunction && rnd.chance(0.12) ? rnd.chance(0.5) : undefined;
  let policySize = rnd.chance(0.12) ? rnd.pick(['compact', 'split']) : undefined;
  // A deliberate error, now and then, to see the plugin reject what it must reject (§5.6).
  let deliberate = rnd.chance(0.06) ? rnd.pick(['roleConflict', 'providerRoleWithPerFunction']) : null;
  if (providerArnRole) deliberate = null;
  if (bulk && !deliberate && rnd.chance(0.15)) {
    deliberate = 'policyTooLarge';
    policySize = 'error';
  }

  const provider = { name: 'aws', runtime: rnd.pick(['nodejs20.x', 'nodejs22.x']), region: REGION, stage };
  const iamRole = {};
  if (perFunction || deliberate === 'providerRoleWithPerFunction') iamRole.mode = 'perFunction';
  if (provRoleName) iamRole.name = provRoleName;
  if (provPath) iamRole.path = provPath;
  if (statementsForm === 'iam') iamRole.statements = provStatements;
  if (provManaged.length) iamRole.managedPolicies = provManaged;
  if (provBoundary) iamRole.permissionsBoundary = provBoundary;
  if (Object.keys(iamRole).length) provider.iam = { role: iamRole };
  const externalProviderRole = `arn:aws:iam::${ACCOUNT}:role/ext-prov`;
  if (providerArnRole === 'iam.role') provider.iam = { role: externalProviderRole };
  if (providerArnRole === 'role') provider.role = externalProviderRole;
  if (statementsForm === 'legacy') provider.iamRoleStatements = provStatements;
  if (deliberate === 'providerRoleWithPerFunction') provider.role = `arn:aws:iam::${ACCOUNT}:role/ext-provider`;
  if (provTracing) provider.tracing = { lambda: true };
  if (provKms) provider.kmsKeyArn = provKms;
  if (provVpc) provider.vpc = { securityGroupIds: ['sg-prov'], subnetIds: ['subnet-prov'] };
  const mode = iamRole.mode === 'perFunction' ? 'perFunction' : 'shared';

  // §5.3: dedicated roles inherit provider.iam.role.statements; the legacy provider.iamRoleStatements
  // only when provider.iam is absent.
  const inheritable = statementsForm === 'iam' || (statementsForm === 'legacy' && !provider.iam);

  // ---- functions ---------------------------------------------------------------------------
  const count = Number(rnd.weighted({ 1: 2, 2: 3, 3: 3, 4: 3, 5: 2, 6: 1, 7: 1, 8: 1 }));
  const used = new Set();
  const functions = {};
  const expected = {};
  const conflictIndex = deliberate === 'roleConflict' ? rnd.int(0, count - 1) : -1;
  const previous = []; // {key, tag, fn} of the functions made so far
  let edgeAllowed = !provVpc; // Lambda@Edge takes no VPC
  for (let i = 0; i < count; i += 1) {
    const key = rnd.chance(0.04) ? longKey(rnd, service, used) : functionKey(rnd, used, i);
    const tag = `z${i}${rnd.pick(LETTERS)}${rnd.pick(LETTERS)}`;
    const fn = { handler: 'handler.main' };
    const fx = { scheduler: false, websocket: false, ec2: false, edge: false };

    const nameKind = rnd.weighted({ default: 7, canonical: 1, other: 1 });
    if (nameKind === 'canonical') fn.name = `${prefix}-${key}-c`.slice(0, 64);
    else if (nameKind === 'other') fn.name = `n${seed}-${key}`;
    const name = fn.name || `${prefix}-${key}`;

    // role: an ARN, the shared role by logical id, or a custom role defined in resources
    // (`role: IamRoleLambdaExecution` only after a function without `role`: when every function has
    // a role the framework makes no shared role, §3.1, and the logical id would name nothing)
    let roleKind = i === conflictIndex ? 'arn' : rnd.weighted({ none: 20, arn: 1, sharedId: 1, custom: 1 });
    if (roleKind === 'sharedId' && (providerArnRole || !Object.values(functions).some((f) => !f.role))) roleKind = 'none';
    let roleId = null;
    if (roleKind === 'arn') {
      // an ARN outside the stack, as a string or as an intrinsic the framework takes (§2)
      const form = i === conflictIndex ? 'string' : rnd.weighted({ string: 3, sub: 1, importValue: 1 });
      if (form === 'string') fn.role = `arn:aws:iam::${ACCOUNT}:role/ext-${tag}`;
      else if (form === 'sub') fn.role = { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/ext-${tag}` };
      else fn.role = { 'Fn::ImportValue': `ext-role-${tag}` };
    } else if (roleKind === 'sharedId') fn.role = SHARED;
    else if (roleKind === 'custom') {
      roleId = `CustomRole${tag}`;
      fn.role = rnd.chance(0.3) ? { 'Fn::GetAtt': [roleId, 'Arn'] } : roleId;
      resources[roleId] = {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: LAMBDA_TRUST,
          Policies: [{ PolicyName: 'custom', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:*'], Resource: '*' }] } }],
        },
      };
    }

    // per-function IAM (never together with `role`, except in the deliberate conflict)
    const iamKind = fn.role && i !== conflictIndex ? 'none' : i === conflictIndex ? 'statements'
      : rnd.weighted({ none: 8, statements: 5, managed: 2, both: 1, legacy: 3, inheritOnly: 1, emptyManaged: 1, newAndLegacy: 1 });
    let own = [];
    let ownManaged = [];
    let ignored = []; // legacy statements that the new key overrides (§5.2)
    let inheritSetting; // iam.inheritStatements or iamRoleStatementsInherit, whichever wins
    let boundary = null;
    if (['statements', 'managed', 'both', 'inheritOnly', 'emptyManaged', 'newAndLegacy'].includes(iamKind)) {
      const role = {};
      if (iamKind === 'statements' || iamKind === 'both' || iamKind === 'newAndLegacy') {
        own = i !== conflictIndex && rnd.chance(0.15) ? [] : ownStatements(rnd, tag, resources);
        if (i !== conflictIndex && rnd.chance(0.04)) own.push(...bulkStatements(rnd, `own-${tag}`));
        role.statements = own;
      }
      if (iamKind === 'managed' || iamKind === 'both') {
        ownManaged = [`arn:aws:iam::${ACCOUNT}:policy/mp-${tag}`];
        role.managedPolicies = rnd.chance(0.25)
          ? [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/mp-${tag}` }]
          : ownManaged.slice();
      }
      if (iamKind === 'emptyManaged') role.managedPolicies = [];
      if (rnd.chance(0.1)) role.name = `${service}-${tag}-own`;
      if (rnd.chance(0.08)) {
        boundary = `arn:aws:iam::${ACCOUNT}:policy/pb-${tag}`;
        role.permissionsBoundary = boundary;
      }
      fn.iam = {};
      if (Object.keys(role).length) fn.iam.role = role;
      if (iamKind === 'inheritOnly' || rnd.chance(0.35)) {
        inheritSetting = rnd.chance(0.5);
        fn.iam.inheritStatements = inheritSetting;
      }
      if (iamKind === 'newAndLegacy') {
        // both spellings: the new keys win (§5.2)
        ignored = [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::legacy-${tag}/*` }];
        fn.iamRoleStatements = ignored;
        if (inheritSetting !== undefined) fn.iamRoleStatementsInherit = !inheritSetting;
      }
    } else if (iamKind === 'legacy') {
      own = rnd.chance(0.15) ? [] : ownStatements(rnd, tag, resources);
      fn.iamRoleStatements = own;
      if (rnd.chance(0.5)) {
        inheritSetting = rnd.chance(0.5);
        fn.iamRoleStatementsInherit = inheritSetting;
      }
      if (rnd.chance(0.1)) fn.iamRoleStatementsName = `${service}-${tag}-legacy`;
      if (rnd.chance(0.08)) {
        boundary = `arn:aws:iam::${ACCOUNT}:policy/pb-${tag}`;
        fn.iamPermissionsBoundary = boundary;
      }
    }

    // events and settings
    const ctx = { rnd, key, tag, resources, fx, previous, edgeAllowed };
    const ev = events(ctx);
    edgeAllowed = ctx.edgeAllowed;
    if (ev.length) fn.events = ev;
    // Lambda@Edge takes no dead-letter queue, destinations, VPC or file system
    const edge = fx.edge;
    if (!edge && rnd.chance(0.12)) fn.onError = arn('sns', `e-${tag}`);
    const destinationTargets = []; // function keys of this service it sends results to
    if (!edge && rnd.chance(0.15)) {
      fn.destinations = {};
      const target = (which) => {
        if (previous.length && rnd.chance(0.25)) {
          const other = rnd.pick(previous);
          destinationTargets.push(other.key);
          return other.key;
        }
        return destination(rnd, tag, which);
      };
      if (rnd.chance(0.6)) fn.destinations.onSuccess = target('ok');
      if (!fn.destinations.onSuccess || rnd.chance(0.5)) fn.destinations.onFailure = target('fail');
    }
    const ownKms = rnd.chance(0.1) ? arn('kms', `key/k-${tag}`) : null;
    if (ownKms) fn.kmsKeyArn = ownKms;
    const tracing = provTracing || rnd.chance(0.12);
    if (tracing && !provTracing) fn.tracing = 'Active';
    const efs = !edge && rnd.chance(0.05);
    const vpc = provVpc || efs || (!edge && rnd.chance(0.1));
    if (vpc && !provVpc) fn.vpc = { securityGroupIds: [`sg-${tag}`], subnetIds: [`subnet-${tag}a`, `subnet-${tag}b`] };
    if (efs) {
      // an access point of the stack: the frameworks' schema wants a hexadecimal id in a literal
      // ARN, which could not carry the tag
      resources[`AccessPoint${tag}`] = { Type: 'AWS::EFS::AccessPoint', Properties: { FileSystemId: 'fs-0123456789abcdef0' } };
      fn.fileSystemConfig = { arn: { 'Fn::GetAtt': [`AccessPoint${tag}`, 'Arn'] }, localMountPath: `/mnt/${tag}` };
    }
    const disableLogs = rnd.chance(0.1);
    if (disableLogs) fn.disableLogs = true;
    // rare: the engine is being changed for custom log groups
    const logGroup = !disableLogs && rnd.chance(0.04) ? `/custom/${tag}` : null;
    if (logGroup) fn.logs = { logGroup };
    if (rnd.chance(0.06)) {
      // a dependsOn of the user's, which must survive the plugin's rewrite of DependsOn
      resources[`Extra${tag}`] = { Type: 'AWS::SQS::Queue' };
      fn.dependsOn = [`Extra${tag}`];
    }

    functions[key] = fn;
    previous.push({ key, tag, fn });

    // which role the plugin must run it under (§2, §5.1)
    const hasDedicatedKeys = fn.iamRoleStatements !== undefined || (fn.iam && fn.iam.role && (fn.iam.role.statements !== undefined || (fn.iam.role.managedPolicies || []).length > 0));
    let kind;
    if (roleKind === 'arn') kind = 'arn';
    else if (roleKind === 'sharedId') kind = 'shared';
    else if (roleKind === 'custom') kind = 'custom';
    else if (providerArnRole) kind = 'arn';
    else kind = mode === 'perFunction' || hasDedicatedKeys ? 'dedicated' : 'shared';
    const normalized = normalize(key);
    const roleLogicalId = kind === 'shared' ? SHARED : kind === 'dedicated' ? `${normalized}IamRoleLambdaExecution` : roleId;
    // §5.3: default false in shared mode (or custom...defaultInherit), true in perFunction mode
    const inherit = kind === 'dedicated' && inheritable && (inheritSetting !== undefined ? inheritSetting : defaultInherit !== undefined ? defaultInherit : mode === 'perFunction');

    expected[key] = {
      tag,
      name,
      normalized,
      role: { kind, logicalId: roleLogicalId, value: fn.role || (kind === 'arn' ? externalProviderRole : null) },
      destinationTargets,
      inherit,
      statements: own,
      ignored,
      managedPolicies: ownManaged,
      // §5.2, §5.3: the function's own boundary, else the legacy global one, else the provider's
      boundary: kind === 'dedicated' ? boundary || globalBoundary || provBoundary : kind === 'shared' ? provBoundary : null,
      path: kind === 'dedicated' || kind === 'shared' ? provPath || '/' : null,
      tracing,
      websocket: fx.websocket,
      scheduler: fx.scheduler,
      ec2: fx.ec2,
      edge: fx.edge,
      vpc,
      kms: ownKms ? 'own' : provKms ? 'provider' : null,
      disableLogs,
      logGroup,
    };
  }

  // The bulk of provider statements makes a role too large only where it lands: on the shared role
  // (when some function runs under it) or on a dedicated role that inherits. Elsewhere nothing is
  // over the limit, and `policySize: error` has nothing to refuse.
  if (deliberate === 'policyTooLarge' && !Object.values(expected).some((f) => f.role.kind === 'shared' || f.inherit)) deliberate = null;

  // ---- the service -------------------------------------------------------------------------
  const custom = {};
  const perFunctionPlugin = {};
  if (defaultInherit !== undefined) perFunctionPlugin.defaultInherit = defaultInherit;
  if (globalBoundary) perFunctionPlugin.iamGlobalPermissionsBoundary = globalBoundary;
  if (Object.keys(perFunctionPlugin).length) custom['serverless-iam-roles-per-function'] = perFunctionPlugin;
  if (policySize) custom.iamSynth = { policySize };
  const config = {
    service,
    frameworkVersion: '>=3',
    plugins: ['serverless-iam-synth'],
    provider,
    ...(Object.keys(custom).length ? { custom } : {}),
    functions,
    ...(Object.keys(resources).length ? { resources: { Resources: resources } } : {}),
  };
  const handler = 'exports.main = async () => ({});\n';
  const header = `# generated by __test__/e2e/differential/generate.js, seed ${seed} (${framework})\n`;

  let error = null;
  if (deliberate === 'roleConflict') error = { code: 'IAM_SYNTH_ROLE_CONFLICT', mentions: [Object.keys(functions)[conflictIndex]] };
  if (deliberate === 'providerRoleWithPerFunction') error = { code: 'IAM_SYNTH_PROVIDER_ROLE_WITH_PER_FUNCTION', mentions: ['provider.role'] };
  if (deliberate === 'policyTooLarge') error = { code: 'IAM_SYNTH_POLICY_TOO_LARGE', mentions: [] };

  return {
    seed,
    framework,
    files: { 'serverless.yml': `${header}${toYaml(config)}\n`, 'handler.js': handler },
    bareFiles: { 'serverless.yml': `${header}${toYaml(bareConfig(config))}\n`, 'handler.js': handler },
    expect: {
      seed,
      framework,
      service,
      stage,
      prefix,
      mode,
      error,
      provider: {
        statements: provStatements,
        statementsSource: statementsForm === 'none' ? null : statementsForm,
        inheritable,
        managedPolicies: provManaged,
        tracing: provTracing,
        kms: provKms,
        vpc: provVpc,
        boundary: provBoundary,
        path: provPath,
        externalRole: providerArnRole ? externalProviderRole : null,
        bulk,
      },
      vpcPolicy: VPC_POLICY,
      functions: expected,
    },
  };
}

const FUNCTION_IAM_KEYS = ['iam', 'iamRoleStatements', 'iamRoleStatementsInherit', 'iamRoleStatementsName', 'iamPermissionsBoundary'];

/**
 * The service for the framework alone: no plugin, no key only the plugin knows (osls refuses
 * them): per-function IAM keys, the plugin's custom sections and provider.iam.role.mode.
 */
function bareConfig(config) {
  const bare = JSON.parse(JSON.stringify(config));
  delete bare.plugins;
  for (const fn of Object.values(bare.functions)) for (const key of FUNCTION_IAM_KEYS) delete fn[key];
  if (bare.custom) {
    delete bare.custom['serverless-iam-roles-per-function'];
    delete bare.custom.iamSynth;
    if (!Object.keys(bare.custom).length) delete bare.custom;
  }
  const iam = bare.provider.iam;
  if (iam && iam.role && typeof iam.role === 'object') {
    delete iam.role.mode;
    if (!Object.keys(iam.role).length) delete iam.role;
    if (!Object.keys(iam).length) delete bare.provider.iam;
  }
  return bare;
}

module.exports = { generate, mulberry32, toYaml, normalize, bareConfig, VPC_POLICY, SHARED };
