import { EventValidationError } from '../errors/event-validation.error';
import type { EventValidationIssue } from '../interfaces/event-schema.interface';
import type { StandardSchemaV1 } from '../interfaces/standard-schema.interface';

/** What class-validator's `validate` and `validateOrReject` give for each invalid property. */
interface ClassValidatorError {
  property: string;
  constraints?: Record<string, string>;
  children?: ClassValidatorError[];
}

const MAX_FIELD_CHARS = 256;

/** Standard Schema issues as `path: message` pairs; path segments joined with dots. */
export function fromStandardIssues(issues: readonly StandardSchemaV1.Issue[]): EventValidationIssue[] {
  return issues.map((issue) => ({
    path: (issue.path ?? [])
      .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
      .join('.'),
    message: issue.message,
  }));
}

/** class-validator's nested errors, flattened: one issue per failed constraint's property. */
export function fromClassValidatorErrors(errors: readonly unknown[], parent = ''): EventValidationIssue[] {
  return errors.flatMap((error): EventValidationIssue[] => {
    if (!isClassValidatorError(error)) return [{ path: parent, message: describe(error) }];
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [
      ...(own.length > 0 ? [{ path, message: own.join('; ') }] : []),
      ...fromClassValidatorErrors(error.children ?? [], path),
    ];
  });
}

/**
 * A handler's failure as a validation failure, if it is one: an EventValidationError (a schema refused the
 * payload), or an array thrown by a validator used inside the handler (class-validator's `validateOrReject`).
 */
export function asValidationError(error: unknown, handler: string): EventValidationError | undefined {
  if (error instanceof EventValidationError) return error;
  if (Array.isArray(error)) return new EventValidationError(handler, fromClassValidatorErrors(error));
  return undefined;
}

/**
 * The issues in what a pipe threw: class-validator's errors (an array, or an exception whose response holds
 * them, as ValidationPipe's `exceptionFactory` may give), the messages of Nest's BadRequestException (what
 * ValidationPipe throws: `response.message` is a string or a list of them), or the error's own message.
 */
export function fromPipeRejection(error: unknown): EventValidationIssue[] {
  if (Array.isArray(error)) return fromClassValidatorErrors(error);
  const response = responseOf(error);
  const message =
    response !== null && typeof response === 'object'
      ? (response as { message?: unknown }).message
      : response;
  if (Array.isArray(message) && message.length > 0) {
    return message.every((m) => typeof m === 'string')
      ? message.map((m: string) => ({ path: '', message: m }))
      : fromClassValidatorErrors(message);
  }
  if (typeof message === 'string' && message) return [{ path: '', message }];
  return [{ path: '', message: describe(error) }];
}

/** An HttpException's `getResponse()`, an RpcException's `getError()`, or undefined. */
function responseOf(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return undefined;
  const source = error as { getResponse?: () => unknown; getError?: () => unknown };
  if (typeof source.getResponse === 'function') return source.getResponse();
  if (typeof source.getError === 'function') return source.getError();
  return undefined;
}

/**
 * The `dlq-validation-issues` header: the issues as JSON, each field cut to 256 characters, and as many issues
 * as fit in `maxBytes` (whole ones only, so the header always parses).
 */
export function validationIssuesHeader(issues: readonly EventValidationIssue[], maxBytes: number): string {
  const kept: EventValidationIssue[] = [];
  for (const issue of issues) {
    const next = [...kept, { path: cut(issue.path), message: cut(issue.message) }];
    if (Buffer.byteLength(JSON.stringify(next)) > maxBytes) break;
    kept.push(next[next.length - 1]);
  }
  return JSON.stringify(kept);
}

function cut(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text;
}

function isClassValidatorError(value: unknown): value is ClassValidatorError {
  return (
    value !== null && typeof value === 'object' && typeof (value as ClassValidatorError).property === 'string'
  );
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
