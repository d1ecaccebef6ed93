'use strict';

// The message a user gets when no native engine loads (js/addon.js), for each reason it can have.
// The installed case is also run for real in __test__/e2e/pack.e2e.test.js.

const { missingBinaryMessage } = require('../js/addon.js');

const published = {
  name: 'serverless-iam-synth',
  version: '1.2.3',
  optionalDependencies: {
    'serverless-iam-synth-linux-x64-gnu': '1.2.3',
    'serverless-iam-synth-darwin-arm64': '1.2.3',
  },
};
const absent = () => false;
const present = () => true;

test('a supported platform whose binary package npm left out: the exact install command', () => {
  const message = missingBinaryMessage('linux-x64-gnu', published, absent, 'unused');
  expect(message).toMatch(/^serverless-iam-synth: no native engine for this platform \(linux-x64-gnu\)\./);
  expect(message).toContain('npm install --save-dev serverless-iam-synth-linux-x64-gnu@1.2.3');
});

test('a binary package that is installed but does not load: the loader reason and a matched reinstall', () => {
  const message = missingBinaryMessage('linux-x64-gnu', published, present, 'GLIBC_2.38 not found');
  expect(message).toContain('(GLIBC_2.38 not found)');
  expect(message).toContain('npm install --save-dev serverless-iam-synth@1.2.3 serverless-iam-synth-linux-x64-gnu@1.2.3');
});

test('an unsupported platform: the supported list and how to build from source', () => {
  const message = missingBinaryMessage('freebsd-x64', published, absent, 'unused');
  expect(message).toContain('(freebsd-x64)');
  expect(message).toContain('Prebuilt engines exist for linux-x64-gnu, darwin-arm64.');
  expect(message).toContain('npm run build');
  expect(message).not.toContain('npm install --save-dev');
});

test('a source checkout (no optionalDependencies): build it', () => {
  const message = missingBinaryMessage('linux-x64-gnu', { name: 'serverless-iam-synth', version: '0.1.0' }, absent, '');
  expect(message).toContain('source checkout');
  expect(message).toContain('`npm run build`');
});
