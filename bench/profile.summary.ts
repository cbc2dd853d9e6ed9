import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ProfileSummary, ScenarioId } from './bench.types';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: CpuProfileNode[];
}

const ROOT = resolve(__dirname, '..');
const HOTSPOTS = 15;
/** V8's pseudo-frames for time not spent running JavaScript. */
const IDLE = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: this library, kafkajs, Nest, Node itself, startup compilation, ... */
function area(frame: CpuProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (!url) return 'native / runtime';
  if (url.startsWith('node:')) return 'node core';
  if (/node_modules\/(typescript|ts-node|@cspotcode|source-map)/.test(url)) return 'startup (ts-node)';
  if (url.includes('node_modules/kafkajs/')) return 'kafkajs';
  if (url.includes('node_modules/@nestjs/')) return 'nest';
  if (url.includes('node_modules/rxjs/')) return 'rxjs';
  if (url.includes('node_modules/')) return 'other dependencies';
  const path = relative(ROOT, url.replace(/^file:\/\//, ''));
  if (path.startsWith('src/')) return 'library (src/)';
  if (path.startsWith('bench/')) return 'bench workload';
  return 'other';
}

/**
 * Self time by function and by area, in percent of the busy samples (idle excluded, and startup compilation
 * by ts-node too, which a built app would not do).
 */
export function summarizeProfile(file: string, scenario: ScenarioId, system: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const areas = new Map<string, number>();
  const functions = new Map<string, { function: string; location: string; hits: number }>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (hits === 0 || IDLE.has(functionName)) continue;
    const where = area(node.callFrame);
    if (where === 'startup (ts-node)') continue;
    busy += hits;
    areas.set(where, (areas.get(where) ?? 0) + hits);
    const location = url ? `${relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '(native)';
    const key = `${functionName}\u0000${location}`;
    const entry = functions.get(key) ?? { function: functionName || '(anonymous)', location, hits: 0 };
    entry.hits += hits;
    functions.set(key, entry);
  }
  const percent = (hits: number) => Math.round((hits / Math.max(1, busy)) * 1000) / 10;
  return {
    system,
    scenario,
    file: relative(ROOT, file),
    areas: Object.fromEntries([...areas].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, percent(v)])),
    hotspots: [...functions.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, HOTSPOTS)
      .map((f) => ({ function: f.function, location: f.location, selfPercent: percent(f.hits) })),
  };
}
