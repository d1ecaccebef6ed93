'use strict';

const fs = require('fs');
const engine = require('./addon');
const { contract } = engine;
const { project, withCompiled, iamLengths } = require('./project');
const { applyPlan, compiledFacts, reconcileRequest, applyReconciled } = require('./apply');
const schema = require('./schema');
const state = require('./state');
const { runPackagingStart } = require('./lifecycle');

const NAME = 'serverless-iam-synth';

function consoleLog() {
  const write = (level) => (...args) => console.error(`${NAME} ${level}:`, ...args);
  return { error: write('error'), warning: write('warning'), notice: write('notice'), info: write('info'), verbose: () => {}, debug: () => {} };
}

const REPLACED = 'serverless-iam-roles-per-function';

/** The plugin names listed in serverless.yml (`plugins:` as a list or as `{ modules: [...] }`). */
function listedPlugins(service) {
  const plugins = service && service.plugins;
  if (Array.isArray(plugins)) return plugins;
  return plugins && Array.isArray(plugins.modules) ? plugins.modules : [];
}

class ServerlessIamSynth {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = (utils && utils.log) || consoleLog();
    // Both register the same function keys, and the framework's schema would fail on the second
    // with a message that names neither plugin: say what to do instead, whichever is listed first.
    if (listedPlugins(serverless.service).includes(REPLACED)) {
      throw new serverless.classes.Error(
        `${NAME} replaces ${REPLACED}, and both are listed under \`plugins:\`. Remove \`- ${REPLACED}\` from ` +
          `\`plugins:\` in serverless.yml and run \`npm uninstall ${REPLACED}\`: its keys (iamRoleStatements, ` +
          `iamRoleStatementsInherit, iamRoleStatementsName, iamPermissionsBoundary and ` +
          `custom.${REPLACED}) keep working with ${NAME}, with the same role logical ids [IAM_SYNTH_PLUGIN_CONFLICT]`,
        'IAM_SYNTH_PLUGIN_CONFLICT'
      );
    }
    schema.register(serverless);
    // without a loadable engine, the first hook says so (IAM_SYNTH_NO_BINARY) with the fix
    try {
      this.configured = iamLengths(serverless);
    } catch (error) {
      if (error.code !== 'IAM_SYNTH_NO_BINARY') throw error;
      this.configured = null;
    }
    // The state file in linear time (js/state.js); `custom.iamSynth.stateWriter: framework` opts out.
    state.install(serverless, () => {
      const custom = serverless.service && serverless.service.custom;
      return custom && custom.iamSynth && custom.iamSynth.stateWriter;
    });
    this.commands = {
      iam: {
        usage: 'Shows the IAM roles `package` builds: who can do what, with findings to review',
        lifecycleEvents: ['report'],
        options: {
          function: { usage: 'Only this function (its key in serverless.yml) and its role', shortcut: 'f', type: 'string' },
          json: { usage: 'Print the report as one JSON document on stdout', type: 'boolean' },
          output: { usage: 'Write the report to this file instead of stdout (a clean document whatever other plugins print)', shortcut: 'o', type: 'string' },
          strict: { usage: 'Exit with code 1 when there are findings', type: 'boolean' },
        },
      },
    };
    this.hooks = { 'iam:report': () => this.report() };
    if (!serverless.service.provider || serverless.service.provider.name !== 'aws') return;
    this.provider = serverless.getProvider('aws');
    Object.assign(this.hooks, {
      // Before anything is built: a configuration that cannot deploy fails here, with our message.
      'before:package:initialize': () => this.validate(),
      // Before the framework compiles functions: it rewrites `vpc` and other settings in place.
      'before:package:compileFunctions': () => this.synthesize(),
      'package:compileFunctions': () => this.applyPlan(),
      'after:package:compileEvents': () => this.reconcile(),
      // The template as it will be written: the user's resources merged, split-stacks done.
      'before:aws:package:finalize:saveServiceState': () => this.checkTemplate(),
    });
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

  /** Prints each warning once (a plan made again repeats those of the first). */
  warn(diagnostics) {
    this.printed = this.printed || new Set();
    for (const d of diagnostics) {
      const text = `${NAME}: ${d.message} [${d.code}]. ${d.hint}`;
      if (!this.printed.has(text)) this.log.warning(text);
      this.printed.add(text);
    }
  }

  /** One engine call; its coded errors become the framework's errors. */
  ask(call) {
    try {
      return call();
    } catch (error) {
      return this.rethrow(error);
    }
  }

  run(input) {
    return this.ask(() => engine.synthesize(input));
  }

  validate() {
    const input = this.ask(() => project(this.serverless, this.provider, this.configured));
    this.validated = { input, plan: this.run(input) };
  }

  synthesize() {
    const input = this.ask(() => project(this.serverless, this.provider, this.configured));
    // Unless something changed the service since validation (another plugin adding functions), the
    // plan made then stands.
    const validated = this.validated && this.validated.input === input ? this.validated.plan : null;
    this.validated = null;
    this.input = input;
    this.plan = validated || this.run(input);
  }

  /** Where the compiled Lambdas say otherwise than the plan assumed (Serverless 3 ignores
   * logs.logGroup; another plugin sets TracingConfig), the engine plans again with what the
   * template says. */
  planWithCompiled() {
    const facts = compiledFacts(this.resources, this.plan);
    if (!facts) return false;
    this.compiled = { ...this.compiled, ...facts };
    this.plan = this.run(withCompiled(this.input, this.compiled));
    return true;
  }

  applyPlan() {
    this.planWithCompiled();
    this.warn(this.plan.warnings);
    applyPlan(this.resources, this.plan);
  }

  reconcile() {
    // The event compilers and other plugins' package:compileEvents are done: check again.
    if (this.planWithCompiled()) {
      this.warn(this.plan.warnings);
      applyPlan(this.resources, this.plan);
    }
    this.input = null;
    const reconciled = this.ask(() => engine.reconcile(reconcileRequest(this.resources, this.plan)));
    applyReconciled(this.resources, this.plan, reconciled);
    // to tell what other plugins add to the shared role later (serverless-plugin-canary-deployments)
    const shared = this.resources[contract().sharedRoleId];
    this.reconciledShared = shared ? JSON.stringify(shared) : null;
    this.warn(reconciled.warnings);
    const { line, roles } = this.plan.summary;
    this.log.notice(`${NAME}: ${line}`);
    for (const role of roles) this.log.verbose(`${NAME}:   ${role}`);
  }

  checkTemplate() {
    if (!this.plan) return;
    const request = { resourceCount: Object.keys(this.resources).length, budget: this.plan.resourceBudget };
    const now = this.resources[contract().sharedRoleId];
    if (now && this.reconciledShared && JSON.stringify(now) !== this.reconciledShared) {
      const dedicated = Object.keys(this.plan.functions).filter((key) => this.plan.functions[key].roleSource === 'dedicated');
      request.sharedRole = { reconciled: JSON.parse(this.reconciledShared), now, dedicated };
    }
    this.warn(this.ask(() => engine.checkTemplate(request)).warnings);
  }

  /** `serverless iam`: the report on stdout; with --strict, findings fail the command. */
  async report() {
    if (!this.provider) {
      throw new this.serverless.classes.Error(
        `${NAME}: \`serverless iam\` reports on AWS services; this service's provider is not aws`,
        'IAM_SYNTH_NOT_AWS'
      );
    }
    // what other plugins add as packaging starts (warmers, embedded functions, managed policies)
    await runPackagingStart(this.serverless, this, (plugin, event, error) => {
      const why = String((error && error.message) || error).split('\n')[0];
      this.log.warning(
        `${NAME}: \`serverless iam\` runs the other plugins' hooks of ${event} to see what they add, and ` +
          `${plugin}'s failed (${why}) [IAM_SYNTH_PLUGIN_HOOK_FAILED]. The report leaves out what ${plugin} adds ` +
          'while packaging; `serverless package --verbose` lists every role it builds'
      );
    });
    const out = process.stdout;
    const file = typeof this.options.output === 'string' && this.options.output ? this.options.output : null;
    const tty = !file && Boolean(out.isTTY);
    const options = {
      function: this.options.function,
      json: Boolean(this.options.json),
      color: tty && !this.options.json && !('NO_COLOR' in process.env),
      width: tty && out.columns ? Math.min(out.columns, 80) : 80,
    };
    let answer;
    try {
      answer = engine.report(project(this.serverless, this.provider, this.configured), options);
    } catch (error) {
      // --json always writes a JSON document: here the problems, with exit code 1 (a thrown error
      // would put the framework's text on stdout)
      if (!(options.json && error instanceof engine.EngineError)) return this.rethrow(error);
      answer = { output: `${JSON.stringify({ errors: error.diagnostics }, null, 2)}\n`, findings: 0 };
      this.log.error(error.message);
      process.exitCode = 1;
    }
    if (file) {
      try {
        fs.writeFileSync(file, answer.output);
      } catch (error) {
        throw new this.serverless.classes.Error(
          `${NAME}: cannot write the report to ${file} (${error.code || error.message}): give --output a path in an existing directory [IAM_SYNTH_OUTPUT_FAILED]`,
          'IAM_SYNTH_OUTPUT_FAILED'
        );
      }
      this.log.notice(`${NAME}: report written to ${file}`);
    } else out.write(answer.output);
    if (this.options.strict && answer.findings > 0) {
      // Not thrown: the framework prints errors on stdout, which must hold only the report (--json).
      const what = answer.findings === 1 ? '1 finding' : `${answer.findings} findings`;
      this.log.error(`${NAME}: ${what}, and --strict fails on findings [IAM_SYNTH_FINDINGS]`);
      process.exitCode = 1;
    }
  }
}

module.exports = ServerlessIamSynth;
