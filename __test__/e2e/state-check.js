'use strict';

// A test-only plugin that the harness lists right after serverless-iam-synth: when the framework writes
// its state file, it also writes, beside it, what the framework's own json-cycle makes of the same
// object (`serverless-state.json-cycle.txt`), so that the test can compare the two byte for byte.

const fs = require('fs');
const path = require('path');

class StateCheck {
  constructor(serverless) {
    // Found here on purpose, not through js/state.js: the check must not lean on the code it checks.
    const framework = Object.values(require.cache).find((m) => m && m.exports === serverless.constructor);
    const jc = require(require.resolve('json-cycle', { paths: [path.dirname(framework.filename)] }));
    const utils = serverless.utils;
    const inner = utils.writeFileSync;
    utils.writeFileSync = function writeFileSync(filePath, contents, cycles) {
      if (cycles && typeof filePath === 'string' && path.basename(filePath) === 'serverless-state.json') {
        fs.mkdirSync(path.dirname(filePath), { recursive: true });
        fs.writeFileSync(`${filePath.slice(0, -'.json'.length)}.json-cycle.txt`, jc.stringify(contents, null, 2));
      }
      return inner.call(this, filePath, contents, cycles);
    };
  }
}

module.exports = StateCheck;
