'use strict';

// Compares every template two test runs packaged: `node scripts/compare-templates.js <dirA> <dirB>`,
// each a .e2e-work directory left by `npm test` (for a refactoring: one run before it, one after).
// What the framework names by the time of the run is the only difference allowed. Prints the counts
// (templates that differ only in key order apart) and each template that differs; exits 1 if any.

const fs = require('fs');
const path = require('path');

function templates(root) {
  const out = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json') && full.includes(`${path.sep}.serverless${path.sep}`) && /template/.test(entry.name)) {
        out.set(key(path.relative(root, full)), full);
      }
    }
  };
  walk(root);
  return out;
}

// What the framework names by the time of the run: the artifact directory
// (serverless/<service>/<stage>/1764709200000-2026-12-02T21:00:00.000Z/…) and API Gateway deployments
// (ApiGatewayDeployment1764709200000).
const normal = (text) =>
  text.replace(/\d{13}-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>').replace(/(Deployment)\d{13}/g, '$1<time>');
// Services written to a fresh temporary directory (fs.mkdtemp: name-XXXXXX) are packaged under that name.
const key = (rel) => rel.replace(/^([^/\\]*?)-[A-Za-z0-9]{6}-(serverless|osls)-/, '$1-<tmp>-$2-');

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node scripts/compare-templates.js <.e2e-work before> <.e2e-work after>');
  process.exit(2);
}
const before = templates(a);
const after = templates(b);
/** The JSON with every object's keys sorted: equal for two templates that differ only in key order. */
const sorted = (v) =>
  Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
const canonical = (text) => JSON.stringify(sorted(JSON.parse(text)));

let same = 0;
const reordered = [];
const differ = [];
const onlyOne = [];
for (const [rel, file] of before) {
  if (!after.has(rel)) onlyOne.push(`only in ${a}: ${rel}`);
  else {
    const x = normal(fs.readFileSync(file, 'utf8'));
    const y = normal(fs.readFileSync(after.get(rel), 'utf8'));
    if (x === y) same += 1;
    else if (canonical(x) === canonical(y)) reordered.push(rel);
    else differ.push(rel);
  }
}
for (const rel of after.keys()) if (!before.has(rel)) onlyOne.push(`only in ${b}: ${rel}`);
console.log(
  `${before.size} templates before, ${after.size} after: ${same} byte-identical, ${reordered.length} identical but for key order, ${differ.length} different, ${onlyOne.length} on one side only`
);
for (const rel of reordered) console.log(`key order only: ${rel}`);
for (const rel of differ) console.log(`differs: ${rel}`);
for (const line of onlyOne) console.log(line);
process.exit(differ.length || onlyOne.length || reordered.length ? 1 : 0);
