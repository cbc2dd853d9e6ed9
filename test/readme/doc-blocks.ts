import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * A TypeScript block of a Markdown file, with the marker written just before its fence (prettier puts a blank
 * line between the two):
 *   <!-- compile: as app.module.ts -->     the block is the file app.module.ts (other blocks import it as ./app.module)
 *   <!-- compile: in statements -->        a fragment: it is compiled inside the named scope (doc-blocks.spec.ts)
 *   <!-- compile: skip <reason> -->        not compiled (a signature, a sketch); say why
 * A block without a marker is a whole file a user pastes as it is.
 */
export interface DocBlock {
  /** `README.md:32`: the file and the line of the opening fence. */
  readonly where: string;
  readonly code: string;
  /** The file name the block is compiled as. */
  readonly fileName: string;
  readonly scope?: string;
  readonly skip?: string;
}

const FENCE = /^```(typescript|ts)\s*$/;
const MARKER = /^<!--\s*compile:\s*(as|in|skip)\b\s*(.*?)\s*-->$/;

export function docBlocks(path: string): DocBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const doc = basename(path, '.md');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i])) {
      // Skip over other fenced blocks whole, so a fence inside them is not read as one.
      if (lines[i].startsWith('```')) i = closingFence(lines, i, path);
      continue;
    }
    const end = closingFence(lines, i, path);
    const where = `${path.replace(/^.*\/(?=(README\.md|docs\/))/, '')}:${i + 1}`;
    let above = i - 1;
    while (above > 0 && lines[above].trim() === '') above--;
    const marker = MARKER.exec(lines[above] ?? '');
    const [kind, argument] = marker ? [marker[1], marker[2]] : [undefined, ''];
    if ((kind === 'as' || kind === 'in' || kind === 'skip') && !argument)
      throw new Error(`${where}: "compile: ${kind}" needs an argument`);
    blocks.push({
      where,
      code: lines.slice(i + 1, end).join('\n'),
      fileName: kind === 'as' ? argument : `${doc.toLowerCase()}-${i + 1}.ts`,
      scope: kind === 'in' ? argument : undefined,
      skip: kind === 'skip' ? argument : undefined,
    });
    i = end;
  }
  return blocks;
}

function closingFence(lines: string[], open: number, path: string): number {
  for (let j = open + 1; j < lines.length; j++) if (lines[j].startsWith('```')) return j;
  throw new Error(`${path}:${open + 1}: a code fence is never closed`);
}
