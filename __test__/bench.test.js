'use strict';

// A tiny run of `npm run bench`, so that the benchmark cannot rot: every step runs (real `serverless
// package` alone, with this plugin, with its framework state writer and with
// serverless-iam-roles-per-function, with Serverless 3.40.0 and osls; the isolated replay, both boundary
// forms, the floor, peak memory) and every figure comes out as a number. Nothing here asserts a speed;
// BENCHMARKS.md holds the measured figures.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

test('npm run bench, smoke size: every measurement is made and reported', () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'result.json');
  const args = ['--sizes', '3', '--reps', '1', '--package-reps', '1', '--json', json];
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bench.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  const result = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(result.rows.map((r) => [r.framework, r.mode, r.n])).toEqual([
    ['serverless', 'dedicated', 3],
    ['serverless', 'perFunction', 3],
    ['osls', 'dedicated', 3],
  ]);
  for (const r of result.rows) {
    expect(r.bareS).toBeGreaterThan(0);
    expect(r.packageS).toBeGreaterThan(0);
    expect(r.inPackageMs).toBeGreaterThan(0);
  }
  for (const r of result.rows.filter((x) => x.framework === 'serverless')) {
    for (const key of ['pluginMs', 'stringMs', 'objectMs', 'floorMs', 'bytes']) {
      expect(r.iso[key]).toBeGreaterThan(0);
    }
    // a pass this small may touch no new page: zero is a measurement, null would be none
    expect(r.iso.peakMiB).toBeGreaterThanOrEqual(0);
    expect(r.iso.calls).toEqual(['synthesize', 'reconcile']);
  }
  const [dedicated, perFunction, osls] = result.rows;
  expect(dedicated.community.ms).toBeGreaterThan(0);
  expect(dedicated.community.packageS).toBeGreaterThan(0);
  expect(dedicated.frameworkWriter.packageS).toBeGreaterThan(0);
  expect(osls.frameworkWriter.packageS).toBeGreaterThan(0);
  expect(perFunction.community).toBeUndefined();
  expect(osls.iso).toBeUndefined();
  // the report: a table row per measurement and a line per goal
  expect(run.stdout).toMatch(/^\| serverless \| dedicated \| 3 \|/m);
  expect(run.stdout).toMatch(/^\| serverless \| perFunction \| 3 \|/m);
  expect(run.stdout).toMatch(/^\| osls \| dedicated \| 3 \|/m);
  expect(run.stdout).toMatch(/^\| dedicated \| 3 \| [\d.]+ \|/m);
  expect(run.stdout).toMatch(/with serverless-iam-roles-per-function \(goal: never slower\)/);
});
