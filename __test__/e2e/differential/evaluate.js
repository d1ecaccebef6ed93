'use strict';

// A small IAM evaluator over CloudFormation templates, for the differential test.
//
// It answers "would this role allow action A on resource R?" for concrete requests, the way IAM
// evaluates an identity policy: a request is allowed when some Allow statement matches it and no
// Deny statement does (an explicit Deny always wins; no match at all is an implicit deny).
// Conditions are assumed to hold (the generator writes none); a statement with a Condition is
// therefore counted as matching, which makes "must be denied" checks stricter, never looser.
//
// ARNs in templates are often intrinsics. They are resolved to strings with fixed values for the
// pseudo parameters, and `Ref` / `Fn::GetAtt` of a template resource become recognisable ARNs that
// keep the logical id (so that a tag in a logical id still attributes the grant):
//   { Ref: X }               -> arn:aws:ref:us-east-1:123456789012:X
//   { Fn::GetAtt: [X, Attr] } -> arn:aws:getatt:us-east-1:123456789012:X.Attr
// The same mapping is applied to both templates of a pair, so the comparison is fair.

const PSEUDO = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'stack',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:123456789012:stack/stack/id',
  'AWS::NoValue': '',
};

const refArn = (id) => `arn:aws:ref:us-east-1:123456789012:${id}`;
const getAttArn = (id, attr) => `arn:aws:getatt:us-east-1:123456789012:${id}.${attr}`;

/** `${Name}` / `${Name.Attr}` inside a Fn::Sub string; `${!Literal}` stays `${Literal}`. */
function substitute(text, vars) {
  return text.replace(/\$\{([^}]*)\}/g, (whole, name) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (Object.prototype.hasOwnProperty.call(vars, name)) return resolve(vars[name]);
    if (PSEUDO[name] !== undefined) return PSEUDO[name];
    const dot = name.indexOf('.');
    return dot > 0 ? getAttArn(name.slice(0, dot), name.slice(dot + 1)) : refArn(name);
  });
}

/**
 * Resolves a CloudFormation value to a string. Values it cannot reduce (Fn::If, Fn::Select of
 * something unknown…) become `unresolved:<json>`, which matches only a `*` pattern.
 */
function resolve(value) {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `unresolved:${JSON.stringify(value)}`;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = value[key];
    if (key === 'Ref') return PSEUDO[arg] !== undefined ? PSEUDO[arg] : refArn(arg);
    if (key === 'Fn::GetAtt') {
      const [id, ...attr] = Array.isArray(arg) ? arg : String(arg).split('.');
      return getAttArn(id, attr.join('.'));
    }
    if (key === 'Fn::Sub') return Array.isArray(arg) ? substitute(arg[0], arg[1] || {}) : substitute(arg, {});
    if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1])) return arg[1].map(resolve).join(arg[0]);
    if (key === 'Fn::ImportValue') return `arn:aws:import:us-east-1:123456789012:${resolve(arg)}`;
    if (key === 'Fn::Select' && Array.isArray(arg) && Array.isArray(arg[1])) return resolve(arg[1][Number(arg[0])]);
  }
  return `unresolved:${JSON.stringify(value)}`;
}

const asList = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const regExps = new Map();

/** An IAM glob (`*` any run of characters, `?` one character) as an anchored regular expression. */
function globRegExp(pattern, caseInsensitive) {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = regExps.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
    regExps.set(key, re);
  }
  return re;
}

/** Actions compare case-insensitively (IAM does); resources (ARNs) case-sensitively. */
const actionMatches = (pattern, action) => globRegExp(pattern, true).test(action);
const resourceMatches = (pattern, resource) => globRegExp(pattern, false).test(resource);

const normalized = new WeakMap();

/**
 * A statement with its Action/NotAction/Resource/NotResource as lists of resolved strings
 * (remembered per statement object: templates are not changed while they are evaluated).
 */
function normalizeStatement(statement) {
  if (statement && typeof statement === 'object' && normalized.has(statement)) return normalized.get(statement);
  const out = { Effect: statement.Effect, Condition: statement.Condition };
  for (const key of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (statement[key] !== undefined) out[key] = asList(statement[key]).map(resolve);
  }
  if (statement && typeof statement === 'object') normalized.set(statement, out);
  return out;
}

/** Does the (normalized) statement apply to the request, whatever its effect? */
function statementMatches(s, action, resource) {
  const actionOk = s.Action
    ? s.Action.some((p) => actionMatches(p, action))
    : Boolean(s.NotAction) && !s.NotAction.some((p) => actionMatches(p, action));
  if (!actionOk) return false;
  return s.Resource
    ? s.Resource.some((p) => resourceMatches(p, resource))
    : Boolean(s.NotResource) && !s.NotResource.some((p) => resourceMatches(p, resource));
}

/**
 * 'allow', 'deny' (an explicit Deny matched) or 'implicit' (nothing matched) for one request
 * against a list of raw statements.
 */
function decide(statements, action, resource) {
  let allowed = false;
  for (const raw of statements) {
    const s = normalizeStatement(raw);
    if (!statementMatches(s, action, resource)) continue;
    if (s.Effect === 'Deny') return 'deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit';
}

const isAllowed = (statements, action, resource) => decide(statements, action, resource) === 'allow';

/** `{Ref: id}`, `id` or `{Fn::GetAtt: [id, …]}` naming the role `id`? */
function namesResource(value, id) {
  if (value === id) return true;
  if (value && typeof value === 'object') {
    if (value.Ref === id) return true;
    const att = value['Fn::GetAtt'];
    if (att) return (Array.isArray(att) ? att[0] : String(att).split('.')[0]) === id;
  }
  return false;
}

/** Policy documents' statements (a document may hold one statement object rather than a list). */
const documentStatements = (doc) => (doc ? asList(doc.Statement) : []);

/**
 * Everything the role `roleId` of `template` grants: `statements` from its inline policies and
 * from the AWS::IAM::ManagedPolicy / AWS::IAM::Policy resources that name it in `Roles` (their ids
 * in `policyResources`), the resolved `managedPolicyArns` of its `ManagedPolicyArns`, and the
 * `trust` principals. Returns null when the template has no such IAM role.
 */
function roleGrants(template, roleId) {
  const resources = (template && template.Resources) || {};
  const role = resources[roleId];
  if (!role || role.Type !== 'AWS::IAM::Role') return null;
  const props = role.Properties || {};
  const statements = [];
  for (const policy of asList(props.Policies)) statements.push(...documentStatements(policy && policy.PolicyDocument));
  const managedPolicyArns = asList(props.ManagedPolicyArns).map(resolve);
  const policyResources = [];
  for (const [id, res] of Object.entries(resources)) {
    if (res.Type !== 'AWS::IAM::ManagedPolicy' && res.Type !== 'AWS::IAM::Policy') continue;
    const p = res.Properties || {};
    if (!asList(p.Roles).some((r) => namesResource(r, roleId))) continue;
    statements.push(...documentStatements(p.PolicyDocument));
    policyResources.push(id);
  }
  return { role, statements, managedPolicyArns, policyResources, trust: trustPrincipals(role) };
}

/** The service principals (and any other principals, as strings) the role's trust policy allows. */
function trustPrincipals(role) {
  const doc = role && role.Properties && role.Properties.AssumeRolePolicyDocument;
  const out = [];
  for (const s of documentStatements(doc)) {
    if (s.Effect !== 'Allow' || !s.Principal) continue;
    const principal = typeof s.Principal === 'string' ? { AWS: s.Principal } : s.Principal;
    for (const [kind, values] of Object.entries(principal)) {
      for (const v of asList(values)) out.push(kind === 'Service' ? resolve(v) : `${kind}:${resolve(v)}`);
    }
  }
  return [...new Set(out)];
}

/** A concrete request standing for a pattern: every `*` and `?` replaced by `s`. */
const concretize = (pattern) => pattern.replace(/[*?]/g, 's');

module.exports = {
  PSEUDO,
  resolve,
  asList,
  actionMatches,
  resourceMatches,
  normalizeStatement,
  statementMatches,
  decide,
  isAllowed,
  roleGrants,
  trustPrincipals,
  concretize,
  namesResource,
};
