'use strict';

// `serverless iam` reports what `package` builds, and other plugins add to the service while packaging
// starts (serverless-plugin-warmup its warmers at after:package:initialize, serverless-appsync-plugin
// its embedded functions at before:package:initialize, serverless-plugin-lambda-insights its managed
// policy at before:package:setupProviderConfiguration). So the report first runs the other plugins'
// hooks of those two lifecycle events, in the framework's order. Not the framework's own hooks
// (cleanup deletes .serverless, the core template may ask S3 about the deployment bucket), not ours.
// `serverless iam` stays read-only: what those hooks write into the service directory is removed.

const fs = require('fs');
const path = require('path');

const EVENTS = ['package:initialize', 'package:setupProviderConfiguration'].flatMap((e) => [`before:${e}`, e, `after:${e}`]);

/** The hooks of the other external plugins, by function, with the plugin they belong to. */
function otherHooks(pluginManager, self) {
  const owners = new Map();
  for (const plugin of pluginManager.externalPlugins || []) {
    if (plugin === self || !plugin.hooks) continue;
    for (const hook of Object.values(plugin.hooks)) owners.set(hook, plugin);
  }
  return owners;
}

function entries(dir) {
  try {
    return new Set(fs.readdirSync(dir));
  } catch {
    return new Set();
  }
}

/**
 * Runs the other plugins' packaging-start hooks. A hook that fails (one that needs AWS credentials,
 * say) is reported through `warn(pluginName, event, error)`, that plugin's later hooks are skipped
 * and the others go on: the report then lacks only what that plugin adds.
 */
async function runPackagingStart(serverless, self, warn) {
  const { pluginManager } = serverless;
  const owners = otherHooks(pluginManager, self);
  const dir = serverless.serviceDir || (serverless.config && serverless.config.servicePath) || null;
  const before = dir ? entries(dir) : new Set();
  const failed = new Set();
  try {
    for (const event of EVENTS) {
      for (const { hook } of pluginManager.hooks[event] || []) {
        const plugin = owners.get(hook);
        if (!plugin || failed.has(plugin)) continue;
        try {
          await hook();
        } catch (error) {
          failed.add(plugin);
          warn(plugin.constructor.name, event, error);
        }
      }
    }
  } finally {
    if (dir) {
      for (const entry of entries(dir)) {
        if (!before.has(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
      }
    }
  }
}

module.exports = { runPackagingStart };
