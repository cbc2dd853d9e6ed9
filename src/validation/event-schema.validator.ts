import { EventHandlerDefinitionError } from '../errors/event-handler-definition.error';
import { EventValidationError } from '../errors/event-validation.error';
import type { EventDtoClass, EventSchema } from '../interfaces/event-schema.interface';
import type { StandardSchemaV1 } from '../interfaces/standard-schema.interface';
import { loadClassValidation } from './class-validator.loader';
import { fromClassValidatorErrors, fromStandardIssues } from './validation-issues';

type Invoke<C> = (event: unknown, context: C) => unknown;

/**
 * A handler's `invoke` that first checks the event against `schema` and hands the handler the schema's output
 * (a Standard Schema's `value`, or a DTO instance); an invalid event throws EventValidationError, which is
 * parked at once. Made once at bootstrap; a schema that cannot be used stops startup, naming the handler.
 */
export function validatingInvoke<C>(handler: string, schema: EventSchema, invoke: Invoke<C>): Invoke<C> {
  const check = compileSchema(handler, schema);
  return (event, context) => {
    const checked = check(event);
    return checked instanceof Promise
      ? checked.then((value) => invoke(value, context))
      : invoke(checked, context);
  };
}

/** The schema as one function: the valid event (or a promise of it), or EventValidationError thrown. */
function compileSchema(handler: string, schema: EventSchema): (event: unknown) => unknown {
  if (isStandardSchema(schema)) {
    const validate = schema['~standard'].validate;
    const settle = (result: StandardSchemaV1.Result<unknown>) => {
      if (result.issues) throw new EventValidationError(handler, fromStandardIssues(result.issues));
      return result.value;
    };
    return (event) => {
      const result = validate(event);
      return result instanceof Promise ? result.then(settle) : settle(result);
    };
  }
  if (typeof schema === 'function') return classSchema(handler, schema);
  throw new EventHandlerDefinitionError(
    handler,
    `@EventHandler ${handler} has a schema that is neither a Standard Schema validator (zod, valibot, arktype, ...) ` +
      `nor a class: pass one of those, or leave schema out.`,
  );
}

function classSchema(handler: string, dto: EventDtoClass): (event: unknown) => Promise<unknown> {
  const classValidation = loadClassValidation();
  if (!classValidation) {
    throw new EventHandlerDefinitionError(
      handler,
      `@EventHandler ${handler} has the class ${dto.name || '(anonymous)'} as its schema, which needs ` +
        `class-validator and class-transformer: install both (npm install class-validator class-transformer), ` +
        `or pass a Standard Schema validator instead.`,
    );
  }
  const { plainToInstance, validate } = classValidation;
  return async (event) => {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new EventValidationError(handler, [
        { path: '', message: `expected an object, got ${kindOf(event)}` },
      ]);
    }
    const instance = plainToInstance(dto, event) as object;
    const errors = await validate(instance);
    if (errors.length > 0) throw new EventValidationError(handler, fromClassValidatorErrors(errors));
    return instance;
  };
}

function isStandardSchema(schema: unknown): schema is StandardSchemaV1 {
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'function')) return false;
  const props = (schema as Partial<StandardSchemaV1>)['~standard'];
  return props !== undefined && typeof props.validate === 'function';
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
