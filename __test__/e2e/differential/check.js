'use strict';

// The differential checker: given the template the framework alone compiles ("bare") and the one
// it compiles with this plugin, plus the generator's `expect`, lists every problem found, per
// function:
//
//   lost    - something the framework grants because of a function (or a provider statement the
//             function inherits, or one of its own statements) that the role it runs under with
//             the plugin does not allow;
//   leaked  - a dedicated role that allows what belongs to another function (or provider
//             statements it must not inherit), trusts more than its function needs, or has managed
//             policies it should not; the shared role holding what belongs to functions that do not
//             run under it (iam-behaviour.md §6.3);
//   wiring  - a Lambda not pointing at the role it must run under, an event source mapping not
//             depending on that role, a scheduler schedule not using it, a DependsOn naming a
//             resource missing from the template.
//
// How grants are attributed (see generate.js): each statement of the bare template's shared role
// is cut into (action, resource) samples, wildcards made concrete (`*` and `?` → `s`); a sample
// belongs to the function whose tag its resource contains, to the provider when it contains `prov`,
// to the functions using the provider's KMS key when it contains `pkms`, to a function when it is
// that function's own Lambda ARN (a scheduler's invoke permission), and, for the few permissions
// with no resource of their own (X-Ray, API Gateway's @connections), to the functions whose
// `expect` says they trace or have a websocket event. Log groups are sampled apart: each
// function's group is read from its bare Lambda. A grant of the bare shared role that cannot be
// attributed is itself reported, so that the generator never silently escapes the checker.

const { resolve, asList, isAllowed, decide, roleGrants, concretize, normalizeStatement, statementMatches } = require('./evaluate');

const SHARED = 'IamRoleLambdaExecution';
const LAMBDA = 'lambda.amazonaws.com';
const SCHEDULER = 'scheduler.amazonaws.com';
const EDGE = 'edgelambda.amazonaws.com';
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

const keyOf = (s) => `${s.action} on ${s.resource}`;

/** Permissions with no resource of their own (iam-behaviour.md §4), by the feature that brings them. */
const UNSCOPED = {
  tracing: { action: 'xray:PutTraceSegments', resource: 's', why: 'X-Ray tracing' },
  websocket: { action: 'execute-api:ManageConnections', resource: 'arn:aws:execute-api:s:s:s/@connections/s', why: 'a websocket event' },
  ec2: { action: 'ec2:CreateNetworkInterface', resource: 's', why: 'an MQ, MSK or Kafka-in-a-VPC event' },
  edge: { action: 'logs:CreateLogGroup', resource: 'arn:aws:logs:s:s:s', why: 'a cloudFront event' },
};

/** The trust principals a role needs beyond lambda.amazonaws.com, by feature (§4). */
const PRINCIPALS = { scheduler: SCHEDULER, edge: EDGE };

/** An ordered set of samples ({action, resource, why}), keyed by action and resource. */
class Samples {
  constructor() {
    this.map = new Map();
  }
  add(action, resource, why) {
    const s = { action, resource, why };
    if (!this.map.has(keyOf(s))) this.map.set(keyOf(s), s);
  }
  addAll(other) {
    for (const s of other) if (!this.map.has(keyOf(s))) this.map.set(keyOf(s), s);
  }
  has(s) {
    return this.map.has(keyOf(s));
  }
  [Symbol.iterator]() {
    return this.map.values();
  }
}

const isLogGroupArn = (r) => r.includes(':logs:') && r.includes(':log-group:');

/** The logical id a Lambda's `Role` points at in the template, or null (an ARN string, an import…). */
function roleLogicalIdOf(roleValue) {
  if (roleValue && typeof roleValue === 'object' && roleValue['Fn::GetAtt']) {
    const att = roleValue['Fn::GetAtt'];
    return Array.isArray(att) ? att[0] : String(att).split('.')[0];
  }
  return null;
}

/** The resource ids of `template` whose FunctionName / Target.Arn is `{Fn::GetAtt: [lambdaId, Arn]}`. */
function resourcesOfFunction(template, type, lambdaId, pick) {
  return Object.entries(template.Resources || {}).filter(([, r]) => {
    if (r.Type !== type) return false;
    const target = pick(r.Properties || {});
    return roleLogicalIdOf(target) === lambdaId || (target && target.Ref === lambdaId);
  });
}

/** A sample for an action pattern that is written as NotAction: an action of the same service it does not name. */
function actionOutside(notActions) {
  const service = String(notActions[0]).split(':')[0];
  return `${service}:DifferentialSampleAction`;
}

/**
 * Samples of a list of statements: the Allow ones as grants (kept only when the list as a whole
 * allows them, so that a Deny of the same list is respected) and the Deny ones as denials.
 */
function samplesOfStatements(statements, why) {
  const allows = new Samples();
  const denies = new Samples();
  for (const raw of statements) {
    const s = normalizeStatement(raw);
    const resources = s.Resource || [];
    if (s.Effect === 'Allow') {
      for (const a of s.Action || []) {
        for (const r of resources) {
          const sample = { action: concretize(a), resource: concretize(r) };
          if (isAllowed(statements, sample.action, sample.resource)) allows.add(sample.action, sample.resource, why);
        }
      }
    } else if (s.Effect === 'Deny') {
      const actions = s.Action ? s.Action.map(concretize) : [actionOutside(s.NotAction)];
      for (const a of actions) for (const r of resources) if (statementMatches(s, a, concretize(r))) denies.add(a, concretize(r), why);
    }
  }
  return { allows, denies };
}

function check(bare, plugin, expect) {
  const problems = [];
  // how many requests were evaluated, for the run's summary (not enumerable: the result stays a plain list)
  const stats = { allowed: 0, denied: 0, leaks: 0 };
  Object.defineProperty(problems, 'stats', { value: stats, enumerable: false });
  if (!bare || !bare.Resources) return ['the framework alone produced no template'];
  if (!plugin || !plugin.Resources) return ['the plugin run produced no template'];
  const fnKeys = Object.keys(expect.functions);
  const fx = expect.functions;

  // ---- 1. samples from the framework's shared role -------------------------------------------
  const bareShared = roleGrants(bare, SHARED);
  const byFunction = Object.fromEntries(fnKeys.map((k) => [k, new Samples()]));
  // What each function is entitled to, as statements: the bare shared role's statements cut down
  // to that function's resources (so that a wildcard the framework grants it, such as the
  // cloudFront logs on every group, stays a wildcard), then its log group and own statements.
  // A sample of another function is a leak only when the role allows it beyond this.
  const entitled = Object.fromEntries(fnKeys.map((k) => [k, []]));
  const providerEntitled = [];
  const provider = new Samples();
  const providerDenies = new Samples();
  const bareLambda = {};
  for (const k of fnKeys) {
    bareLambda[k] = bare.Resources[`${fx[k].normalized}LambdaFunction`];
    if (!bareLambda[k]) problems.push(`${k}: the framework alone compiled no ${fx[k].normalized}LambdaFunction (generator bug?)`);
  }
  const lambdaName = (k) => (bareLambda[k] ? resolve(bareLambda[k].Properties.FunctionName) : fx[k].name);
  const lambdaArn = (k) => `arn:aws:lambda:us-east-1:123456789012:function:${lambdaName(k)}`;

  /** Who a resource (resolved) of the bare shared role belongs to: a list of fnKeys or 'provider'. */
  function owners(resource, actions) {
    const lower = resource.toLowerCase();
    const tagged = fnKeys.filter((k) => lower.includes(fx[k].tag));
    if (tagged.length) return tagged;
    if (lower.includes('prov')) return 'provider';
    if (lower.includes('pkms')) return fnKeys.filter((k) => fx[k].kms === 'provider');
    // a function's own ARN: its scheduler's invoke permission, or the destination of others
    for (const target of fnKeys) {
      if (resource === lambdaArn(target)) {
        const senders = fnKeys.filter((k) => (fx[k].destinationTargets || []).includes(target));
        return [...(fx[target].scheduler ? [target] : []), ...senders];
      }
      if (resource === `${lambdaArn(target)}:*`) return fx[target].scheduler ? [target] : [];
    }
    const actionsLower = actions.map((a) => a.toLowerCase());
    if (resource === '*' && actionsLower.every((a) => a.startsWith('xray:'))) return fnKeys.filter((k) => fx[k].tracing);
    if (resource === '*' && actionsLower.every((a) => a.startsWith('ec2:'))) return fnKeys.filter((k) => fx[k].ec2);
    if (actionsLower.every((a) => a === 'execute-api:manageconnections')) return fnKeys.filter((k) => fx[k].websocket);
    if (resource === 'arn:aws:logs:*:*:*') return fnKeys.filter((k) => fx[k].edge);
    return null;
  }

  if (bareShared) {
    bareShared.statements.forEach((raw, index) => {
      const s = normalizeStatement(raw);
      const where = `statement #${index} of the framework's shared role`;
      if (!s.Action || !s.Resource) {
        problems.push(`checker: cannot attribute ${where} (NotAction/NotResource): ${JSON.stringify(raw)}`);
        return;
      }
      for (const r of s.Resource) {
        if (isLogGroupArn(r)) continue; // log groups are sampled per function below
        const who = owners(r, s.Action);
        if (who === null || (Array.isArray(who) && !who.length)) {
          problems.push(`checker: cannot attribute ${r} (${s.Action.join(', ')}) of ${where}`);
          continue;
        }
        if (s.Effect === 'Allow') {
          const cut = { Effect: 'Allow', Action: s.Action, Resource: [r] };
          if (who === 'provider') providerEntitled.push(cut);
          else for (const k of who) entitled[k].push(cut);
        }
        for (const a of s.Action) {
          const sample = { action: concretize(a), resource: concretize(r) };
          if (s.Effect === 'Deny') {
            if (who === 'provider') providerDenies.add(sample.action, sample.resource, where);
            continue;
          }
          // a Deny of the same role (a provider Deny inside a provider Allow) keeps it out
          if (!isAllowed(bareShared.statements, sample.action, sample.resource)) continue;
          if (who === 'provider') provider.add(sample.action, sample.resource, where);
          else for (const k of who) byFunction[k].add(sample.action, sample.resource, where);
        }
      }
    });
  } else if (fnKeys.some((k) => !fx[k].role.value)) {
    // (with a `role` on every function the framework makes no shared role, §3.1)
    problems.push('the framework alone compiled no shared role (generator bug?)');
  }

  // Log groups: the bare Lambda's LoggingConfig.LogGroup, else /aws/lambda/<FunctionName>, judged
  // by the framework's log statements only (those naming log groups, and their Deny): another
  // function's cloudFront statement (logs on every group) must not make this one's group count.
  const bareLogStatements = bareShared
    ? bareShared.statements.filter((raw) => {
        const s = normalizeStatement(raw);
        return (s.Resource || []).length > 0 && s.Resource.every(isLogGroupArn);
      })
    : [];
  const logSamples = {};
  const logDenies = {};
  const logAll = {};
  for (const k of fnKeys) {
    logSamples[k] = new Samples();
    logDenies[k] = new Samples();
    const lc = bareLambda[k] && bareLambda[k].Properties.LoggingConfig;
    const group = lc && lc.LogGroup ? resolve(lc.LogGroup) : `/aws/lambda/${lambdaName(k)}`;
    const resource = `arn:aws:logs:us-east-1:123456789012:log-group:${group}:log-stream:s`;
    for (const action of LOG_ACTIONS) {
      const allowedBare = isAllowed(bareLogStatements, action, resource);
      if (allowedBare && !fx[k].disableLogs) logSamples[k].add(action, resource, `log group ${group}`);
    }
    entitled[k].push({ Effect: 'Allow', Action: [...logSamples[k]].map((x) => x.action), Resource: [resource] });
    // disableLogs: where the framework's role as a whole does not let the function write its group
    // (another function's cloudFront event grants logs on every group), neither may the plugin's
    if (fx[k].disableLogs && !isAllowed(bareShared ? bareShared.statements : [], 'logs:PutLogEvents', resource)) {
      logDenies[k].add('logs:PutLogEvents', resource, `disableLogs (log group ${group})`);
    }
    // for the leak checks: no other function's role may write here, whatever this one does
    logAll[k] = LOG_ACTIONS.map((action) => ({ action, resource, why: `log group ${group}` }));
  }

  // Own statements (only a dedicated role gets them) and their denials.
  const own = {};
  for (const k of fnKeys) {
    const statements = fx[k].role.kind === 'dedicated' ? fx[k].statements : [];
    own[k] = samplesOfStatements(statements, 'own statement');
    entitled[k].push(...statements.filter((st) => st.Effect === 'Allow'));
  }
  /** Statements standing for everything function k may be allowed (provider ones if it inherits them). */
  const entitlement = (k) => {
    const { kind } = fx[k].role;
    return kind === 'shared' || (kind === 'dedicated' && fx[k].inherit) ? [...entitled[k], ...providerEntitled] : entitled[k];
  };

  /** Everything function k must be allowed, on the role it runs under with the plugin. */
  function expectedAllows(k) {
    const out = new Samples();
    out.addAll(byFunction[k]);
    out.addAll(logSamples[k]);
    const { kind } = fx[k].role;
    // provider statements: always on the shared role; on a dedicated role when it inherits (§5.3)
    if (kind === 'shared' || (kind === 'dedicated' && fx[k].inherit)) out.addAll(provider);
    out.addAll(own[k].allows);
    return out;
  }
  function expectedDenies(k) {
    const out = new Samples();
    out.addAll(logDenies[k]);
    out.addAll(providerDenies);
    out.addAll(own[k].denies);
    return out;
  }
  /** What belongs to function k and may not appear on another function's dedicated role. */
  function belongings(k) {
    const out = new Samples();
    out.addAll(byFunction[k]);
    out.addAll(logAll[k]);
    out.addAll(own[k].allows);
    return out;
  }
  function expectedManaged(k) {
    const f = fx[k];
    const list = [];
    if (f.role.kind === 'shared') list.push(...expect.provider.managedPolicies);
    if (f.role.kind === 'dedicated') {
      list.push(...f.managedPolicies);
      if (expect.mode === 'perFunction') list.push(...expect.provider.managedPolicies); // §5.3
    }
    if (f.vpc && (f.role.kind === 'shared' || f.role.kind === 'dedicated')) list.push(expect.vpcPolicy);
    return list;
  }

  // ---- 2. per function --------------------------------------------------------------------
  const ids = new Set(Object.keys(plugin.Resources));
  const onShared = fnKeys.filter((k) => fx[k].role.kind === 'shared');

  for (const k of fnKeys) {
    const f = fx[k];
    const lambdaId = `${f.normalized}LambdaFunction`;
    const lambda = plugin.Resources[lambdaId];
    if (!lambda) {
      problems.push(`${k}: no ${lambdaId} in the plugin's template`);
      continue;
    }
    const roleValue = lambda.Properties.Role;

    // wiring: the Lambda runs under the role it must
    if (f.role.kind === 'arn') {
      if (JSON.stringify(roleValue) !== JSON.stringify(f.role.value)) problems.push(`${k}: wiring: Role is ${JSON.stringify(roleValue)}, expected the ARN ${f.role.value}`);
    } else if (roleLogicalIdOf(roleValue) !== f.role.logicalId) {
      problems.push(`${k}: wiring: Role is ${JSON.stringify(roleValue)}, expected Fn::GetAtt ${f.role.logicalId}.Arn (${f.role.kind} role)`);
    }
    const roleId = roleLogicalIdOf(roleValue);
    if (f.role.kind === 'dedicated') {
      const deps = asList(lambda.DependsOn);
      if (deps[0] !== f.role.logicalId) problems.push(`${k}: wiring: ${lambdaId}.DependsOn ${JSON.stringify(deps)} does not start with its dedicated role ${f.role.logicalId} (§2)`);
    }

    // wiring: event source mappings depend on the in-stack role; schedules run with it
    for (const [id, esm] of resourcesOfFunction(plugin, 'AWS::Lambda::EventSourceMapping', lambdaId, (p) => p.FunctionName)) {
      if (roleId && !asList(esm.DependsOn).includes(roleId)) {
        problems.push(`${k}: wiring: event source mapping ${id} does not depend on its function's role ${roleId} (DependsOn ${JSON.stringify(esm.DependsOn)})`);
      }
    }
    for (const [id, sch] of resourcesOfFunction(plugin, 'AWS::Scheduler::Schedule', lambdaId, (p) => p.Target && p.Target.Arn)) {
      const roleArn = sch.Properties.Target.RoleArn;
      if (JSON.stringify(roleArn) !== JSON.stringify(roleValue)) {
        problems.push(`${k}: wiring: schedule ${id} has Target.RoleArn ${JSON.stringify(roleArn)}, not the function's role ${JSON.stringify(roleValue)}`);
      }
    }

    // the framework's own DependsOn (log group, the user's dependsOn, a custom role) survive
    if (bareLambda[k]) {
      const deps = asList(lambda.DependsOn);
      for (const dep of asList(bareLambda[k].DependsOn)) {
        if (dep !== SHARED && !deps.includes(dep)) problems.push(`${k}: wiring: ${lambdaId} no longer depends on ${dep} (the framework alone has it)`);
      }
    }

    // An ARN role is outside the stack: nothing to evaluate. A custom role (a logical id of the
    // user's resources) is the user's: the framework puts the function's event permissions on the
    // shared role, which that function does not run under, so nothing of it is expected anywhere;
    // §6.3 says the plugin leaves them off the shared role (checked below).
    if (f.role.kind === 'arn' || f.role.kind === 'custom') continue;

    const grants = roleGrants(plugin, roleId);
    if (!grants) {
      problems.push(`${k}: the role ${roleId} its Lambda points at is not an AWS::IAM::Role of the plugin's template`);
      continue;
    }
    const label = `${k} (${f.tag}, ${f.role.kind} role ${roleId})`;

    // policies split off the role (custom.iamSynth.policySize) must exist before the function and
    // its event source mappings use the role
    for (const policy of grants.policyResources) {
      if (!asList(lambda.DependsOn).includes(policy)) problems.push(`${label}: wiring: ${lambdaId} does not depend on ${policy}, a policy of its role`);
      for (const [id, esm] of resourcesOfFunction(plugin, 'AWS::Lambda::EventSourceMapping', lambdaId, (p) => p.FunctionName)) {
        if (!asList(esm.DependsOn).includes(policy)) problems.push(`${label}: wiring: event source mapping ${id} does not depend on ${policy}, a policy of its function's role`);
      }
    }
    // role settings (§3.2, §5.2, §5.3): permissions boundary and path
    const props = grants.role.Properties || {};
    const boundary = props.PermissionsBoundary === undefined ? null : resolve(props.PermissionsBoundary);
    if (boundary !== f.boundary) problems.push(`${label}: PermissionsBoundary is ${boundary}, expected ${f.boundary}`);
    if ((props.Path || '/') !== f.path) problems.push(`${label}: Path is ${props.Path}, expected ${f.path}`);

    // nothing lost
    for (const s of expectedAllows(k)) {
      stats.allowed += 1;
      const verdict = decide(grants.statements, s.action, s.resource);
      if (verdict !== 'allow') problems.push(`${label}: lost ${s.action} on ${s.resource} (${s.why}; ${verdict === 'deny' ? 'explicitly denied' : 'not granted'})`);
    }
    for (const s of expectedDenies(k)) {
      stats.denied += 1;
      if (isAllowed(grants.statements, s.action, s.resource)) problems.push(`${label}: lost a denial: ${s.action} on ${s.resource} is allowed (${s.why})`);
    }
    for (const m of expectedManaged(k)) {
      if (!grants.managedPolicyArns.includes(m)) problems.push(`${label}: lost managed policy ${m}`);
    }

    if (f.role.kind !== 'dedicated') continue;

    // legacy statements overridden by iam.role.statements (§5.2) must not be granted
    for (const s of samplesOfStatements(f.ignored || [], 'ignored legacy iamRoleStatements').allows) {
      stats.leaks += 1;
      if (isAllowed(grants.statements, s.action, s.resource)) problems.push(`${label}: leaked ${keyOf(s)} (from iamRoleStatements, which iam.role.statements overrides, §5.2)`);
    }

    // nothing leaked onto a dedicated role
    const mine = entitlement(k);
    const foreign = new Samples();
    for (const other of fnKeys) if (other !== k) foreign.addAll([...belongings(other)].map((s) => ({ ...s, why: `${s.why} of ${other}` })));
    if (!f.inherit) foreign.addAll([...provider].map((s) => ({ ...s, why: 'a provider statement it must not inherit' })));
    for (const s of foreign) {
      if (isAllowed(mine, s.action, s.resource)) continue;
      stats.leaks += 1;
      if (isAllowed(grants.statements, s.action, s.resource)) problems.push(`${label}: leaked ${s.action} on ${s.resource} (${s.why})`);
    }
    // features without a resource of their own, even when no other function has them
    for (const [feature, s] of Object.entries(UNSCOPED)) {
      if (!f[feature] && !foreign.has(s) && !isAllowed(mine, s.action, s.resource) && isAllowed(grants.statements, s.action, s.resource)) problems.push(`${label}: leaked ${keyOf(s)} (only ${s.why} brings it, and the function has none)`);
    }
    const managed = expectedManaged(k);
    for (const m of grants.managedPolicyArns) if (!managed.includes(m)) problems.push(`${label}: leaked managed policy ${m}`);
    // §6.4: lambda, plus scheduler / edgelambda only if this function has a `method: scheduler`
    // schedule / a cloudFront event
    const trust = new Set(grants.trust);
    const wanted = new Set([LAMBDA, ...Object.entries(PRINCIPALS).filter(([feature]) => f[feature]).map(([, p]) => p)]);
    for (const p of wanted) if (!trust.has(p)) problems.push(`${label}: lost trust principal ${p}`);
    for (const p of trust) if (!wanted.has(p)) problems.push(`${label}: leaked trust principal ${p} (§6.4)`);
  }

  // ---- 3. the shared role with the plugin --------------------------------------------------
  const pluginShared = roleGrants(plugin, SHARED);
  if (pluginShared) {
    // §6.3: what functions running under another role bring goes only to that role. (3.40.0 puts
    // it on the shared role too; the plugin deliberately does not.) Log groups are left out: the
    // shared role's `<service>-<stage>*` wildcard covers every canonically named function.
    const mine = [...providerEntitled, ...onShared.flatMap((k) => entitled[k])];
    for (const k of fnKeys.filter((x) => !onShared.includes(x))) {
      for (const s of [...byFunction[k], ...own[k].allows]) {
        if (!isAllowed(mine, s.action, s.resource) && isAllowed(pluginShared.statements, s.action, s.resource)) {
          problems.push(`shared role: leaked ${s.action} on ${s.resource} (${s.why} of ${k}, which runs under its ${fx[k].role.kind} role; §6.3)`);
        }
      }
    }
    for (const [feature, s] of Object.entries(UNSCOPED)) {
      if (!onShared.some((k) => fx[k][feature]) && isAllowed(pluginShared.statements, s.action, s.resource)) {
        problems.push(`shared role: leaked ${keyOf(s)} (no function under it has ${s.why}; §6.3)`);
      }
    }
    if (!onShared.some((k) => fx[k].vpc) && pluginShared.managedPolicyArns.includes(expect.vpcPolicy)) {
      problems.push('shared role: leaked the VPC managed policy (no function under it has a VPC; §6.3)');
    }
    const props = pluginShared.role.Properties || {};
    const boundary = props.PermissionsBoundary === undefined ? null : resolve(props.PermissionsBoundary);
    if (boundary !== (expect.provider.boundary || null)) problems.push(`shared role: PermissionsBoundary is ${boundary}, expected ${expect.provider.boundary || null}`);
    if ((props.Path || '/') !== (expect.provider.path || '/')) problems.push(`shared role: Path is ${props.Path}, expected ${expect.provider.path || '/'}`);
    const trust = new Set(pluginShared.trust);
    if (!trust.has(LAMBDA)) problems.push(`shared role: lost trust principal ${LAMBDA}`);
    for (const [feature, principal] of Object.entries(PRINCIPALS)) {
      const needed = onShared.some((k) => fx[k][feature]);
      if (needed && !trust.has(principal)) problems.push(`shared role: lost trust principal ${principal}`);
      if (!needed && trust.has(principal)) problems.push(`shared role: leaked trust principal ${principal} (no function under it needs it; §6.3)`);
    }
    for (const p of trust) if (p !== LAMBDA && !Object.values(PRINCIPALS).includes(p)) problems.push(`shared role: unexpected trust principal ${p}`);
  } else if (onShared.length) {
    problems.push(`no shared role in the plugin's template, but ${onShared.join(', ')} must run under it`);
  }

  // ---- 4. the template as a whole -------------------------------------------------------------
  for (const [id, res] of Object.entries(plugin.Resources)) {
    // no DependsOn names a missing resource
    for (const dep of asList(res.DependsOn)) if (!ids.has(dep)) problems.push(`wiring: ${id} depends on ${dep}, which is not in the template`);
    // IAM: a role name of at most 64 characters (§1, §7)
    if (res.Type === 'AWS::IAM::Role' && res.Properties && res.Properties.RoleName !== undefined) {
      const name = resolve(res.Properties.RoleName);
      if (name.length > 64) problems.push(`${id}: RoleName ${name} has ${name.length} characters, over IAM's 64`);
    }
  }
  // nothing but IAM roles disappears (ids that hash the template's content are left out)
  for (const [id, res] of Object.entries(bare.Resources)) {
    if (res.Type === 'AWS::IAM::Role' || /^ApiGatewayDeployment|LambdaVersion/.test(id)) continue;
    if (!ids.has(id)) problems.push(`${id} (${res.Type}) of the framework's template is missing with the plugin`);
  }
  return problems;
}

/**
 * For a service the plugin must reject (expect.error): the plugin run must fail with the error's
 * code and name the function or setting.
 */
function checkError(pluginRun, expect) {
  const output = `${pluginRun.stdout || ''}\n${pluginRun.stderr || ''}`;
  const problems = [];
  if (pluginRun.status === 0) return [`expected the plugin to fail with ${expect.error.code}, but packaging succeeded`];
  if (!output.includes(expect.error.code)) problems.push(`expected ${expect.error.code} in the output, got: ${output.trim().split('\n').slice(-6).join(' | ')}`);
  for (const m of expect.error.mentions) if (!output.includes(m)) problems.push(`the ${expect.error.code} message does not name ${m}`);
  return problems;
}

module.exports = { check, checkError, samplesOfStatements };
