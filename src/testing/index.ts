// The testing entry, `nestjs-kafka-event-system/testing`: what only tests load. KafkaModule's drop-in for
// Test.createTestingModule, its harness, a context for unit tests, and the in-memory client behind them.
export { KafkaTestingModule } from './kafka-testing.module';
export { KafkaTestHarness } from './kafka-test.harness';
export { createEventContext } from './event-context.factory';
export type * from './kafka-testing.interfaces';
export { EmitTimeoutError, KafkaTestingSetupError } from '../errors/kafka-testing.error';
export { InMemoryClientFactory } from '../client/in-memory/in-memory-client.factory';
export { InMemoryCluster } from '../client/in-memory/in-memory.cluster';
export type { InMemoryClusterOptions, InMemoryMember } from '../client/in-memory/in-memory.cluster';
