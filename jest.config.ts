import type { Config } from 'jest';

const transform: Config['transform'] = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
// The reference design imports the module as '@/common/kafka'; its examples run unchanged against src/.
const moduleNameMapper = { '^@/common/kafka$': '<rootDir>/src/index.ts' };
// Jest's node environment, plus: a process warning caused by src/ or kafkajs fails the test (users would see it).
const testEnvironment = '<rootDir>/test/setup/warning-gate.environment.ts';

const config: Config = {
  // Integration tests wait on a real broker; each wait inside a test has its own, shorter deadline.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment,
      transform,
      moduleNameMapper,
      // No broker: specs beside the code they test, and the reference design's own test recipes (run as written).
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/broker/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
        '<rootDir>/test/reference/**/*.spec.ts',
        // KafkaTestingModule's specs on the in-memory transport; the integration project runs them on the broker.
        '<rootDir>/test/testing/**/*.spec.ts',
        '<rootDir>/test/setup/**/*.spec.ts',
        '<rootDir>/test/readme/**/*.spec.ts',
      ],
    },
    {
      displayName: 'integration',
      testEnvironment,
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts', '<rootDir>/test/testing/**/*.spec.ts'],
      // KAFKA_TEST_TRANSPORT=kafka: the test/testing specs run on the broker, unchanged.
      setupFiles: ['<rootDir>/test/setup/kafka-test-transport.ts'],
      // One broker for the whole run: started once before the first integration test, stopped after the last.
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      displayName: 'faults',
      testEnvironment,
      transform,
      moduleNameMapper,
      // Each fault test starts, stops and kills its own brokers; never the one named by KAFKA_BROKERS.
      testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
      // Clears .fault-results and notes the commit under test, so a run's results are its own.
      globalSetup: '<rootDir>/test/faults/support/fault-results.setup.ts',
    },
    {
      displayName: 'security',
      testEnvironment,
      transform,
      moduleNameMapper,
      // Starts its own broker that enforces SASL, TLS and ACLs; never the one named by KAFKA_BROKERS.
      testMatch: ['<rootDir>/test/security/**/*.spec.ts'],
    },
  ],
};

export default config;
