// After `npm run build`: what `npm pack` would publish is what a user needs, and it holds together. Fails (exit 1)
// when the tarball lacks LICENSE, README, the changelog or dist/, ships anything else (sources, specs, source
// maps), when an `exports` target is not shipped or does not load by the package's name through `require` and
// `import`, when the packed tarball's entries (main and `/testing`) do not resolve for Node and for TypeScript
// (moduleResolution node10 and node16) or its main entry loads the testing kit, or when a relative link of the README or a shipped doc points at a file the tarball lacks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root }),
);
const files = new Set(packed.files.map((f) => f.path));
const problems = [];

for (const required of [
  'LICENSE',
  'README.md',
  'CHANGELOG.md',
  'package.json',
  'dist/index.js',
  'dist/index.d.ts',
])
  if (!files.has(required)) problems.push(`${required} is not in the tarball`);
const allowed = (f) =>
  ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'].includes(f) ||
  /^dist\/.*\.(js|d\.ts)$/.test(f) ||
  /^docs\/[^/]+\.md$/.test(f);
for (const f of files) {
  if (!allowed(f))
    problems.push(`${f} is shipped: only dist/*.js, dist/*.d.ts, docs/*.md and the top files are`);
  if (/\.spec\./.test(f)) problems.push(`${f} is a spec`);
  if (/\.(js|d\.ts)$/.test(f) && readFileSync(join(root, f), 'utf8').includes('sourceMappingURL'))
    problems.push(`${f} points at a source map`);
}

// exports: every target shipped; the package loads by its own name (Node's self-reference) both ways.
// The files `exports` points at (its values; its keys are subpaths).
const targetsOf = (node) =>
  typeof node === 'string' ? [node] : Object.values(node ?? {}).flatMap((value) => targetsOf(value));
const targets = targetsOf(pkg.exports);
if (!pkg.exports?.['.']?.types || !pkg.exports?.['.']?.require)
  problems.push('exports["."] lacks types or require');
for (const target of targets.map((t) => t.slice(2)))
  if (!files.has(target)) problems.push(`exports names ./${target}, which is not shipped`);
const expected = ['KafkaModule', 'EventHandler', 'KafkaProducerService', 'KafkaHealthIndicator'];
const required = createRequire(join(root, 'package.json'))(pkg.name);
const imported = await import(pkg.name);
for (const name of expected) {
  if (!required[name]) problems.push(`require('${pkg.name}') has no ${name}`);
  if (!imported[name]) problems.push(`import { ${name} } from '${pkg.name}' is undefined`);
}

// Each entry of `exports` by name: the testing kit from `/testing` only, and the main entry loads none of it.
const testingNames = ['KafkaTestingModule', 'KafkaTestHarness', 'InMemoryClientFactory'];
const testing = createRequire(join(root, 'package.json'))(`${pkg.name}/testing`);
for (const name of testingNames) {
  if (!testing[name]) problems.push(`require('${pkg.name}/testing') has no ${name}`);
  if (required[name]) problems.push(`require('${pkg.name}') has ${name}: it belongs to /testing`);
}

// The packed tarball, installed where a user's app has it (its peers resolve from this repository's
// node_modules): both entries load by name, the main one without test code, and TypeScript finds both with
// moduleResolution node10 (typesVersions) and node16 (exports).
const app = join(root, '.cache', 'package-check');
rmSync(app, { recursive: true, force: true });
const installed = join(app, 'node_modules', pkg.name);
mkdirSync(installed, { recursive: true });
const [tarball] = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', app], { cwd: root }),
);
execFileSync('tar', ['xzf', join(app, tarball.filename), '-C', installed, '--strip-components=1']);
const loads = (script) =>
  JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' }));
const main = loads(
  `const m = require('${pkg.name}'); console.log(JSON.stringify({ names: Object.keys(m), loaded: Object.keys(require.cache) }))`,
);
const testCode = main.loaded.filter((f) => /[\\/]dist[\\/](testing|client[\\/]in-memory)[\\/]/.test(f));
if (testCode.length > 0) problems.push(`the packed main entry loads test code: ${testCode.join(', ')}`);
if (!main.names.includes('KafkaModule')) problems.push(`the packed main entry has no KafkaModule`);
const packedTesting = loads(`console.log(JSON.stringify(Object.keys(require('${pkg.name}/testing'))))`);
for (const name of testingNames)
  if (!packedTesting.includes(name)) problems.push(`the packed ${pkg.name}/testing has no ${name}`);
writeFileSync(
  join(app, 'entries.ts'),
  `import { KafkaModule } from '${pkg.name}';\n` +
    `import { KafkaTestHarness, KafkaTestingModule } from '${pkg.name}/testing';\n` +
    `export const used: unknown[] = [KafkaModule, KafkaTestingModule.forRoot(), (h: KafkaTestHarness) => h.emit('a.b', {})];\n`,
);
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const [module, resolution] of [
  ['commonjs', 'node10'],
  ['node16', 'node16'],
]) {
  try {
    execFileSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--experimentalDecorators',
        '--target',
        'es2022',
        '--module',
        module,
        '--moduleResolution',
        resolution,
        '--ignoreDeprecations',
        '5.0',
        'entries.ts',
      ],
      { cwd: app, encoding: 'utf8' },
    );
  } catch (error) {
    problems.push(
      `TypeScript (moduleResolution ${resolution}) cannot use the packed entries: ${error.stdout}`,
    );
  }
}
rmSync(app, { recursive: true, force: true });

// Relative links of the README and the shipped docs resolve inside the tarball.
// docs/benchmarks.md shows a run's raw results, which stay in the repository (bench/results/).
const leavesPackage = (from, target) => from === 'docs/benchmarks.md' && target.startsWith('bench/results/');
for (const doc of [...files].filter((f) => f.endsWith('.md') && f !== 'CHANGELOG.md')) {
  const text = readFileSync(join(root, doc), 'utf8');
  for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(link) || link.startsWith('#')) continue;
    const target = normalize(join(dirname(doc), link.split('#')[0])).replaceAll('\\', '/');
    if (!files.has(target) && !leavesPackage(doc, target))
      problems.push(`${doc} links to ${link}, which is not in the tarball`);
  }
}

if (problems.length > 0) {
  console.error(`Package contents:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `Package: ${files.size} files (${[...files].filter((f) => !f.startsWith('dist/')).join(', ')}, dist/)`,
);
