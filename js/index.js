'use strict';

const engine = require('./addon');
const { project } = require('./project');
const { applyPlan, reconcileRequest, applyReconciled } = require('./apply');
const schema = require('./schema');

const NAME = 'serverless-iam-synth';

function consoleLog() {
  const write = (level) => (...args) => console.error(`${NAME} ${level}:`, ...args);
  return { warning: write('warning'), notice: write('notice'), info: write('info'), verbose: () => {}, debug: () => {} };
}

class ServerlessIamSynth {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = (utils && utils.log) || consoleLog();
    schema.register(serverless);
    this.hooks = {};
    if (!serverless.service.provider || serverless.service.provider.name !== 'aws') return;
    this.provider = serverless.getProvider('aws');
    this.hooks = {
      // Before anything is built: a configuration that cannot deploy fails here, with our message.
      'before:package:initialize': () => this.validate(),
      // Before the framework compiles functions: it rewrites `vpc` and other settings in place.
      'before:package:compileFunctions': () => this.synthesize(),
      'package:compileFunctions': () => this.applyPlan(),
      'after:package:compileEvents': () => this.reconcile(),
    };
  }

  get resources() {
    return this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
  }

  rethrow(error) {
    if (error instanceof engine.EngineError || error.code === 'IAM_SYNTH_NO_BINARY') {
      throw new this.serverless.classes.Error(error.message, error.code);
    }
    throw error;
  }

  warn(diagnostics) {
    for (const d of diagnostics) this.log.warning(`${NAME}: ${d.message} [${d.code}]. ${d.hint}`);
  }

  run(input) {
    try {
      return engine.synthesize(input);
    } catch (error) {
      return this.rethrow(error);
    }
  }

  validate() {
    const input = project(this.serverless, this.provider);
    this.validated = { input, plan: this.run(input) };
  }

  synthesize() {
    const input = project(this.serverless, this.provider);
    // Unless something changed the service since validation (another plugin adding functions), the
    // plan made then stands.
    const validated = this.validated && this.validated.input === input ? this.validated.plan : null;
    this.validated = null;
    this.plan = validated || this.run(input);
    this.warn(this.plan.warnings);
  }

  applyPlan() {
    applyPlan(this.resources, this.plan);
  }

  reconcile() {
    let reconciled;
    try {
      reconciled = engine.reconcile(reconcileRequest(this.resources, this.plan));
    } catch (error) {
      this.rethrow(error);
    }
    applyReconciled(this.resources, this.plan, reconciled);
    this.warn(reconciled.warnings);
    const roles = Object.keys(this.plan.roles).length;
    this.log.verbose(`${NAME}: ${roles} role(s) synthesized`);
  }
}

module.exports = ServerlessIamSynth;
