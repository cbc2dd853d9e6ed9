// Guards the Nest 12 run (jest.nest12.config.ts): what the examples and src/ load is Nest 12. This file lies
// outside test/nest12/, so only the config's module mapping can lead it there.
/* eslint-disable @typescript-eslint/no-require-imports */
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

describe('the Nest 12 run', () => {
  it.each([
    '@nestjs/common',
    '@nestjs/core',
    '@nestjs/testing',
    '@nestjs/terminus',
    '@nestjs/platform-express',
  ])('loads %s 12', (name) => {
    expect(versionOf(name)).toMatch(/^12\./);
  });

  it("loads Nest 12 as ES modules (Jest's require(esm))", () => {
    const common = require('@nestjs/common') as object;
    // An ES module's namespace object; Nest 11's CommonJS exports are a plain object.
    expect(Object.prototype.toString.call(common)).toBe('[object Module]');
  });
});
