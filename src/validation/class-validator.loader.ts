/** The two functions of class-validator and class-transformer a DTO schema needs. */
interface ClassValidation {
  plainToInstance(cls: new (...args: never[]) => unknown, plain: unknown): unknown;
  validate(instance: object): Promise<unknown[]>;
}

let loaded: ClassValidation | null | undefined;

/**
 * class-validator and class-transformer from the app's own dependencies, or null when either is missing: they
 * are optional, and only a handler with a DTO class as its schema needs them. Loaded once, at bootstrap.
 */
export function loadClassValidation(): ClassValidation | null {
  if (loaded !== undefined) return loaded;
  try {
    // Optional dependencies: a static import would make every app install them.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const validator = require('class-validator') as Pick<ClassValidation, 'validate'>;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const transformer = require('class-transformer') as Pick<ClassValidation, 'plainToInstance'>;
    loaded = { validate: validator.validate, plainToInstance: transformer.plainToInstance };
  } catch {
    loaded = null;
  }
  return loaded;
}
