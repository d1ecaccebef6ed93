'use strict';

// Compares every template two test runs packaged: `node scripts/compare-templates.js <dirA> <dirB>`,
// each a .e2e-work directory left by `npm test` (for a refactoring: one run before it, one after).
// The artifact directory the framework names by time is the only difference allowed. Prints the
// counts and each template that differs or exists on one side only; exits 1 if any.

const fs = require('fs');
const path = require('path');

function templates(root) {
  const out = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json') && full.includes(`${path.sep}.serverless${path.sep}`) && /template/.test(entry.name)) {
        out.set(path.relative(root, full), full);
      }
    }
  };
  walk(root);
  return out;
}

// serverless/<service>/<stage>/1764709200000-2026-12-02T21:00:00.000Z/…
const normal = (text) => text.replace(/\d{13}-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: node scripts/compare-templates.js <.e2e-work before> <.e2e-work after>');
  process.exit(2);
}
const before = templates(a);
const after = templates(b);
let same = 0;
const differ = [];
const onlyOne = [];
for (const [rel, file] of before) {
  if (!after.has(rel)) onlyOne.push(`only in ${a}: ${rel}`);
  else if (normal(fs.readFileSync(file, 'utf8')) === normal(fs.readFileSync(after.get(rel), 'utf8'))) same += 1;
  else differ.push(rel);
}
for (const rel of after.keys()) if (!before.has(rel)) onlyOne.push(`only in ${b}: ${rel}`);
console.log(`${before.size} templates before, ${after.size} after: ${same} byte-identical, ${differ.length} different, ${onlyOne.length} on one side only`);
for (const rel of differ) console.log(`differs: ${rel}`);
for (const line of onlyOne) console.log(line);
process.exit(differ.length || onlyOne.length ? 1 : 0);
