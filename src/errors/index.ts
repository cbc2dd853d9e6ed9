export * from './event-handler-definition.error';
export * from './event-parse.error';
export * from './kafka-config.error';
export * from './kafka-send.error';
export * from './unknown-event-domain.error';
export * from './unknown-consumer-group.error';
export * from './handler-timeout.error';
export * from './non-retryable.error';
