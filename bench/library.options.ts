import type { EventHandlerOptions, KafkaModuleOptions } from '../src';

/**
 * I/O-bound scenario, "concurrent" variant: the most concurrency the library offers today for one group
 * (partitions processed in parallel; records of a partition one at a time). When key-ordered concurrency
 * lands, switch it on here (module or handler options) and the speedup ratio measures it.
 */
export const IO_CONCURRENT_MODULE_OPTIONS: Partial<KafkaModuleOptions> = { consumer: { concurrency: 6 } };
export const IO_CONCURRENT_HANDLER_OPTIONS: Partial<EventHandlerOptions> = {};

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
