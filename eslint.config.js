'use strict';

// The JavaScript linter of `npm test` (scripts/test.sh): ESLint's recommended rules on the plugin,
// the scripts and the tests.
const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
  { ignores: ['node_modules/', 'target/', '.e2e-work/', '.example-work/', '.bench-work/', 'dist/', '.venv/', 'npm/', 'index.js', 'index.d.ts', '**/.serverless/'] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }] },
  },
  // the tests look for terminal colours (\x1b) in output
  { files: ['__test__/**/*.js'], languageOptions: { globals: { ...globals.jest } }, rules: { 'no-control-regex': 'off' } },
];
