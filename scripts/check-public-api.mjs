// After `tsc`: the declarations a user's compiler reads (dist/index.d.ts and every file it reaches) name
// no class that src/index.ts does not export, so no internal class leaks into the public API.
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

const index = join(dist, 'index.d.ts');
const reached = new Set();
const pending = [index];
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
collect(index);
const internal = declarations(dist)
  .flatMap((file) => classesOf(readFileSync(file, 'utf8')))
  .filter((name) => !exported.has(name));
const withoutComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

const leaks = [];
for (const file of reached) {
  const text = withoutComments(readFileSync(file, 'utf8'));
  for (const name of internal) {
    if (new RegExp(`\\b${name}\\b`).test(text)) leaks.push(`${relative(dist, file)} mentions ${name}`);
  }
}
if (leaks.length > 0) {
  process.stderr.write(`Internal classes in the public declarations:\n  ${leaks.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(
  `Public API: ${reached.size} declaration files reached from index.d.ts, no internal class named.\n`,
);
