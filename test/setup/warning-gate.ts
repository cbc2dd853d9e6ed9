import { sep } from 'node:path';

/**
 * Decides which process warnings fail a test: those whose stack runs through the library's own code
 * (`<rootDir>/src/`) or through kafkajs, which runs only because the library calls it. Warnings of the test
 * tooling (Jest's `--experimental-vm-modules`, say) are not ours to fix and pass.
 */
export class WarningGate {
  private readonly ourPaths: string[];
  private readonly caught: Error[] = [];

  constructor(rootDir: string) {
    this.ourPaths = [`${rootDir}${sep}src${sep}`, `${sep}node_modules${sep}kafkajs${sep}`];
  }

  /** Keeps the warning when it is ours; returns whether it was. */
  collect(warning: Error): boolean {
    const ours = this.ourPaths.some((path) => (warning.stack ?? '').includes(path));
    if (ours) this.caught.push(warning);
    return ours;
  }

  /** The warnings collected since the last call, as errors that say what to do, with the warning's own stack. */
  take(): Error[] {
    return this.caught.splice(0).map((warning) => {
      const failure = new Error(
        `${warning.name}: ${warning.message}\n` +
          'A process warning caused by the library (src/) or by kafkajs fails the test: users would see it.',
      );
      const frames = (warning.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
      failure.stack = [`Error: ${failure.message}`, ...frames].join('\n');
      return failure;
    });
  }
}
