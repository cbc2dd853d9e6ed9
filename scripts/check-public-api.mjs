// After `tsc`: the declarations a user's compiler reads from each entry of package.json `exports` (dist/index.d.ts,
// dist/testing/index.d.ts and every file they reach) name no class that an entry does not export, so no internal
// class leaks into the public API; and the main entry reaches nothing of the testing kit or the in-memory client.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const declarations = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? declarations(join(dir, e.name)) : e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
const classesOf = (text) => [...text.matchAll(/declare (?:abstract )?class (\w+)/g)].map((m) => m[1]);

const ENTRIES = { '.': 'index.d.ts', './testing': 'testing/index.d.ts' };
/** Declaration files an entry's compiler reads: the entry and every file it imports, transitively. */
const reachedFrom = (entry) => {
  const reached = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (reached.has(file)) continue;
    reached.add(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']*)'/g)) {
      const target = [`${path}.d.ts`, join(path, 'index.d.ts')]
        .map((p) => join(dirname(file), p))
        .find((p) => existsSync(p));
      if (target) pending.push(target);
    }
  }
  return reached;
};
const problems = [];
const pkg = JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8'));
for (const [subpath, file] of Object.entries(ENTRIES)) {
  if (pkg.exports?.[subpath]?.types !== `./dist/${file}`)
    problems.push(`package.json exports["${subpath}"].types is not ./dist/${file}`);
  if (!existsSync(join(dist, file))) problems.push(`${file} was not built`);
}
if (problems.length === 0) {
  const declared = new Set(Object.keys(pkg.exports).filter((k) => k !== './package.json'));
  for (const subpath of declared)
    if (!(subpath in ENTRIES)) problems.push(`exports["${subpath}"] is not checked here: add it to ENTRIES`);
}
if (problems.length > 0) {
  process.stderr.write(`Entries:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
const fromEntry = Object.fromEntries(
  Object.entries(ENTRIES).map(([subpath, file]) => [subpath, reachedFrom(join(dist, file))]),
);
const reached = new Set(Object.values(fromEntry).flatMap((files) => [...files]));
// What only tests load stays out of the main entry, declarations included.
for (const file of fromEntry['.']) {
  const path = relative(dist, file);
  if (path.startsWith('testing/') || path.startsWith('client/in-memory/'))
    problems.push(`index.d.ts reaches ${path}: the testing kit belongs to the testing entry only`);
}

// Names the barrel exports: `export { A, B } from`, and every class of a module it re-exports whole.
const exported = new Set();
const collect = (file) => {
  const text = readFileSync(file, 'utf8');
  for (const [, names] of text.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const name of names.split(','))
      exported.add(
        name
          .trim()
          .split(/\s+as\s+/)
          .pop(),
      );
  }
  for (const [, path] of text.matchAll(/export \* from '(\.[^']*)'/g)) {
    const target = [`${path}.d.ts`, join(path, 'index.d.ts')]
      .map((p) => join(dirname(file), p))
      .find((p) => existsSync(p));
    if (!target) continue;
    for (const name of classesOf(readFileSync(target, 'utf8'))) exported.add(name);
    collect(target);
  }
};
for (const file of Object.values(ENTRIES)) collect(join(dist, file));
const internal = declarations(dist)
  .flatMap((file) => classesOf(readFileSync(file, 'utf8')))
  .filter((name) => !exported.has(name));
const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

for (const file of reached) {
  const text = withoutComments(readFileSync(file, 'utf8'));
  for (const name of internal) {
    if (new RegExp(`\\b${name}\\b`).test(text)) problems.push(`${relative(dist, file)} mentions ${name}`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`Public declarations:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(
  `Public API: ${Object.entries(fromEntry)
    .map(([subpath, files]) => `${files.size} declaration files reached from "${subpath}"`)
    .join(', ')}; no internal class named.\n`,
);
