import { KafkaConfigError } from '../errors/kafka-config.error';
import { invalidSetting } from '../kafka.messages';

/** A whole number above 0, or KafkaConfigError naming `setting`. */
export function positive(value: number, setting: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new KafkaConfigError(setting, invalidSetting(setting, value, 'must be a positive whole number'));
  }
  return value;
}

/** 0 or a whole number above it, or KafkaConfigError naming `setting`. */
export function nonNegative(value: number, setting: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new KafkaConfigError(
      setting,
      invalidSetting(setting, value, 'must be 0 or a positive whole number'),
    );
  }
  return value;
}
