'use strict';

// `npm run bench`: what `serverless package` costs with this plugin, beside the framework alone and
// serverless-iam-roles-per-function, on generated services (scripts/bench/generate.js), all figures from
// one run. See BENCHMARKS.md.
//
// usage: node scripts/bench.js [--sizes 100,500,1000,2000] [--modes dedicated,perFunction] [--reps 5]
//          [--frameworks serverless,osls] [--package-reps 3] [--cap 150] [--json out.json]
//
// For each size, the wall time of the whole `serverless package` command:
//   - the framework alone (the same service without any plugin), with each framework;
//   - with this plugin, in each mode, its hooks timed from inside by a wrapper (scripts/bench/timed-plugin.js);
//   (these two: the median of --package-reps runs, each run's figures kept in the JSON; the rest: one run)
//   - with this plugin and `custom.iamSynth.stateWriter: framework` (the framework's own state writer);
//   - with serverless-iam-roles-per-function 3.2.0, its hook timed the same way (dedicated mode: it has no
//     perFunction mode).
// The last two grow with the square of the service; each is skipped once that growth (of what it takes
// beyond the framework alone) predicts more than --cap seconds. Then our hooks replayed in isolation on what they saw (scripts/bench/isolate.js), median
// of --reps: the engine calls in both boundary forms, the serialization floor and peak memory.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { generateService } = require('./bench/generate');
const { offlineEnv, ensureSelfLink } = require('./lib/offline');

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, '.bench-work');

const FRAMEWORK_BINS = {
  serverless: path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js'),
  osls: path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
};

function options(argv) {
  const o = {
    sizes: [100, 500, 1000, 2000],
    modes: ['dedicated', 'perFunction'],
    frameworks: ['serverless', 'osls'],
    reps: 5,
    packageReps: 3,
    cap: 150,
    json: null,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--sizes') o.sizes = value.split(',').map(Number);
    else if (flag === '--modes') o.modes = value.split(',');
    else if (flag === '--frameworks') o.frameworks = value.split(',');
    else if (flag === '--reps') o.reps = Number(value);
    else if (flag === '--package-reps') o.packageReps = Number(value);
    else if (flag === '--cap') o.cap = Number(value);
    else if (flag === '--json') o.json = path.resolve(value);
    else throw new Error(`bench: unknown option ${flag}`);
  }
  return o;
}

/** A service directory; `inner` is the plugin the timed wrapper loads, or null for no plugin. */
function writeService(name, n, mode, flavor, inner, custom) {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'capture'), { recursive: true });
  const plugins = inner ? ['./timed-plugin.js'] : [];
  const service = generateService(n, { mode, flavor, plugins });
  if (custom) service.custom = custom;
  fs.writeFileSync(path.join(dir, 'serverless.json'), JSON.stringify(service));
  fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = async () => ({});\n');
  const wrapper = path.join(__dirname, 'bench', 'timed-plugin.js');
  fs.writeFileSync(path.join(dir, 'timed-plugin.js'), `module.exports = require(${JSON.stringify(wrapper)});\n`);
  return { dir, inner };
}

/** `serverless package` of a service; returns wall seconds and the wrapped plugin's hook times. */
function packageRun({ dir, inner }, { capture = false, framework = 'serverless' } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'));
  const out = path.join(dir, 'hooks.json');
  fs.rmSync(out, { force: true });
  const env = { ...offlineEnv(home), IAM_BENCH_OUT: out };
  if (inner) env.IAM_BENCH_PLUGIN = inner;
  if (capture) env.IAM_BENCH_CAPTURE = path.join(dir, 'capture');
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', FRAMEWORK_BINS[framework], 'package'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(home, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`bench: ${framework} package failed in ${dir}:\n${run.stdout}\n${run.stderr}`);
  const hooks = inner ? JSON.parse(fs.readFileSync(out, 'utf8')).hooks : {};
  const hooksMs = Object.values(hooks).reduce((a, b) => a + b, 0);
  return { wallS, hooksMs, hooks };
}

/** `packageRun` `reps` times: the run of median wall time, with every run's wall time and hook time. */
function medianRun(service, reps, options) {
  const runs = Array.from({ length: reps }, () => packageRun(service, options)).sort((a, b) => a.wallS - b.wallS);
  const mid = runs[(runs.length - 1) >> 1];
  return { ...mid, runs: runs.map((r) => ({ wallS: r.wallS, hooksMs: r.hooksMs })) };
}

/** The engine with the object boundary too (cargo feature `bench`), built once into .bench-work/engine
 * (only the crate itself is compiled again; the plugin's own engine at the root stays as it is).
 * Returns its path. */
let benchEngine;
function buildBenchEngine() {
  if (benchEngine) return benchEngine;
  const out = path.join(WORK, 'engine');
  const build = spawnSync(
    'npx',
    ['napi', 'build', '--platform', '--release', '--features', 'bench', '--output-dir', out, '--no-js', '--dts', 'index.d.ts'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'inherit'] }
  );
  if (build.status !== 0) throw new Error('bench: building the engine with the bench feature failed');
  const file = fs.readdirSync(out).find((f) => f.endsWith('.node'));
  benchEngine = path.join(out, file);
  return benchEngine;
}

function isolate(captureDir, reps) {
  // the loader (index.js) takes the engine from NAPI_RS_NATIVE_LIBRARY_PATH when set
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', path.join(__dirname, 'bench', 'isolate.js'), captureDir, String(reps)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: buildBenchEngine() } }
  );
  if (run.status !== 0) throw new Error(`bench: isolated run failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

const fmt = (x, digits = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
const log = (line) => process.stderr.write(`${line}\n`);

/**
 * Runs `measure` unless the last run of the same kind predicts more than cap seconds: what it took beyond
 * the framework alone, grown with the square of the number of functions, plus the framework alone now.
 */
function capped(last, n, bareS, cap, measure) {
  const predicted = last.value ? bareS + Math.max(0, last.value.wallS - last.value.bareS) * (n / last.value.n) ** 2 : 0;
  if (predicted > cap) return { skipped: true, predictedS: predicted };
  const run = measure();
  last.value = { n, wallS: run.wallS, bareS };
  return run;
}

function main() {
  const o = options(process.argv.slice(2));
  ensureSelfLink();
  fs.mkdirSync(WORK, { recursive: true });
  const rows = [];
  const last = { community: {}, frameworkWriter: {} };
  const save = (extra = {}) => {
    if (o.json) fs.writeFileSync(o.json, `${JSON.stringify({ machine: machine(), options: o, rows, ...extra }, null, 2)}\n`);
  };
  for (const n of o.sizes) {
    for (const framework of o.frameworks) {
      log(`bench: ${framework}, ${n} functions, framework alone`);
      const bare = medianRun(writeService(`bare-${n}`, n, 'dedicated', 'bare', null), o.packageReps, { framework });
      for (const mode of o.modes) {
        // osls: the framework alone and the plugin in the dedicated mode, to compare its state writer
        if (framework !== 'serverless' && mode !== 'dedicated') continue;
        log(`bench: ${framework}, ${mode}, ${n} functions`);
        const ours = writeService(`${framework}-${mode}-${n}-ours`, n, mode, 'ours', 'serverless-iam-synth');
        const inPackage = medianRun(ours, o.packageReps, { framework });
        const row = { framework, mode, n, bareS: bare.wallS, packageS: inPackage.wallS, inPackageMs: inPackage.hooksMs, bareRuns: bare.runs, runs: inPackage.runs };
        if (framework === 'serverless') {
          packageRun(ours, { capture: true, framework });
          row.iso = isolate(path.join(ours.dir, 'capture'), o.reps);
        }
        if (mode === 'dedicated') {
          const custom = { iamSynth: { stateWriter: 'framework' } };
          const slow = writeService(`${framework}-${mode}-${n}-framework-writer`, n, mode, 'ours', 'serverless-iam-synth', custom);
          last.frameworkWriter[framework] = last.frameworkWriter[framework] || {};
          const w = capped(last.frameworkWriter[framework], n, bare.wallS, o.cap, () => packageRun(slow, { framework }));
          row.frameworkWriter = w.skipped ? w : { packageS: w.wallS };
          if (framework === 'serverless') {
            const theirs = writeService(`${mode}-${n}-community`, n, mode, 'community', 'serverless-iam-roles-per-function');
            const c = capped(last.community, n, bare.wallS, o.cap, () => packageRun(theirs, { framework }));
            row.community = c.skipped ? c : { packageS: c.wallS, ms: c.hooksMs };
          }
        }
        rows.push(row);
        save(); // partial results survive an interrupted run
        log(`bench: ${JSON.stringify(row)}`);
      }
    }
  }
  const result = { machine: machine(), options: o, rows };
  save();
  process.stdout.write(report(result));
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}-${process.arch}, Node.js ${process.version}`;
}

const ratio = (a, b) => (a && b ? `${fmt(a / b, 2)}×` : '');
const cell = (x) => (x && x.skipped ? `skipped (predicted ${fmt(x.predictedS, 0)} s)` : x ? fmt(x.packageS) : '');

function report({ machine: m, options: o, rows }) {
  const lines = [];
  lines.push(
    `Machine: ${m}. Framework alone and with this plugin: median of ${o.packageReps} \`serverless package\` runs; the other cells: one run; isolated figures: median of ${o.reps} repetitions.`
  );
  lines.push('');
  lines.push('Wall time of the whole `serverless package` command:');
  lines.push('');
  lines.push(
    '| framework | mode | functions | framework alone (s) | with this plugin (s) | ours / alone | our hooks in `package` (ms) | hooks share | this plugin, framework\'s state writer (s) | serverless-iam-roles-per-function (s) | its hook in `package` (ms) | its hook / ours |'
  );
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const c = r.community;
    lines.push(
      `| ${r.framework} | ${r.mode} | ${r.n} | ${fmt(r.bareS)} | ${fmt(r.packageS)} | ${ratio(r.packageS, r.bareS)} | ${fmt(r.inPackageMs)} | ${fmt((100 * r.inPackageMs) / (r.packageS * 1000), 2)}% | ${cell(r.frameworkWriter)} | ${cell(c)} | ${c && !c.skipped ? fmt(c.ms, 0) : ''} | ${c && !c.skipped ? ratio(c.ms, r.inPackageMs) : ''} |`
    );
  }
  lines.push('');
  lines.push('Our hooks replayed in isolation (Serverless 3.40.0 captures):');
  lines.push('');
  lines.push('| mode | functions | our hooks, isolated (ms) | engine calls, JSON text (ms) | engine calls, JS objects (ms) | floor (ms) | hooks / floor | bytes moved | peak memory (MiB) |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows.filter((x) => x.iso)) {
    const i = r.iso;
    lines.push(
      `| ${r.mode} | ${r.n} | ${fmt(i.pluginMs)} | ${fmt(i.stringMs)} | ${fmt(i.objectMs)} | ${fmt(i.floorMs)} | ${fmt(i.pluginMs / i.floorMs, 2)} | ${(i.bytes / 1048576).toFixed(2)} MiB | ${fmt(i.peakMiB)} |`
    );
  }
  lines.push('');
  lines.push('Goals:');
  const at = (framework, mode, n) => rows.find((r) => r.framework === framework && r.mode === mode && r.n === n);
  const verdict = (ok) => (ok ? 'met' : 'missed');
  for (const mode of o.modes) {
    const r = at('serverless', mode, 1000);
    if (r) lines.push(`- ${verdict(r.packageS <= 1.3 * r.bareS)}: ${mode}, 1,000 functions: package ${fmt(r.packageS)} s with the plugin, ${fmt(r.bareS)} s alone (${ratio(r.packageS, r.bareS)}; goal ≤ 1.3×)`);
  }
  for (const r of rows.filter((x) => x.community && !x.community.skipped)) {
    lines.push(`- ${verdict(r.packageS <= r.community.packageS)}: ${r.n} functions: package ${fmt(r.packageS)} s with the plugin, ${fmt(r.community.packageS)} s with serverless-iam-roles-per-function (goal: never slower)`);
  }
  const c1000 = at('serverless', 'dedicated', 1000);
  if (c1000 && c1000.community && !c1000.community.skipped) {
    const x = c1000.community.ms / c1000.inPackageMs;
    lines.push(`- ${verdict(x >= 50)}: hooks ${fmt(x, 1)}× faster than serverless-iam-roles-per-function's at 1,000 functions, inside \`package\` (goal ≥ 50×)`);
  }
  for (const framework of o.frameworks) {
    for (const mode of o.modes) {
      const [a, b] = [at(framework, mode, 1000), at(framework, mode, 2000)];
      if (a && b) {
        const ours = b.packageS / a.packageS;
        const alone = b.bareS / a.bareS;
        lines.push(`- ${verdict(ours <= alone)}: ${framework} ${mode}: package(2,000)/package(1,000) = ${fmt(ours, 2)} with the plugin, ${fmt(alone, 2)} alone (goal: no worse)`);
      }
    }
  }
  const iso = rows.filter((r) => r.iso);
  const faster = iso.filter((r) => r.iso.stringMs <= r.iso.objectMs).length;
  lines.push(`- boundary: JSON text was the faster form in ${faster} of ${iso.length} rows; the plugin uses JSON text.`);
  return `${lines.join('\n')}\n`;
}

main();
