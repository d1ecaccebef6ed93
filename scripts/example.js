'use strict';

// Packages an example service offline with the real framework and prints the roles it got.
// usage: npm run example -- [examples/<name>] [--osls]

const path = require('path');
const { ROOT, runOffline, copyService } = require('./lib/offline');

const args = process.argv.slice(2);
const framework = args.includes('--osls') ? 'osls' : 'serverless';
const dir = path.resolve(args.find((a) => !a.startsWith('--')) || path.join(__dirname, '..', 'examples', 'quickstart'));

const work = path.join(ROOT, '.example-work', `${path.basename(dir)}-${framework}`);
copyService(dir, work);
const run = runOffline(work, { framework });
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr);
  process.exit(run.status || 1);
}

const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
const resources = run.template.Resources;
const usersOf = (roleId) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Role).includes(`"${roleId}"`))
    .map(([id]) => id.replace(/LambdaFunction$/, ''));

console.log(`${path.basename(dir)} packaged with ${framework}; template: ${run.templatePath}\n`);
for (const [id, r] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
  const p = r.Properties;
  console.log(`${id}  (name ${show(p.RoleName)})`);
  console.log(`  functions: ${usersOf(id).join(', ') || '-'}`);
  console.log(`  trusts:    ${p.AssumeRolePolicyDocument.Statement[0].Principal.Service.join(', ')}`);
  if (p.ManagedPolicyArns && p.ManagedPolicyArns.length) console.log(`  managed:   ${p.ManagedPolicyArns.map(show).join(', ')}`);
  for (const s of p.Policies ? p.Policies[0].PolicyDocument.Statement : []) {
    const actions = [].concat(s.Action || s.NotAction).join(', ');
    const res = [].concat(s.Resource || s.NotResource).map(show).join(', ');
    console.log(`  ${s.Effect.padEnd(5)} ${actions}\n        on ${res}`);
  }
  console.log('');
}
