import type { StandardSchemaV1 } from './standard-schema.interface';

/** A class-validator DTO: a class whose properties carry class-validator decorators. */
export type EventDtoClass<T = unknown> = new (...args: never[]) => T;

/** What `@EventHandler({ schema })` takes: any Standard Schema validator, or a class-validator DTO class. */
export type EventSchema<T = unknown> = StandardSchemaV1<unknown, T> | EventDtoClass<T>;

/** The event a schema lets through: its output type (a zod schema's `z.output`), or the DTO class's instance. */
export type EventOf<TSchema> = TSchema extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<TSchema>
  : TSchema extends EventDtoClass<infer T>
    ? T
    : unknown;

/**
 * Events by name, for typing `send(eventName, payload)` and the handlers of an exact event name. Empty here;
 * an app adds its events by declaration merging:
 *
 * ```ts
 * declare module 'nestjs-kafka-event-system' {
 *   interface KafkaEventMap {
 *     'orders.order.created': { orderId: string; total: number };
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the app's declaration merging
export interface KafkaEventMap {}

/** The payload of an event by name: its entry in KafkaEventMap, else unknown. */
export type EventPayload<TName extends string> = TName extends keyof KafkaEventMap
  ? KafkaEventMap[TName]
  : unknown;

/** One problem a schema found in a payload. */
export interface EventValidationIssue {
  /** Where in the payload, as a dotted path (`items.0.sku`); '' for the payload itself. */
  path: string;
  message: string;
}
