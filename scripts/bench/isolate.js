'use strict';

// One isolated measurement, in a process of its own: the plugin's four hooks replayed on exactly what
// they saw inside `serverless package` (captured by timed-plugin.js), `reps` times. Prints one JSON line
// of medians:
//   pluginMs   the hooks as shipped: projection, the engine calls (JSON text), applying the plan,
//              reconciliation (a plan validated at package:initialize is reused when nothing changed)
//   stringMs   the same engine calls alone, JSON text across the boundary
//   objectMs   the same engine calls alone, JavaScript objects converted by napi (synthesizeObject...)
//   floorMs    the same bytes serialized and parsed with nothing computed: JSON.stringify of every
//              engine input, JSON.parse of every engine answer
//   peakMiB    peak resident memory added by one pass (VmHWM after a reset, minus VmRSS before)
// usage: node --expose-gc isolate.js <captureDir> <reps>

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const binding = require(path.join(ROOT, 'index.js'));
const Plugin = require(path.join(ROOT, 'js', 'index.js'));

const [captureDir, repsArg] = process.argv.slice(2);
const reps = Number(repsArg);
const read = (name) => fs.readFileSync(path.join(captureDir, name), 'utf8');
const config = JSON.parse(read('config.json'));
const beforeApply = read('template-package_compileFunctions.json');
const beforeReconcile = read('template-after_package_compileEvents.json');

function fakeServerless(template) {
  const provider = { getStage: () => config.stage, getRegion: () => config.region };
  const service = { ...config.service, provider: { ...config.service.provider, compiledCloudFormationTemplate: template } };
  return {
    service,
    getProvider: () => provider,
    classes: { Error },
    configSchemaHandler: { defineFunctionProperties() {}, defineCustomProperties() {}, schema: {} },
  };
}

const quiet = { warning() {}, notice() {}, info() {}, verbose() {}, debug() {} };

/** A fresh plugin on fresh copies of the captured templates (untimed). */
function prepare() {
  const serverless = fakeServerless(JSON.parse(beforeApply));
  const reconcileTemplate = JSON.parse(beforeReconcile);
  return { serverless, reconcileTemplate, hooks: new Plugin(serverless, {}, { log: quiet }).hooks };
}

/** The four hooks, as `package` runs them; returns the milliseconds spent inside them. */
function run({ serverless, reconcileTemplate, hooks }) {
  const start = process.hrtime.bigint();
  hooks['before:package:initialize']();
  hooks['before:package:compileFunctions']();
  hooks['package:compileFunctions']();
  const mid = process.hrtime.bigint();
  serverless.service.provider.compiledCloudFormationTemplate = reconcileTemplate; // untimed swap
  const resume = process.hrtime.bigint();
  hooks['after:package:compileEvents']();
  const end = process.hrtime.bigint();
  return Number(mid - start + (end - resume)) / 1e6;
}

const pass = () => run(prepare());

/** Every engine call of one pass, recorded once: its input (as an object) and its answer text. */
function recordTraffic() {
  const calls = [];
  const real = { synthesize: binding.synthesize, reconcile: binding.reconcile };
  for (const name of Object.keys(real)) {
    binding[name] = (text) => {
      const answer = real[name](text);
      calls.push({ name, input: JSON.parse(text), answer });
      return answer;
    };
  }
  pass();
  Object.assign(binding, real);
  return calls;
}

const since = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** The engine calls alone, through each boundary form, and the floor: the same bytes, nothing computed. */
function boundaryPass(calls) {
  let start = process.hrtime.bigint();
  for (const { name, input } of calls) JSON.parse(binding[name](JSON.stringify(input)));
  const stringMs = since(start);
  gc();
  start = process.hrtime.bigint();
  for (const { name, input } of calls) binding[`${name}Object`](input);
  const objectMs = since(start);
  gc();
  start = process.hrtime.bigint();
  let bytes = 0;
  for (const { input, answer } of calls) {
    bytes += JSON.stringify(input).length;
    if (JSON.parse(answer)) bytes += answer.length;
  }
  return { stringMs, objectMs, floorMs: since(start), bytes };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const gc = () => global.gc && global.gc();

function status(field) {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]) * 1024;
}

// Peak memory first, in a fresh heap: reset the high-water mark, run one pass, read it.
gc();
let peakMiB = null;
try {
  const prepared = prepare();
  gc();
  const before = status('VmRSS');
  fs.writeFileSync('/proc/self/clear_refs', '5');
  run(prepared);
  peakMiB = (status('VmHWM') - before) / 1048576;
} catch {
  peakMiB = null; // no /proc (not Linux): reported as n/a
}

const calls = recordTraffic();
const runs = { pluginMs: [], stringMs: [], objectMs: [], floorMs: [] };
let bytes = 0;
for (let i = 0; i < reps; i += 1) {
  const prepared = prepare();
  gc();
  runs.pluginMs.push(run(prepared));
  gc();
  const b = boundaryPass(calls);
  for (const key of ['stringMs', 'objectMs', 'floorMs']) runs[key].push(b[key]);
  bytes = b.bytes;
}
const out = { reps, calls: calls.map((c) => c.name), peakMiB, bytes };
for (const [key, values] of Object.entries(runs)) out[key] = median(values);
process.stdout.write(`${JSON.stringify(out)}\n`);
