'use strict';

// `npm run pack:local`: the two tarballs a release publishes for this machine, written into dist/:
//   - the root package (loader, types, js/; no binary), with the optionalDependencies that
//     `napi pre-publish` writes at publish time, one per target in package.json's napi.targets;
//   - this platform's binary package, laid out by `napi create-npm-dirs`.
// It prints both sizes and writes them to dist/pack.json.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const napi = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const binaryName = pkg.napi.binaryName;

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    process.stdout.write(result.stdout || '');
    throw new Error(`pack:local: \`${[path.basename(command), ...args].join(' ')}\` failed (exit ${result.status})`);
  }
  return result.stdout;
}

/** `npm pack` of `dir` into dist/, without lifecycle scripts; returns the tarball's name and size. */
function npmPack(dir) {
  const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dist], dir);
  const [info] = JSON.parse(out.slice(out.indexOf('[')));
  return { file: info.filename, bytes: fs.statSync(path.join(dist, info.filename)).size, files: info.files.map((f) => f.path) };
}

// 1. The release build for this machine (cargo reuses an up-to-date build). With --no-build, the binary
// already built is packed as it is: the test suite builds once per run, and rebuilding here would rewrite
// the binary while other tests load it.
if (!process.argv.includes('--no-build')) run(process.execPath, [napi, 'build', '--platform', '--release'], root);
const built = fs
  .readdirSync(root)
  .filter((f) => f.startsWith(`${binaryName}.`) && f.endsWith('.node'))
  .map((f) => ({ f, mtime: fs.statSync(path.join(root, f)).mtimeMs }))
  .sort((a, b) => b.mtime - a.mtime);
if (built.length === 0) throw new Error('pack:local: no built .node file (run `npm run build`, or drop --no-build)');
const binaryFile = built[0].f;
const abi = binaryFile.slice(binaryName.length + 1, -'.node'.length);

// 2. The per-platform package directories, as the release generates them.
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
const npmDir = path.join(dist, 'npm');
run(process.execPath, [napi, 'create-npm-dirs', '--npm-dir', path.relative(root, npmDir)], root);
const platformDir = path.join(npmDir, abi);
if (!fs.existsSync(platformDir)) {
  throw new Error(`pack:local: this machine's target (${abi}) is not in package.json napi.targets`);
}
fs.copyFileSync(path.join(root, binaryFile), path.join(platformDir, binaryFile));
const binary = npmPack(platformDir);

// 3. The root package: the files its allowlist selects, and optionalDependencies on every target.
const stage = path.join(dist, 'root');
const listing = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], root);
const [rootInfo] = JSON.parse(listing.slice(listing.indexOf('[')));
for (const { path: file } of rootInfo.files) {
  fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
  fs.copyFileSync(path.join(root, file), path.join(stage, file));
}
const optionalDependencies = {};
for (const target of fs.readdirSync(npmDir).sort()) {
  optionalDependencies[`${pkg.name}-${target}`] = pkg.version;
}
fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({ ...pkg, optionalDependencies }, null, 2)}\n`);
const rootPackage = npmPack(stage);

const summary = { platform: abi, root: rootPackage, binary };
fs.writeFileSync(path.join(dist, 'pack.json'), `${JSON.stringify(summary, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`dist/${rootPackage.file}  ${kb(rootPackage.bytes)}  (${rootPackage.files.length} files)`);
console.log(`dist/${binary.file}  ${kb(binary.bytes)}  (${binary.files.length} files)`);
