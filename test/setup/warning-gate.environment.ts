import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { WarningGate } from './warning-gate';

/**
 * Jest's node environment, plus: a process warning caused by the library or kafkajs fails the test it happened
 * in (or the file, when it comes after the last test). The environment runs outside the test's sandbox, so it
 * listens on the real `process`, where Node emits them.
 */
export default class WarningGateEnvironment extends TestEnvironment {
  private readonly gate: WarningGate;
  private readonly onWarning = (warning: Error) => this.gate.collect(warning);

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.gate = new WarningGate(config.projectConfig.rootDir);
    process.on('warning', this.onWarning);
  }

  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_done') event.test.errors.push(...this.gate.take());
  }

  override async teardown(): Promise<void> {
    // Node emits a warning on the next tick: give the last test's a chance to arrive.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', this.onWarning);
    await super.teardown();
    const late = this.gate.take();
    if (late.length > 0) throw late[0];
  }
}
