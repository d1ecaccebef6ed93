'use strict';

// The projection: the IAM-relevant part of the resolved service as JSON text (never the live,
// circular service object). Only copies; every decision is the engine's.

// The keys to copy and the lists to measure are the engine's (`contract()` in src/model.rs).
const { contract } = require('./addon');

function pick(source, keys) {
  const out = {};
  if (!source || typeof source !== 'object') return out;
  for (const key of keys) {
    if (key in source && source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

const length = (v) => (Array.isArray(v) ? v.length : 0);

/** How long each provider IAM list is: taken when the plugin is constructed, before other plugins'
 * hooks append to them, so that the engine can tell what they added. */
function iamLengths(serverless) {
  const p = (serverless.service && serverless.service.provider) || {};
  const lengths = {};
  for (const list of contract().providerLists) {
    // `provider.iam.role.statements` → p.iam.role.statements, where each step is an object
    const value = list.split('.').slice(1).reduce((at, key) => (at && typeof at === 'object' ? at[key] : undefined), p);
    lengths[list] = length(value);
  }
  return lengths;
}

function project(serverless, provider, configured) {
  const service = serverless.service;
  const p = service.provider || {};
  const projected = {
    service: service.service,
    stage: provider.getStage(),
    region: provider.getRegion(),
    provider: pick(p, contract().providerKeys),
    functions: {},
    custom: pick(service.custom, contract().customKeys),
  };
  if (configured) projected.configured = configured;
  if (p.logs && p.logs.lambda) projected.provider.logs = { lambda: p.logs.lambda };
  if (p.apiGateway && p.apiGateway.websocketApiId) {
    projected.provider.apiGateway = { websocketApiId: p.apiGateway.websocketApiId };
  }
  if (p.kinesis) projected.provider.kinesis = pick(p.kinesis, ['consumerNamingMode']);
  if (service.resources && typeof service.resources === 'object') {
    projected.resources = pick(service.resources, ['Resources', 'Outputs']);
  }
  const { functionKeys } = contract();
  for (const [key, fn] of Object.entries(service.functions || {})) {
    projected.functions[key] = fn && typeof fn === 'object' ? pick(fn, functionKeys) : fn;
  }
  // As JSON text: a copy (the framework mutates the service while it compiles) and the engine's input.
  return JSON.stringify(projected);
}

/** The projection with what the plugin read of the compiled template (`{ logGroups }`), which the
 * engine trusts over the configuration. */
function withCompiled(projection, compiled) {
  return `${projection.slice(0, -1)},"compiled":${JSON.stringify(compiled)}}`;
}

module.exports = { project, withCompiled, iamLengths };
