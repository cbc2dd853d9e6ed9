/** @jest-config-loader ts-node */
import type { Config } from 'jest';
import vm from 'node:vm';
import base from './jest.config';

// Nest 12 is ESM-only. A CommonJS test (ts-jest's default) loads it through Jest's require(esm), which needs
// Node 24.9+ and vm modules; on older Node, Jest fails with "Must use import to load ES Module".
if (
  typeof (vm as { SourceTextModule?: { prototype: { hasAsyncGraph?: unknown } } }).SourceTextModule?.prototype
    .hasAsyncGraph !== 'function'
) {
  throw new Error('The Nest 12 run needs Node 24.9+ and NODE_OPTIONS=--experimental-vm-modules');
}

/**
 * The reference design's examples (and the testing kit) against Nest 12, installed in test/nest12 by
 * `npm ci --prefix test/nest12`: every @nestjs package, rxjs and reflect-metadata, whoever imports them
 * (the tests, src/, Nest itself), come from there instead of the root's Nest 11.
 */
const moduleNameMapper = {
  ...(base.projects![0] as { moduleNameMapper: Record<string, string> }).moduleNameMapper,
  '^(@nestjs/[^/]+|rxjs|reflect-metadata)(/.*)?$': '<rootDir>/test/nest12/node_modules/$1$2',
};
const project = (name: string) => {
  const found = base.projects!.find((p) => typeof p === 'object' && p.displayName === name);
  return { ...(found as object), displayName: `nest12-${name}`, moduleNameMapper };
};

const config: Config = {
  testTimeout: base.testTimeout,
  projects: [
    {
      ...project('unit'),
      testMatch: [
        '<rootDir>/test/compat/nest12.spec.ts',
        '<rootDir>/test/reference/**/*.spec.ts',
        '<rootDir>/test/readme/**/*.spec.ts',
        // The testing kit (KafkaTestingModule), on its in-memory transport.
        '<rootDir>/test/testing/**/*.spec.ts',
      ],
    },
    {
      ...project('integration'),
      testMatch: [
        '<rootDir>/test/integration/reference-design.spec.ts',
        // Testing kit (KafkaTestingModule): add its real-broker specs here.
      ],
    },
  ],
};

export default config;
