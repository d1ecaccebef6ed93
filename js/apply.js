'use strict';

// Applying the engine's answers to the compiled template, by logical id only.

const { contract } = require('./addon');

/** @typedef {import('./contract').Plan} Plan */
/** @typedef {import('./contract').Reconciled} Reconciled */
/** @typedef {Record<string, import('./contract').CfnResource>} Resources */

/** @param {Resources} resources @param {Resources} roles @param {{ skip?: string }} [options] */
function putRoles(resources, roles, { skip } = {}) {
  for (const [id, role] of Object.entries(roles)) {
    if (id !== skip) resources[id] = role;
  }
}

/** @param {Resources} resources @param {string[]} ids */
function removeRoles(resources, ids) {
  for (const id of ids) delete resources[id];
}

/** At package:compileFunctions: function roles and dependencies; the shared role stays as the
 * framework made it until its event compilers have run.
 * @param {Resources} resources @param {Plan} plan */
function applyPlan(resources, plan) {
  removeRoles(resources, plan.removeRoles);
  putRoles(resources, plan.roles, { skip: contract().sharedRoleId });
  putRoles(resources, plan.managedPolicies || {});
  for (const fp of Object.values(plan.functions)) {
    const lambda = resources[fp.lambdaLogicalId];
    if (!lambda) continue;
    lambda.Properties.Role = fp.role;
    const { prepend } = fp.dependsOn;
    if (!prepend.length) continue;
    const kept = [].concat(lambda.DependsOn || []).filter((d) => !prepend.includes(d));
    const deps = [...prepend, ...kept];
    if (deps.length) lambda.DependsOn = deps;
    else delete lambda.DependsOn;
  }
}

/** A compiled Lambda's `LoggingConfig.LogGroup`, null for none. */
function compiledLogGroup(lambda) {
  const config = lambda && lambda.Properties && lambda.Properties.LoggingConfig;
  return config && config.LogGroup !== undefined ? config.LogGroup : null;
}

/** Whether a compiled Lambda may trace actively: `TracingConfig.Mode` other than PassThrough. */
function compiledTracing(lambda) {
  const config = lambda && lambda.Properties && lambda.Properties.TracingConfig;
  return Boolean(config && config.Mode !== undefined && config.Mode !== null && config.Mode !== 'PassThrough');
}

/** @type {Record<string, [keyof Plan, (lambda: import('./contract').CfnResource) => unknown]>} */
const FACTS = { logGroups: ['assumedLogGroups', compiledLogGroup], tracing: ['assumedTracing', compiledTracing] };

/** What the compiled Lambdas say where it differs from what the plan assumed: by kind (log
 * groups, tracing), every assumed function as compiled; null when the plan stands.
 * @param {Resources} resources @param {Plan} plan @returns {Record<string, Record<string, unknown>> | null} */
function compiledFacts(resources, plan) {
  let facts = null;
  for (const [kind, [field, read]] of Object.entries(FACTS)) {
    const assumed = plan[field] || {};
    const compiled = {};
    let differs = false;
    for (const [key, expected] of Object.entries(assumed)) {
      compiled[key] = read(resources[plan.functions[key].lambdaLogicalId]);
      if (JSON.stringify(compiled[key]) !== JSON.stringify(expected)) differs = true;
    }
    if (differs) facts = { ...(facts || {}), [kind]: compiled };
  }
  return facts;
}

const WIRED_TYPES = new Set(['AWS::Lambda::EventSourceMapping', 'AWS::Scheduler::Schedule']);

/** What the engine needs to see of the template after the event compilers.
 * @param {Resources} resources @param {Plan} plan @returns {import('./contract').ReconcileRequest} */
function reconcileRequest(resources, plan) {
  /** @type {Resources} */
  const wired = {};
  for (const [id, res] of Object.entries(resources)) {
    if (res && WIRED_TYPES.has(res.Type)) {
      const props = res.Properties || {};
      wired[id] = {
        Type: res.Type,
        DependsOn: res.DependsOn,
        Properties: { FunctionName: props.FunctionName, Target: props.Target },
      };
    }
  }
  // Of the plan, only what reconciliation reads: the planned shared role, not every role, and the
  // framework's version of it only when the template has a shared role to compare it with.
  const SHARED_ROLE = contract().sharedRoleId;
  const sharedPlanned = plan.roles[SHARED_ROLE];
  const sharedRole = resources[SHARED_ROLE] || null;
  const slim = {
    roles: sharedPlanned ? { [SHARED_ROLE]: sharedPlanned } : /** @type {Resources} */ ({}),
    removeRoles: plan.removeRoles,
    functions: plan.functions,
    frameworkSharedRole: sharedRole ? plan.frameworkSharedRole : null,
  };
  return { plan: slim, sharedRole, resources: wired };
}

/** At after:package:compileEvents: every role as planned, plus what reconciliation kept.
 * @param {Resources} resources @param {Plan} plan @param {Reconciled} reconciled */
function applyReconciled(resources, plan, reconciled) {
  putRoles(resources, plan.roles);
  putRoles(resources, plan.managedPolicies || {});
  putRoles(resources, reconciled.roles);
  removeRoles(resources, reconciled.removeRoles);
  for (const [id, patch] of Object.entries(reconciled.patches)) {
    const res = resources[id];
    if ('DependsOn' in patch) res.DependsOn = patch.DependsOn;
    if ('RoleArn' in patch) /** @type {any} */ (res.Properties.Target).RoleArn = patch.RoleArn;
  }
}

module.exports = { applyPlan, compiledFacts, reconcileRequest, applyReconciled };
