import type { LoggerService } from '@nestjs/common';
import { ThrottledLogger } from './throttled-logger';

function recorder() {
  const lines: [string, string][] = [];
  const inner: LoggerService = {
    log: (m: string) => void lines.push(['log', m]),
    warn: (m: string) => void lines.push(['warn', m]),
    error: (m: string, stack?: string) => void lines.push(['error', stack ? `${m} | ${stack}` : m]),
    debug: (m: string) => void lines.push(['debug', m]),
  };
  return { lines, inner };
}

describe('ThrottledLogger', () => {
  it('writes a repeated line once per window, ignoring numbers, and counts what it held back', () => {
    const { lines, inner } = recorder();
    let now = 0;
    const logger = new ThrottledLogger(inner, 60_000, () => now);
    logger.warn('Restarting the consumer in 1200ms');
    now = 1_000;
    logger.warn('Restarting the consumer in 1200.5ms');
    now = 5_000;
    logger.warn('Restarting the consumer in 2400ms');
    now = 30_000;
    logger.warn('Restarting the consumer in 4800ms');
    now = 61_000;
    logger.warn('Restarting the consumer in 9600ms');
    expect(lines).toEqual([
      ['warn', 'Restarting the consumer in 1200ms'],
      ['warn', 'Restarting the consumer in 9600ms (and 3 more like it in the last 61 s)'],
    ]);
  });

  it('keeps distinct lines and levels apart, and passes an error stack as its own argument', () => {
    const { lines, inner } = recorder();
    const logger = new ThrottledLogger(inner, 60_000, () => 0);
    logger.warn('a');
    logger.warn('b');
    logger.log('a');
    logger.error('boom', 'Error: boom\n    at x');
    expect(lines).toEqual([
      ['warn', 'a'],
      ['warn', 'b'],
      ['log', 'a'],
      ['error', 'boom | Error: boom\n    at x'],
    ]);
  });

  it('stays bounded when every line is different', () => {
    const { lines, inner } = recorder();
    let now = 0;
    const logger = new ThrottledLogger(inner, 60_000, () => now);
    for (let i = 0; i < 2000; i++) {
      now++;
      logger.log(`line ${'x'.repeat(i % 7)} ${String.fromCharCode(65 + (i % 26))}${i}`);
    }
    expect(lines.length).toBeGreaterThan(0);
    expect((logger as unknown as { seen: Map<string, unknown> }).seen.size).toBeLessThanOrEqual(500);
  });
});
