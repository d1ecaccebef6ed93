'use strict';

// A tiny run of `npm run bench`, so that the benchmark cannot rot: every step runs (real `serverless
// package` with this plugin and with serverless-iam-roles-per-function, the isolated replay, both
// boundary forms, the floor, peak memory, the overhead runs) and every figure comes out as a number.
// Nothing here asserts a speed; BENCHMARKS.md holds the measured figures.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');

test('npm run bench, smoke size: every measurement is made and reported', () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'result.json');
  const args = ['--sizes', '3', '--reps', '1', '--overhead-size', '3', '--overhead-runs', '1', '--json', json];
  const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'bench.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/Error/);
  expect(run.status).toBe(0);
  const result = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(result.rows.map((r) => [r.mode, r.n])).toEqual([
    ['dedicated', 3],
    ['perFunction', 3],
  ]);
  for (const r of result.rows) {
    for (const key of ['pluginMs', 'stringMs', 'objectMs', 'floorMs', 'bytes']) {
      expect(r.iso[key]).toBeGreaterThan(0);
    }
    // a pass this small may touch no new page: zero is a measurement, null would be none
    expect(r.iso.peakMiB).toBeGreaterThanOrEqual(0);
    expect(r.iso.calls).toEqual(['synthesize', 'reconcile']);
    expect(r.inPackageMs).toBeGreaterThan(0);
    expect(r.packageS).toBeGreaterThan(0);
  }
  expect(result.rows[0].community.ms).toBeGreaterThan(0);
  expect(result.rows[1].community).toBeNull();
  expect(result.overhead.share).toBeGreaterThan(0);
  // the report: a table row per measurement and a line per goal
  expect(run.stdout).toMatch(/^\| dedicated \| 3 \|/m);
  expect(run.stdout).toMatch(/^\| perFunction \| 3 \|/m);
  expect(run.stdout).toMatch(/serialization floor at every size/);
  expect(run.stdout).toMatch(/of `serverless package` on 3 functions/);
});
