import type { EventHandlerOptions, KafkaModuleOptions } from '../src';

/**
 * I/O-bound scenario, "concurrent" variant: key-ordered concurrency inside each partition, records of one
 * key still in order. The "one at a time" variant runs the same handler with the defaults.
 */
export const IO_CONCURRENT_MODULE_OPTIONS: Partial<KafkaModuleOptions> = {};
export const IO_CONCURRENT_HANDLER_OPTIONS: Partial<EventHandlerOptions> = { keyConcurrency: 32 };

/** How the report names the "concurrent" configuration. */
export function ioConcurrentDescription(): string {
  const parts = [
    ...Object.entries(IO_CONCURRENT_MODULE_OPTIONS).map(
      ([k, v]) => `\`${k}: ${JSON.stringify(v)}\` in forRoot`,
    ),
    ...Object.entries(IO_CONCURRENT_HANDLER_OPTIONS).map(
      ([k, v]) => `\`${k}: ${JSON.stringify(v)}\` in @EventHandler`,
    ),
  ];
  return parts.join(', ');
}
