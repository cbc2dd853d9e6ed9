import type { LoggerService } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { kafkajsLogCreator, kafkajsLogLevel } from './kafkajs-log.bridge';

function bridge() {
  const lines: [string, string, string?][] = [];
  const logger: LoggerService = {
    log: (m: string) => void lines.push(['log', m]),
    warn: (m: string) => void lines.push(['warn', m]),
    error: (m: string, stack?: string) => void lines.push(['error', m, stack]),
    debug: (m: string) => void lines.push(['debug', m]),
  };
  const log = kafkajsLogCreator(logger)(logLevel.DEBUG);
  const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) =>
    log({
      namespace: 'x',
      level,
      label: 'ERROR',
      log: { timestamp: 't', logger: 'kafkajs', message, ...extra },
    });
  return { lines, entry };
}

describe('kafkajs log bridge', () => {
  it('writes what kafkajs retries by itself at WARN, without its stack', () => {
    const { lines, entry } = bridge();
    entry(logLevel.ERROR, 'Restarting the consumer in 11570ms', { retryCount: 3, stack: 'Error\n    at a' });
    entry(logLevel.ERROR, 'Response GroupCoordinator', { error: 'The coordinator is loading' });
    expect(lines).toEqual([
      ['warn', 'Restarting the consumer in 11570ms {"retryCount":3}'],
      ['warn', 'Response GroupCoordinator {"error":"The coordinator is loading"}'],
    ]);
  });

  it('keeps at ERROR what needs a person, with the stack as its own argument', () => {
    const { lines, entry } = bridge();
    entry(logLevel.ERROR, 'Crash', { error: 'SASL PLAIN authentication failed', stack: 'Error\n    at a' });
    expect(lines).toEqual([
      ['error', 'Crash {"error":"SASL PLAIN authentication failed"}', 'Error\n    at a'],
    ]);
  });

  it("maps the logLevel option to kafkajs' levels, warn by default", () => {
    expect(kafkajsLogLevel(undefined)).toBe(logLevel.WARN);
    expect(kafkajsLogLevel('nothing')).toBe(logLevel.NOTHING);
    expect(kafkajsLogLevel('debug')).toBe(logLevel.DEBUG);
  });
});
