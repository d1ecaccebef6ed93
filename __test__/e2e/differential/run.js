#!/usr/bin/env node
'use strict';

// Runs the differential test: for each seed, generates a service (generate.js), packages it with
// the framework alone and with this plugin (harness.packageService, offline), and checks the pair
// (check.js).
//
//   node __test__/e2e/differential/run.js --seeds N [--from S] [--jobs J]   N seeds from S (default 0)
//   node __test__/e2e/differential/run.js --seed S                          one seed, with details
//
// Several seeds run in J child processes at once (default 2), each child one seed. Exit code 1 when
// any seed has a problem. The packaged copies of a failing seed are kept under .e2e-work/ (their
// paths are printed); those of a passing seed are removed.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { packageService, ROOT } = require('../harness');
const { generate } = require('./generate');
const { check, checkError } = require('./check');

const SELF = path.relative(ROOT, __filename).split(path.sep).join('/');
const reproduce = (seed) => `node ${SELF} --seed ${seed}`;

function writeService(files, name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** The part of a failed run's output that says why: from the first error line on, else its end. */
function why(run) {
  const lines = `${run.stdout || ''}\n${run.stderr || ''}`.split('\n').filter((l) => l.trim());
  const first = lines.findIndex((l) => /error|IAM_SYNTH_[A-Z_]+\]/i.test(l) && !/^\s*Warning/.test(l));
  return (first >= 0 ? lines.slice(first, first + 12) : lines.slice(-12)).join('\n    ');
}

/** Generates, packages and checks one seed: { seed, framework, problems, cmd, seconds, dirs }. */
function runSeed(seed) {
  const started = Date.now();
  const gen = generate(seed);
  const label = `seed${seed}`;
  const sources = [writeService(gen.files, `diff${seed}p`), writeService(gen.bareFiles, `diff${seed}b`)];
  const problems = [];
  let bareRun;
  let pluginRun;
  let stats = null;
  try {
    bareRun = packageService(sources[1], { framework: gen.framework, plugin: false, label });
    pluginRun = packageService(sources[0], { framework: gen.framework, plugin: true, label });
  } catch (error) {
    // the harness throws when the state file the plugin wrote is not what json-cycle writes
    problems.push(`harness: ${error.message}`);
  }
  if (!problems.length) {
    if (bareRun.status !== 0) problems.push(`the framework alone failed to package (generator bug?):\n    ${why(bareRun)}`);
    else if (gen.expect.error) problems.push(...checkError(pluginRun, gen.expect));
    else if (pluginRun.status !== 0) problems.push(`packaging with the plugin failed:\n    ${why(pluginRun)}`);
    else {
      const found = check(bareRun.template, pluginRun.template, gen.expect);
      problems.push(...found);
      stats = found.stats;
    }
  }
  const dirs = [bareRun, pluginRun].filter(Boolean).map((r) => r.dir);
  for (const dir of sources) fs.rmSync(dir, { recursive: true, force: true });
  // DIFFERENTIAL_KEEP=1 keeps the packaged copies of passing seeds too
  if (!problems.length && !process.env.DIFFERENTIAL_KEEP) for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  return {
    seed,
    framework: gen.framework,
    problems,
    cmd: reproduce(seed),
    seconds: (Date.now() - started) / 1000,
    dirs: problems.length || process.env.DIFFERENTIAL_KEEP ? dirs : [],
    error: gen.expect.error ? gen.expect.error.code : null,
    stats,
  };
}

function parseArgs(argv) {
  const out = { seeds: null, from: 0, jobs: 2, seed: null, json: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const v = Number(argv[(i += 1)]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${arg} needs a whole number`);
      return v;
    };
    if (arg === '--seeds') out.seeds = value();
    else if (arg === '--from') out.from = value();
    else if (arg === '--jobs') out.jobs = Math.max(1, value());
    else if (arg === '--seed') out.seed = value();
    else if (arg === '--json') out.json = true;
    else if (arg === '--help' || arg === '-h') out.help = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (out.seed === null && out.seeds === null) out.seeds = 20;
  return out;
}

/** One seed in a child process; resolves with its result (a crash of the child is a problem too). */
function runChild(seed) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [__filename, '--seed', String(seed), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop();
      try {
        done(JSON.parse(line));
      } catch (_) {
        const framework = seed % 2 === 0 ? 'serverless' : 'osls';
        done({ seed, framework, problems: [`the child process failed (exit ${code}): ${stderr.trim().slice(-2000)}`], cmd: reproduce(seed), seconds: 0, dirs: [] });
      }
    });
  });
}

function describe(result) {
  const status = result.problems.length ? `FAIL (${result.problems.length} problem${result.problems.length > 1 ? 's' : ''})` : 'ok';
  const note = result.error ? `, expects ${result.error}` : '';
  const s = result.stats;
  const checked = s ? `; ${s.allowed} grants, ${s.denied} denials, ${s.leaks} leak probes checked` : '';
  return `seed ${result.seed} (${result.framework}${note}): ${status} in ${result.seconds.toFixed(1)} s${checked}`;
}

function printProblems(result) {
  console.log(`\nseed ${result.seed} (${result.framework}):`);
  for (const p of result.problems) console.log(`  - ${p}`);
  for (const d of result.dirs || []) console.log(`  kept: ${path.relative(ROOT, d)}`);
  console.log(`  reproduce: ${result.cmd}`);
}

const USAGE = `usage: npm run differential -- [--seeds N] [--from S] [--jobs J]   N seeds from S (default 20 from 0), J at once (default 2)
       npm run differential -- --seed S                              one seed, with details`;

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (args.seed !== null) {
    const result = runSeed(args.seed);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    console.log(describe(result));
    if (result.problems.length) printProblems(result);
    process.exitCode = result.problems.length ? 1 : 0;
    return;
  }

  const seeds = Array.from({ length: args.seeds }, (_, i) => args.from + i);
  const results = [];
  const started = Date.now();
  let next = 0;
  async function worker() {
    while (next < seeds.length) {
      const seed = seeds[(next += 1) - 1];
      const result = await runChild(seed);
      console.log(describe(result));
      results.push(result);
    }
  }
  await Promise.all(Array.from({ length: Math.min(args.jobs, seeds.length) }, worker));
  results.sort((a, b) => a.seed - b.seed);

  const failed = results.filter((r) => r.problems.length);
  const tally = (fw) => {
    const all = results.filter((r) => r.framework === fw);
    return `${all.length - all.filter((r) => r.problems.length).length}/${all.length}`;
  };
  for (const r of failed) printProblems(r);
  const perSeed = results.reduce((sum, r) => sum + r.seconds, 0) / Math.max(1, results.length);
  console.log(
    `\ndifferential: ${results.length - failed.length} of ${results.length} seeds passed (serverless: ${tally('serverless')}, osls: ${tally('osls')})` +
      ` in ${((Date.now() - started) / 1000).toFixed(0)} s, ${perSeed.toFixed(1)} s per seed, ${args.jobs} jobs`
  );
  process.exitCode = failed.length ? 1 : 0;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error.stack || error.message);
    process.exitCode = 2;
  });
}

module.exports = { runSeed, reproduce };
