'use strict';

// `npm run bench`: the plugin's cost against the serialization floor and serverless-iam-roles-per-function,
// on generated services (scripts/bench/generate.js), all figures from one run. See BENCHMARKS.md.
//
// usage: node scripts/bench.js [--sizes 100,500,1000,2000,4000] [--modes dedicated,perFunction]
//          [--reps 7] [--overhead-size 200] [--overhead-runs 3] [--community-cap 120] [--json out.json]
//
// For each mode and size:
//   1. `serverless package` (3.40.0) with this plugin, its hooks timed from inside (scripts/bench/timed-plugin.js),
//      which also captures what each hook saw;
//   2. the hooks replayed in isolation on those captures, `reps` times, with each boundary form, and the
//      floor (scripts/bench/isolate.js);
//   3. in the dedicated mode, `serverless package` with serverless-iam-roles-per-function 3.2.0, its hook timed
//      the same way; skipped once its quadratic growth predicts more than --community-cap seconds.
// Then the share of `serverless package` our hooks take, on a service of --overhead-size functions.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { generateService } = require('./bench/generate');
const { offlineEnv, ensureSelfLink } = require('../__test__/e2e/harness');

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, '.bench-work');
const SLS = path.join(ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');

function options(argv) {
  const o = {
    sizes: [100, 500, 1000, 2000, 4000],
    modes: ['dedicated', 'perFunction'],
    reps: 7,
    overheadSize: 200,
    overheadRuns: 3,
    communityCap: 120,
    json: null,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--sizes') o.sizes = value.split(',').map(Number);
    else if (flag === '--modes') o.modes = value.split(',');
    else if (flag === '--reps') o.reps = Number(value);
    else if (flag === '--overhead-size') o.overheadSize = Number(value);
    else if (flag === '--overhead-runs') o.overheadRuns = Number(value);
    else if (flag === '--community-cap') o.communityCap = Number(value);
    else if (flag === '--json') o.json = path.resolve(value);
    else throw new Error(`bench: unknown option ${flag}`);
  }
  return o;
}

/** A service directory; `inner` is the plugin the timed wrapper loads, or null for no plugin. */
function writeService(name, n, mode, flavor, inner) {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'capture'), { recursive: true });
  const plugins = inner ? ['./timed-plugin.js'] : [];
  fs.writeFileSync(path.join(dir, 'serverless.json'), JSON.stringify(generateService(n, { mode, flavor, plugins })));
  fs.writeFileSync(path.join(dir, 'handler.js'), 'exports.main = async () => ({});\n');
  const wrapper = path.join(__dirname, 'bench', 'timed-plugin.js');
  fs.writeFileSync(path.join(dir, 'timed-plugin.js'), `module.exports = require(${JSON.stringify(wrapper)});\n`);
  return { dir, inner };
}

/** `serverless package` of a service; returns wall seconds and the wrapped plugin's hook times. */
function packageRun({ dir, inner }, { capture = false } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-home-'));
  const out = path.join(dir, 'hooks.json');
  fs.rmSync(out, { force: true });
  const env = { ...offlineEnv(home), IAM_BENCH_OUT: out };
  if (inner) env.IAM_BENCH_PLUGIN = inner;
  if (capture) env.IAM_BENCH_CAPTURE = path.join(dir, 'capture');
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', SLS, 'package'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(home, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`bench: serverless package failed in ${dir}:\n${run.stdout}\n${run.stderr}`);
  const hooks = inner ? JSON.parse(fs.readFileSync(out, 'utf8')).hooks : {};
  const hooksMs = Object.values(hooks).reduce((a, b) => a + b, 0);
  return { wallS, hooksMs, hooks };
}

function isolate(captureDir, reps) {
  const run = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', path.join(__dirname, 'bench', 'isolate.js'), captureDir, String(reps)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }
  );
  if (run.status !== 0) throw new Error(`bench: isolated run failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, digits = 1) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
const log = (line) => process.stderr.write(`${line}\n`);

function main() {
  const o = options(process.argv.slice(2));
  ensureSelfLink();
  fs.mkdirSync(WORK, { recursive: true });
  const rows = [];
  for (const mode of o.modes) {
    let community = null; // last measured { n, ms }
    for (const n of o.sizes) {
      log(`bench: ${mode} ${n} functions`);
      const ours = writeService(`${mode}-${n}-ours`, n, mode, 'ours', 'serverless-iam-synth');
      const inPackage = packageRun(ours, { capture: true });
      const capture = path.join(ours.dir, 'capture');
      const iso = isolate(capture, o.reps);
      const row = { mode, n, packageS: inPackage.wallS, inPackageMs: inPackage.hooksMs, iso, community: null };
      if (mode === 'dedicated') {
        const predicted = community ? (community.ms / 1000) * (n / community.n) ** 2 : 0;
        if (predicted > o.communityCap) {
          row.community = { skipped: true, predictedS: predicted };
        } else {
          const theirs = writeService(`${mode}-${n}-community`, n, mode, 'community', 'serverless-iam-roles-per-function');
          const run = packageRun(theirs);
          row.community = { ms: run.hooksMs, packageS: run.wallS };
          community = { n, ms: run.hooksMs };
        }
      }
      rows.push(row);
      // partial results survive an interrupted run
      if (o.json) fs.writeFileSync(o.json, `${JSON.stringify({ machine: machine(), options: o, rows }, null, 2)}\n`);
      log(`bench: ${JSON.stringify(row)}`);
    }
  }

  log(`bench: overhead on ${o.overheadSize} functions`);
  const withPlugin = writeService(`overhead-${o.overheadSize}-ours`, o.overheadSize, 'dedicated', 'ours', 'serverless-iam-synth');
  const bare = writeService(`overhead-${o.overheadSize}-bare`, o.overheadSize, 'dedicated', 'bare', null);
  const shares = [];
  const walls = { plugin: [], bare: [] };
  for (let i = 0; i < o.overheadRuns; i += 1) {
    const p = packageRun(withPlugin);
    shares.push(p.hooksMs / (p.wallS * 1000));
    walls.plugin.push(p.wallS);
    walls.bare.push(packageRun(bare).wallS);
  }
  const overhead = { n: o.overheadSize, runs: o.overheadRuns, share: median(shares), pluginS: median(walls.plugin), bareS: median(walls.bare) };

  const result = { machine: machine(), options: o, rows, overhead };
  if (o.json) fs.writeFileSync(o.json, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(report(result));
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}-${process.arch}, Node.js ${process.version}`;
}

function report({ machine: m, options: o, rows, overhead }) {
  const lines = [];
  lines.push(`Machine: ${m}. Isolated figures: median of ${o.reps} repetitions.`);
  lines.push('');
  lines.push(
    '| mode | functions | `package` (s) | our hooks in `package` (ms) | our hooks, isolated (ms) | engine calls, JSON text (ms) | engine calls, JS objects (ms) | floor (ms) | hooks / floor | bytes moved | peak memory (MiB) | serverless-iam-roles-per-function hook in `package` (ms) | its time / ours |'
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const i = r.iso;
    let theirs = '';
    let speedup = '';
    if (r.community && r.community.skipped) theirs = `skipped (predicted ${fmt(r.community.predictedS, 0)} s)`;
    else if (r.community) {
      theirs = fmt(r.community.ms, 0);
      speedup = `${fmt(r.community.ms / r.inPackageMs, 1)}×`;
    }
    lines.push(
      `| ${r.mode} | ${r.n} | ${fmt(r.packageS)} | ${fmt(r.inPackageMs)} | ${fmt(i.pluginMs)} | ${fmt(i.stringMs)} | ${fmt(i.objectMs)} | ${fmt(i.floorMs)} | ${fmt(i.pluginMs / i.floorMs, 2)} | ${(i.bytes / 1048576).toFixed(2)} MiB | ${fmt(i.peakMiB)} | ${theirs} | ${speedup} |`
    );
  }
  lines.push('');
  lines.push('Goals:');
  const at = (mode, n) => rows.find((r) => r.mode === mode && r.n === n);
  const c1000 = at('dedicated', 1000);
  if (c1000 && c1000.community && !c1000.community.skipped) {
    const x = c1000.community.ms / c1000.inPackageMs;
    lines.push(`- ${x >= 100 ? 'met' : 'missed'}: ${fmt(x, 1)}× faster than serverless-iam-roles-per-function at 1,000 functions, both timed inside \`serverless package\` (goal ≥ 100×)`);
  }
  if (rows.length) {
    const worst = rows.reduce((w, r) => Math.max(w, r.iso.pluginMs / r.iso.floorMs), 0);
    lines.push(`- ${worst <= 3 ? 'met' : 'missed'}: at most ${fmt(worst, 2)}× the serialization floor at every size (goal ≤ 3×)`);
  }
  for (const mode of o.modes) {
    const [a, b] = [at(mode, 1000), at(mode, 4000)];
    if (a && b) {
      const x = b.iso.pluginMs / a.iso.pluginMs;
      lines.push(`- ${x <= 4.5 ? 'met' : 'missed'}: time(4,000) / time(1,000) = ${fmt(x, 2)} in ${mode} mode, isolated (goal ≤ 4.5)`);
    }
  }
  const pct = overhead.share * 100;
  lines.push(
    `- ${pct <= 2 ? 'met' : 'missed'}: our hooks take ${fmt(pct, 2)}% of \`serverless package\` on ${overhead.n} functions ` +
      `(goal ≤ 2%; median of ${overhead.runs}; package ${fmt(overhead.pluginS, 2)} s with the plugin, ${fmt(overhead.bareS, 2)} s without)`
  );
  const faster = rows.filter((r) => r.iso.stringMs <= r.iso.objectMs).length;
  lines.push(`- boundary: JSON text was the faster form in ${faster} of ${rows.length} rows; the plugin uses JSON text.`);
  return `${lines.join('\n')}\n`;
}

main();
