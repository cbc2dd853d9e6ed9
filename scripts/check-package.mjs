// After `npm run build`: what `npm pack` would publish is what a user needs, and it holds together. Fails (exit 1)
// when the tarball lacks LICENSE, README, the changelog or dist/, ships anything else (sources, specs, source
// maps), when an `exports` target is not shipped or does not load by the package's name through `require` and
// `import`, or when a relative link of the README or a shipped doc points at a file the tarball lacks.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
const targets = JSON.stringify(pkg.exports ?? {}).match(/"\.\/[^"]+"/g) ?? [];
if (!pkg.exports?.['.']?.types || !pkg.exports?.['.']?.require)
  problems.push('exports["."] lacks types or require');
for (const target of targets.map((t) => t.slice(3, -1)))
  if (!files.has(target)) problems.push(`exports names ./${target}, which is not shipped`);
const expected = ['KafkaModule', 'EventHandler', 'KafkaProducerService', 'KafkaHealthIndicator'];
const required = createRequire(join(root, 'package.json'))(pkg.name);
const imported = await import(pkg.name);
for (const name of expected) {
  if (!required[name]) problems.push(`require('${pkg.name}') has no ${name}`);
  if (!imported[name]) problems.push(`import { ${name} } from '${pkg.name}' is undefined`);
}

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
