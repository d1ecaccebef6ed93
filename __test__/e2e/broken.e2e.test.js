'use strict';

// Broken services packaged by the real Serverless 3.40.0, offline, with this plugin: the package must
// fail with exit code 1 and print, for every problem, our code, the config path, what is wrong and
// how to fix it, as a framework error (no stack trace, no path into the native addon).
//
// The services are the `service/` folders of some cases of the bad-input corpus
// (__test__/fixtures/broken/<case>/service/serverless.yml, the same problem as the case's
// service.json). Each was chosen because it reaches the plugin: the framework's configuration
// validation only warns by default (configValidationMode: warn), but it coerces some values (a tag
// value 7 becomes '7', a one-element list a scalar), so cases that rely on a wrong scalar type are
// not here. Expected values are written by hand from iam-behaviour.md §1, §5.6, §7 and src/error.rs.

const fs = require('fs');
const path = require('path');
const { packageService } = require('./harness');

const CORPUS = path.join(__dirname, '..', 'fixtures', 'broken');

// How to fix each kind of problem: a fragment of the advice the user must be given.
const FIX = {
  // the fix of a statement problem depends on the problem: given per item below
  IAM_SYNTH_ROLE_NAME_TOO_LONG: 'set iam.role.name on the function',
  IAM_SYNTH_INVALID_ROLE_PATH: "'/team/app/'",
  IAM_SYNTH_INVALID_ROLE_NAME: 'letters, digits and +=,.@_-',
  IAM_SYNTH_INVALID_ARN: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  IAM_SYNTH_INVALID_MODE: '`perFunction`',
  IAM_SYNTH_PROVIDER_ROLE_WITH_PER_FUNCTION: 'remove provider.role',
  IAM_SYNTH_ROLE_CONFLICT: 'remove `role`',
  IAM_SYNTH_UNKNOWN_DESTINATION: 'SQS queue, SNS topic or EventBridge bus',
};

// case folder -> [code, config path, what the user must read about the problem], in order.
const SERVICES = {
  '04-effect-lowercase-allow': [
    ['IAM_SYNTH_INVALID_STATEMENT', 'provider.iam.role.statements[0]', ['Effect', '"allow"'], 'set Effect to Allow or Deny'],
  ],
  '22-legacy-function-statement-index-1': [
    ['IAM_SYNTH_INVALID_STATEMENT', 'functions.worker.iamRoleStatements[1]', ['Resource', 'missing'], 'exactly one of Resource/NotResource'],
  ],
  '23-function-iam-role-statement-index-0': [
    ['IAM_SYNTH_INVALID_STATEMENT', 'functions.worker.iam.role.statements[0]', ['Permit'], 'set Effect to Allow or Deny'],
  ],
  '27-role-name-with-space': [['IAM_SYNTH_INVALID_ROLE_NAME', 'provider.iam.role.name', ['my app role']]],
  '34-generated-name-too-long-per-function': [
    ['IAM_SYNTH_ROLE_NAME_TOO_LONG', 'functions.abcdefghijklmnopqrst', ["'abcdefghijklmnopqrst'", '65 characters']],
  ],
  '35-path-without-trailing-slash': [['IAM_SYNTH_INVALID_ROLE_PATH', 'provider.iam.role.path', ["'/team'"]]],
  '47-boundary-iamPermissionsBoundary': [
    ['IAM_SYNTH_INVALID_ARN', 'functions.worker.iamPermissionsBoundary', ["'MyBoundary'"]],
  ],
  '56-mode-perfunction-lowercase': [['IAM_SYNTH_INVALID_MODE', 'provider.iam.role.mode', ["'perfunction'"]]],
  '58-provider-role-with-per-function': [
    ['IAM_SYNTH_PROVIDER_ROLE_WITH_PER_FUNCTION', 'provider.role', ['perFunction']],
  ],
  '59-role-conflict-statements': [
    ['IAM_SYNTH_ROLE_CONFLICT', 'functions.worker.role', ["'worker'", 'functions.worker.iam.role.statements']],
  ],
  '62-destination-other-service-arn': [
    ['IAM_SYNTH_UNKNOWN_DESTINATION', 'functions.worker.destinations.onSuccess', ['arn:aws:s3:::results-bucket']],
  ],
  '80-several-problems': [
    ['IAM_SYNTH_INVALID_ROLE_PATH', 'provider.iam.role.path', ["'team'"]],
    ['IAM_SYNTH_INVALID_STATEMENT', 'provider.iam.role.statements[1]', ['Resource'], 'exactly one of Resource/NotResource'],
    ['IAM_SYNTH_INVALID_ARN', 'provider.rolePermissionsBoundary', ["'boundary'"]],
    ['IAM_SYNTH_INVALID_STATEMENT', 'functions.first.iamRoleStatements[0]', ['"allow"'], 'set Effect to Allow or Deny'],
    ['IAM_SYNTH_UNKNOWN_DESTINATION', 'functions.second.destinations.onSuccess', ["'nowhere'"]],
    ['IAM_SYNTH_ROLE_CONFLICT', 'functions.third.role', ["'third'"]],
  ],
};

const STACK_FRAME = /^\s+at .+\(.+:\d+:\d+\)$/m;

test('every e2e service of the corpus has expectations, and there are at least 8', () => {
  const withService = fs
    .readdirSync(CORPUS)
    .filter((name) => fs.existsSync(path.join(CORPUS, name, 'service', 'serverless.yml')))
    .sort();
  expect(withService).toEqual(Object.keys(SERVICES).sort());
  expect(withService.length).toBeGreaterThanOrEqual(8);
});

test.each(Object.entries(SERVICES))('serverless package fails with a coded error: %s', (name, errors) => {
  const run = packageService(path.join(CORPUS, name, 'service'), { framework: 'serverless', label: name });
  const output = `${run.stdout}\n${run.stderr}`;
  const context = `\n--- output of ${name} ---\n${output}`;
  const failures = [];
  if (run.status !== 1) failures.push(`exit code ${run.status}, expected 1`);
  if (STACK_FRAME.test(output)) failures.push(`a stack trace: ${output.match(STACK_FRAME)[0]}`);
  if (/\.node\b/.test(output)) failures.push('a path into the native addon (.node)');
  const head = errors.length === 1 ? 'found a problem' : `found ${errors.length} problems`;
  if (!output.includes(head)) failures.push(`no "${head}"`);

  // Each problem is one item "  - <message> [<code>]" followed by "How to fix: <hint>"; items in order.
  const items = output.split(/^ {2}- /m).slice(1);
  if (items.length !== errors.length) failures.push(`${items.length} problem(s) printed, ${errors.length} expected`);
  errors.forEach(([code, configPath, fragments, fix = FIX[code]], i) => {
    const item = items[i] || '';
    for (const needed of [`[${code}]`, configPath, ...fragments, 'How to fix:', fix]) {
      if (!item.includes(needed)) failures.push(`problem #${i} (${code}) does not say ${JSON.stringify(needed)}`);
    }
  });
  if (failures.length) throw new Error(`${failures.join('\n')}${context}`);
});
