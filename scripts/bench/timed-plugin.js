'use strict';

// A benchmark-only wrapper plugin: loads the plugin named by IAM_BENCH_PLUGIN from the service's
// node_modules, runs its hooks unchanged, and adds up the time each hook takes into IAM_BENCH_OUT
// (JSON). With IAM_BENCH_CAPTURE set to a directory it also saves, for the isolated runs, exactly what
// the wrapped plugin saw: the resolved configuration at its first hook and the compiled template
// before each hook that reads it.

const fs = require('fs');
const path = require('path');

const CONFIG_KEYS = ['service', 'provider', 'functions', 'custom', 'resources'];

function configSnapshot(serverless, provider) {
  const service = {};
  for (const key of CONFIG_KEYS) {
    const value = key === 'service' ? serverless.service.service : serverless.service[key];
    if (value !== undefined) service[key] = value;
  }
  const text = JSON.stringify(service, (key, value) => (key === 'compiledCloudFormationTemplate' ? undefined : value));
  return { stage: provider.getStage(), region: provider.getRegion(), service: JSON.parse(text) };
}

class TimedPlugin {
  constructor(serverless, options, utils) {
    const name = process.env.IAM_BENCH_PLUGIN;
    const Inner = require(require.resolve(name, { paths: [process.cwd()] }));
    const inner = new Inner(serverless, options, utils);
    const out = process.env.IAM_BENCH_OUT;
    const capture = process.env.IAM_BENCH_CAPTURE;
    const record = { plugin: name, hooks: {} };
    this.commands = inner.commands;
    this.hooks = {};
    let first = true;
    for (const [event, hook] of Object.entries(inner.hooks || {})) {
      this.hooks[event] = async (...args) => {
        if (capture) {
          const provider = serverless.getProvider('aws');
          if (first) fs.writeFileSync(path.join(capture, 'config.json'), JSON.stringify(configSnapshot(serverless, provider)));
          const template = serverless.service.provider.compiledCloudFormationTemplate;
          if (template) {
            fs.writeFileSync(path.join(capture, `template-${event.replace(/:/g, '_')}.json`), JSON.stringify(template));
          }
        }
        first = false;
        const start = process.hrtime.bigint();
        try {
          return await hook(...args);
        } finally {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          record.hooks[event] = (record.hooks[event] || 0) + ms;
          if (out) fs.writeFileSync(out, JSON.stringify(record));
        }
      };
    }
  }
}

module.exports = TimedPlugin;
