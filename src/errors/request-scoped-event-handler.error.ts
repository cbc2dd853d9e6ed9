import { EventHandlerDefinitionError } from './event-handler-definition.error';

/**
 * An @EventHandler on a request-scoped or durable provider (or one that depends on such a provider): Kafka
 * events have no request to scope it to, so startup stops instead of leaving the handler silently unsubscribed.
 */
export class RequestScopedEventHandlerError extends EventHandlerDefinitionError {
  override readonly name = 'RequestScopedEventHandlerError';

  constructor(handler: string) {
    super(
      handler,
      `@EventHandler ${handler} is on a request-scoped (or durable) provider, or on one that injects such a ` +
        `provider: Kafka events have no request to create it for. Make ${handler.split('.')[0]} a default ` +
        `(singleton) provider and resolve the request-scoped services it needs with ModuleRef.resolve(), or move ` +
        `the handler to a provider that is not request-scoped.`,
    );
  }
}
