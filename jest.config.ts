import type { Config } from 'jest';

const transform: Config['transform'] = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

const config: Config = {
  // Integration tests wait on a real broker; each wait inside a test has its own, shorter deadline.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      // Pure logic only: specs beside the code they test, no broker.
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/broker/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts'],
      // One broker for the whole run: started once before the first integration test, stopped after the last.
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

export default config;
