export interface SendEventOptions {
  /** Topic to write to; by default the topic mapped to the event's domain (first segment). */
  topic?: string;
  /** Record key: records with the same key keep their order (same partition). Default: none. */
  key?: string | Buffer | null;
  /** Extra headers; the library's own (event-name, event-id, ...) are always set. */
  headers?: Record<string, string>;
  /** Correlation id; by default the one of the event being handled, else this event's own id. */
  correlationId?: string;
  /** Event id; by default a new UUID. */
  eventId?: string;
  partition?: number;
}

export interface BatchEvent<TPayload = unknown> {
  eventName: string;
  payload: TPayload;
  options?: SendEventOptions;
}

export interface SentEventMetadata {
  /** false when Kafka is disabled (KAFKA_ENABLED=false): nothing was sent. */
  sent: boolean;
  eventName: string;
  eventId: string;
  correlationId: string;
  topic: string;
  /** Partition and offset the broker gave the record; -1 / "-1" when not sent. */
  partition: number;
  offset: string;
}
