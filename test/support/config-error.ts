import { KafkaConfigError } from '../../src/errors/kafka-config.error';

/** Runs `run`, expecting it to throw a KafkaConfigError, and returns that error for its setting and message. */
export function configError(run: () => unknown): KafkaConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaConfigError);
    return error as KafkaConfigError;
  }
  throw new Error('expected a KafkaConfigError');
}
