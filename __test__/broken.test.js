'use strict';

// The bad-input corpus (__test__/fixtures/broken/, see src/tests/broken.rs) through the plugin's
// addon wrapper: every broken service must throw an EngineError whose diagnostics are the expected
// ones, in order, and whose message (what the framework prints) names each config path and says how
// to fix it. The services under valid/ sit next to the limits and must pass. Cases marked
// `knownBug` in expected.json are engine bugs: they are listed as skipped, not asserted.

const fs = require('fs');
const path = require('path');

const addon = require('../js/addon');

const ROOT = path.join(__dirname, 'fixtures', 'broken');

function load(dir, label) {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'service.json')))
    .sort()
    .map((name) => {
      const read = (file) => JSON.parse(fs.readFileSync(path.join(dir, name, file), 'utf8'));
      const expected = read('expected.json');
      return { name: `${label}${name}`, service: read('service.json'), expected, knownBug: expected.knownBug };
    });
}

const broken = load(ROOT, '');
const valid = load(path.join(ROOT, 'valid'), 'valid/');
const all = [...broken, ...valid];
const row = (c) => [c.knownBug ? `${c.name} (knownBug: ${c.knownBug})` : c.name, c];

/** What the addon does with a service: the thrown error, or null when it synthesizes. */
function attempt(service) {
  try {
    addon.synthesize(JSON.stringify(service));
    return null;
  } catch (error) {
    return error;
  }
}

test('the corpus has at least 40 broken services', () => {
  expect(broken.length).toBeGreaterThanOrEqual(40);
});

test.each(all.filter((c) => !c.knownBug).map(row))('%s', (_, { service, expected }) => {
  const error = attempt(service);
  if (expected.errors.length === 0) {
    expect(error).toBeNull();
    return;
  }
  expect(error).toBeInstanceOf(addon.EngineError);
  const { diagnostics, message } = error;
  expect(diagnostics.map((d) => [d.code, d.path])).toEqual(expected.errors.map((e) => [e.code, e.path]));
  expect(error.code).toBe(expected.errors[0].code);
  expected.errors.forEach((e, i) => {
    const d = diagnostics[i];
    const seen = `${d.message}\n${d.hint}`;
    for (const fragment of e.messageContains) {
      if (!seen.includes(fragment)) throw new Error(`diagnostic #${i} (${d.code}) does not say ${JSON.stringify(fragment)}:\n${seen}`);
    }
  });
  for (const d of diagnostics) {
    expect(message).toContain(d.path);
    expect(message).toContain(d.hint);
    expect(message).toContain(`[${d.code}]`);
  }
  const count = diagnostics.length === 1 ? 'a problem' : `${diagnostics.length} problems`;
  expect(message).toContain(count);
});

// Engine bugs: listed, not asserted (see `knownBug` in each expected.json).
const knownBugs = all.filter((c) => c.knownBug).map(row);
if (knownBugs.length) test.skip.each(knownBugs)('%s', () => {});
