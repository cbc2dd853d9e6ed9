import { join } from 'node:path';
import { WarningGate } from './warning-gate';

const root = join('/', 'repo');
const warning = (name: string, frames: string[]): Error => {
  const error = new Error(`${name} message`);
  error.name = name;
  error.stack = [`${name}: ${name} message`, ...frames.map((frame) => `    at ${frame}`)].join('\n');
  return error;
};

describe('WarningGate', () => {
  it("fails on a warning whose stack runs through kafkajs, as kafkajs' TimeoutNegativeWarning does", () => {
    const gate = new WarningGate(root);
    const timeoutNegative = warning('TimeoutNegativeWarning', [
      'new Timeout (node:internal/timers:233:17)',
      'RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)',
    ]);

    expect(gate.collect(timeoutNegative)).toBe(true);
    const [failure, ...rest] = gate.take();
    expect(rest).toEqual([]);
    expect(failure.message).toContain('TimeoutNegativeWarning: TimeoutNegativeWarning message');
    expect(failure.stack).toContain(
      'at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src',
    );
    expect(gate.take()).toEqual([]);
  });

  it("fails on a warning whose stack runs through the library's src/", () => {
    const gate = new WarningGate(root);
    const leak = warning('MaxListenersExceededWarning', [
      '_addListener (node:events:587:17)',
      `KafkaOrchestrator.start (${join(root, 'src', 'kafka.orchestrator.ts')}:40:7)`,
    ]);

    expect(gate.collect(leak)).toBe(true);
    expect(gate.take()).toHaveLength(1);
  });

  it("lets the test tooling's own warnings pass, and a src/ of another package", () => {
    const gate = new WarningGate(root);
    const vmModules = warning('ExperimentalWarning', ['emitExperimentalWarning (node:internal/util:283:11)']);
    const otherSrc = warning('DeprecationWarning', ['x (/app/node_modules/ts-jest/src/index.js:1:1)']);

    expect(gate.collect(vmModules)).toBe(false);
    expect(gate.collect(otherSrc)).toBe(false);
    expect(gate.take()).toEqual([]);
  });
});
