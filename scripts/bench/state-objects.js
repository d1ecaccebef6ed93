'use strict';

// Counts what json-cycle's `decycle` walks in a written state file: the distinct objects and arrays
// (each one a step of its linear search), the `$ref`s it wrote for objects met again, and the other
// values, in all and for the compiled template's resources by type. See BENCHMARKS.md.
// usage: node scripts/bench/state-objects.js <service>/.serverless/serverless-state.json

const fs = require('fs');

function count(value, acc = { objects: 0, refs: 0, values: 0 }) {
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (!Array.isArray(value) && keys.length === 1 && typeof value.$ref === 'string') acc.refs += 1;
    else {
      acc.objects += 1;
      for (const k of keys) count(value[k], acc);
    }
  } else acc.values += 1;
  return acc;
}

const state = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byType = {};
for (const res of Object.values(state.service.provider.compiledCloudFormationTemplate.Resources)) {
  const t = (byType[res.Type] = byType[res.Type] || { resources: 0, objects: 0 });
  t.resources += 1;
  t.objects += count(res).objects;
}
process.stdout.write(`${JSON.stringify({ state: count(state), resources: byType }, null, 2)}\n`);
