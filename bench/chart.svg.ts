import { ScenarioSummary, SystemFamily } from './bench.types';

const COLORS: Record<SystemFamily, string> = {
  kafkajs: '#4e79a7',
  confluent: '#76b7b2',
  nest: '#e15759',
  library: '#59a14f',
  libraryConfluent: '#b07aa1',
  java: '#f28e2b',
};
const LEGEND: Record<SystemFamily, string> = {
  kafkajs: 'raw kafkajs',
  confluent: 'raw confluent',
  nest: "Nest's Kafka transport",
  library: 'library on kafkajs',
  libraryConfluent: 'library on confluent',
  java: 'Java tools (ceiling)',
};

const WIDTH = 960;
const LABEL_WIDTH = 330;
const BAR_WIDTH = 470;
const ROW = 22;
const PANEL_GAP = 18;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function rate(value: number): string {
  return value >= 10_000 ? `${Math.round(value / 1000)}k` : Math.round(value).toLocaleString('en-US');
}

/**
 * A horizontal bar chart of median throughput per system, one panel (and one scale) per throughput
 * scenario, with the min–max spread of the rounds as a whisker. Plain SVG, no chart library.
 */
export function throughputChart(scenarios: ScenarioSummary[], subtitle: string): string {
  const panels = scenarios.filter((s) => s.id !== 'e2e');
  const out: string[] = [];
  let y = 72;
  for (const panel of panels) {
    const systems = panel.systems.filter((s) => s.eventsPerSec);
    const top = Math.max(1, ...systems.map((s) => s.eventsPerSec!.max));
    out.push(
      `<text x="12" y="${y}" font-weight="bold" font-size="14">${escape(panel.title)} — events/s (median; whisker: min–max of rounds)</text>`,
    );
    y += 10;
    for (const system of panel.systems) {
      const s = system.eventsPerSec;
      const cy = y + ROW / 2;
      out.push(
        `<text x="${LABEL_WIDTH - 8}" y="${cy + 4}" text-anchor="end" font-size="12">${escape(system.label)}</text>`,
      );
      if (!s) {
        out.push(`<text x="${LABEL_WIDTH}" y="${cy + 4}" font-size="12" fill="#999">not measured</text>`);
      } else {
        const w = (v: number) => Math.max(1, (v / top) * BAR_WIDTH);
        out.push(
          `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${w(s.median).toFixed(1)}" height="${ROW - 6}" fill="${COLORS[system.family]}"/>`,
          `<line x1="${(LABEL_WIDTH + w(s.min)).toFixed(1)}" x2="${(LABEL_WIDTH + w(s.max)).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#333" stroke-width="1.2"/>`,
          `<text x="${(LABEL_WIDTH + w(s.max) + 6).toFixed(1)}" y="${cy + 4}" font-size="12">${rate(s.median)}</text>`,
        );
      }
      y += ROW;
    }
    y += PANEL_GAP;
  }
  const legend = (Object.keys(COLORS) as SystemFamily[]).map(
    (family, i) =>
      `<rect x="${12 + i * 155}" y="${y}" width="12" height="12" fill="${COLORS[family]}"/>` +
      `<text x="${30 + i * 155}" y="${y + 11}" font-size="12">${escape(LEGEND[family])}</text>`,
  );
  const height = y + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="24" font-size="17" font-weight="bold">Throughput per system (npm run bench)</text>`,
    `<text x="12" y="42" font-size="12" fill="#555">${escape(subtitle)}</text>`,
    ...out,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
