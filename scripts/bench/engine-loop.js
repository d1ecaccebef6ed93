'use strict';

// For profiling the engine alone (`perf record -g node scripts/bench/engine-loop.js <capture> 20`): the
// projection of a service captured by `npm run bench` (its capture/ folder), synthesized n times, 150 ms
// apart so that each call's helper thread has freed the last one's trees. Prints each call's milliseconds.

const fs = require('fs');
const path = require('path');
const binding = require('../../index.js');
const { project } = require('../../js/project');

const [capture, times = '20'] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(path.join(capture, 'config.json'), 'utf8'));
const input = project({ service: config.service }, { getStage: () => config.stage, getRegion: () => config.region });
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let i = 0; i < Number(times); i += 1) {
  const start = process.hrtime.bigint();
  binding.synthesize(input);
  process.stdout.write(`${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms\n`);
  pause(150);
}
