'use strict';

// Turns a packaged template's roles (the plan) into what IAM should hold once the stack exists, in the
// shape deploy_check.py reads roles back in, so the two can be compared with one deep equality.
//
// Intrinsics are resolved from the deploy check's report, not from what moto put into the roles:
// - pseudo parameters: AWS::Partition = aws, AWS::Region = the stack's region (the service's
//   provider.region, us-east-1 by default), AWS::AccountId = moto's account 123456789012,
//   AWS::StackName, AWS::URLSuffix = amazonaws.com;
// - `Ref` of a created resource: its physical id from DescribeStackResources;
// - `Fn::GetAtt` (and `${Id.Attr}` in Fn::Sub) of a created resource: the attribute as the deploy
//   check read it back from the service (sqs GetQueueAttributes, dynamodb DescribeTable, ...);
// - a reference to a resource the deploy check removed: the placeholder ARN it put in its place
//   (report.placeholders);
// - `Fn::ImportValue`: the placeholder the deploy check exported under that name (report.exports);
// - Fn::Join, Fn::Sub (both forms), Fn::Select, Fn::Split. Anything else is an error.
//
// Documents are normalized the same way on both sides (normalizeDocument): a single Statement object
// becomes a one-element list; scalar Action, NotAction, Resource, NotResource, Principal values and
// Condition values become one-element lists. Order is kept everywhere: moto 5.2.5 stores documents
// as given, so statement, action and resource order must survive. Inline policies are compared
// sorted by name, managed policy ARNs as a sorted set, tags sorted by key (IAM does not promise an
// order for any of these lists).

const PSEUDO = (report) => ({
  'AWS::Partition': 'aws',
  'AWS::Region': report.region,
  'AWS::AccountId': report.accountId,
  'AWS::StackName': report.stackName,
  'AWS::URLSuffix': 'amazonaws.com',
});

const SUB_VAR = /\$\{(?!!)([^}]+)\}/g;

function refValue(report, id) {
  const pseudo = PSEUDO(report);
  if (id in pseudo) return pseudo[id];
  if (report.resources[id]) return report.resources[id].physicalId;
  if (report.placeholders[id]) return report.placeholders[id];
  throw new Error(`cannot resolve Ref ${id}: not created by the deploy check`);
}

function getAttValue(report, id, attr) {
  const created = report.resources[id];
  if (created && attr in created.attributes) return created.attributes[attr];
  const key = `${id}.${attr}`;
  if (report.placeholders[key]) return report.placeholders[key];
  throw new Error(`cannot resolve Fn::GetAtt ${key}: not read back by the deploy check`);
}

/** `value` with every intrinsic function resolved against the deploy check's report. */
function resolve(value, report) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, report));
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const [fn] = keys;
    const arg = value[fn];
    switch (fn) {
      case 'Ref':
        return refValue(report, arg);
      case 'Fn::GetAtt': {
        const [id, attr] = typeof arg === 'string' ? arg.split(/\.(.*)/s) : arg;
        return getAttValue(report, id, attr);
      }
      case 'Fn::Join':
        return resolve(arg[1], report).join(arg[0]);
      case 'Fn::Select':
        return resolve(arg[1], report)[Number(resolve(arg[0], report))];
      case 'Fn::Split':
        return resolve(arg[1], report).split(arg[0]);
      case 'Fn::ImportValue': {
        const name = resolve(arg, report);
        if (!(name in report.exports)) throw new Error(`cannot resolve Fn::ImportValue ${name}`);
        return report.exports[name];
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? [arg[0], resolve(arg[1], report)] : [arg, {}];
        return template
          .replace(SUB_VAR, (_, name) => {
            if (name in vars) return String(vars[name]);
            const dot = name.indexOf('.');
            return dot < 0 ? refValue(report, name) : getAttValue(report, name.slice(0, dot), name.slice(dot + 1));
          })
          .replace(/\$\{!/g, '${');
      }
      default:
        throw new Error(`unsupported intrinsic ${fn}: ${JSON.stringify(value)}`);
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, report)]));
}

const asList = (v) => (Array.isArray(v) ? v : [v]);

function normalizeStatement(statement) {
  const out = { ...statement };
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (key in out) out[key] = asList(out[key]);
  }
  for (const key of ['Principal', 'NotPrincipal']) {
    if (out[key] && typeof out[key] === 'object') {
      out[key] = Object.fromEntries(Object.entries(out[key]).map(([k, v]) => [k, asList(v)]));
    }
  }
  if (out.Condition) {
    out.Condition = Object.fromEntries(
      Object.entries(out.Condition).map(([op, body]) => [
        op,
        Object.fromEntries(Object.entries(body).map(([k, v]) => [k, asList(v)])),
      ]),
    );
  }
  return out;
}

/** The documented normalization, applied to the plan and to what was read back alike. */
function normalizeDocument(doc) {
  if (!doc || typeof doc !== 'object') return doc;
  return { ...doc, Statement: asList(doc.Statement).map(normalizeStatement) };
}

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byKey = (a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0);
const sortedSet = (list) => [...new Set(list)].sort();

/** A role as read back, in comparable form (names kept, lists in the documented order). */
function comparableActual(role) {
  return {
    name: role.physicalName,
    path: role.path,
    trust: normalizeDocument(role.trust),
    inline: role.inline.map((p) => ({ name: p.name, document: normalizeDocument(p.document) })).sort(byName),
    managed: sortedSet(role.managed),
    boundary: role.boundary || null,
    tags: [...role.tags].sort(byKey),
  };
}

/**
 * The plan for role `id` of `template`, resolved against `report`. A role without RoleName gets a
 * CloudFormation-generated name `<stack>-<logicalId>-<suffix>`; `name` is then the actual name when it
 * has that form, so that the deep equality reports anything else.
 */
function comparableExpected(template, id, report) {
  const props = template.Resources[id].Properties || {};
  const actualName = report.roles[id] && report.roles[id].physicalName;
  let name;
  if (props.RoleName !== undefined) name = resolve(props.RoleName, report);
  else {
    const generated = new RegExp(`^${escapeRe(report.stackName)}-${escapeRe(id)}-[A-Za-z0-9]+$`);
    name = actualName && generated.test(actualName) ? actualName : `${report.stackName}-${id}-<generated>`;
  }
  // Managed policies the template attaches from the policy's side (AWS::IAM::ManagedPolicy Roles).
  const attachedByPolicy = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && r.Properties && r.Properties.Roles)
    .filter(([, r]) => r.Properties.Roles.some((role) => JSON.stringify(role) === JSON.stringify({ Ref: id })))
    .map(([policyId]) => ({ Ref: policyId }));
  return {
    name,
    path: props.Path !== undefined ? resolve(props.Path, report) : '/',
    trust: normalizeDocument(resolve(props.AssumeRolePolicyDocument, report)),
    inline: (props.Policies || [])
      .map((p) => ({ name: resolve(p.PolicyName, report), document: normalizeDocument(resolve(p.PolicyDocument, report)) }))
      .sort(byName),
    managed: sortedSet(resolve([...(props.ManagedPolicyArns || []), ...attachedByPolicy], report)),
    boundary: props.PermissionsBoundary !== undefined ? resolve(props.PermissionsBoundary, report) : null,
    tags: resolve(props.Tags || [], report).sort(byKey),
  };
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

module.exports = { resolve, normalizeDocument, comparableActual, comparableExpected };
