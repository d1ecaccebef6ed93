'use strict';

// Differential end-to-end test: each example packaged by the real Serverless 3.40.0 with and without
// this plugin. The IAM parts must be what the framework produced, edited only by the deliberate
// differences (deliberate.js); everything else must be untouched; cfn-lint must find no error.

const fs = require('fs');
const path = require('path');
const { packageService, ROOT } = require('./harness');
const { extractIam, withoutIam } = require('./iam-extract');
const { expectedIam, DELIBERATE } = require('./deliberate');
const { lintErrors } = require('./cfn-lint');

const EXAMPLES = path.join(ROOT, 'examples');
// Examples that use per-function IAM settings are not parity cases: the framework alone has no
// per-function roles to compare with (they are covered by dedicated.e2e.test.js, and iam-report by
// iam-command.e2e.test.js).
const NOT_PARITY = /^(dedicated-|guide-|quickstart$|iam-report$)/;

function exampleNames() {
  return fs
    .readdirSync(EXAMPLES)
    .filter((n) => !NOT_PARITY.test(n) && fs.existsSync(path.join(EXAMPLES, n, 'serverless.yml')))
    .sort();
}

function runParity(part, parts) {
  const names = exampleNames().filter((_, i) => i % parts === part);

  describe.each(names)('%s', (name) => {
    let bare;
    let ours;
    beforeAll(() => {
      bare = packageService(path.join(EXAMPLES, name), { plugin: false });
      ours = packageService(path.join(EXAMPLES, name), { plugin: true });
    });

    test('packages with and without the plugin', () => {
      expect({ status: bare.status, err: bare.status ? bare.stdout + bare.stderr : '' }).toEqual({ status: 0, err: '' });
      expect({ status: ours.status, err: ours.status ? ours.stdout + ours.stderr : '' }).toEqual({ status: 0, err: '' });
    });

    test(`IAM equals Serverless 3.40.0's${DELIBERATE.includes(name) ? ' with the deliberate differences' : ''}`, () => {
      expect(extractIam(ours.template)).toEqual(expectedIam(name, extractIam(bare.template)));
    });

    test('the rest of the template is untouched', () => {
      expect(withoutIam(ours.template)).toEqual(withoutIam(bare.template));
    });

    test('cfn-lint finds no error in the packaged template', () => {
      expect(lintErrors([ours.templatePath])).toEqual([]);
    });
  });
}

module.exports = { runParity, exampleNames };
