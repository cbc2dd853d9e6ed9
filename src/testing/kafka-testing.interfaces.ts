import type { KafkaModuleOptions } from '../config/kafka-module-options.interface';
import type { DeadLetterReason } from '../interfaces/dead-letter.interface';
import type { EventValidationIssue } from '../interfaces/event-schema.interface';
import type { SendEventOptions, SentEventMetadata } from '../interfaces/send-options.interface';

/** Where KafkaTestingModule's events go: a cluster in the test process, or the broker at KAFKA_BROKERS. */
export type KafkaTestTransport = 'memory' | 'kafka';

/** KafkaModule's options, plus how the test runs. */
export interface KafkaTestingModuleOptions extends KafkaModuleOptions {
  /**
   * 'memory': an in-process cluster (InMemoryClientFactory), no broker, Kafka on even with KAFKA_ENABLED=false.
   * 'kafka': the real client on KAFKA_BROKERS, as KafkaModule would run. Default: the KAFKA_TEST_TRANSPORT
   * variable, else 'memory'; so one spec runs on both by setting the variable.
   */
  transport?: KafkaTestTransport;
  /**
   * 'skip' (the default): a failed attempt is retried at once, with the attempts and verdict of the real
   * policy but no backoff delay. 'real': the configured backoff.
   */
  retryDelays?: 'skip' | 'real';
}

/** What KafkaTestingModule.forRootAsync takes. */
export interface KafkaTestingModuleAsyncOptions {
  // Nest's own types for these fields: imports and inject take any module or token.
  imports?: import('@nestjs/common').ModuleMetadata['imports'];
  inject?: import('@nestjs/common').FactoryProvider['inject'];
  useFactory: (...args: never[]) => KafkaTestingModuleOptions | Promise<KafkaTestingModuleOptions>;
}

/** send()'s options, plus how long emit() waits for the handlers. */
export interface EmitOptions extends SendEventOptions {
  /** How long to wait for every matching handler (its retries included). Default 10000 (60000 on Kafka). */
  timeoutMs?: number;
}

/** The error a handler's attempt ended with, as the DLQ record names it. */
export interface TestErrorSummary {
  name: string;
  message: string;
}

/** What one handler did with an emitted event. */
export type HandlerTestOutcome =
  | { handler: string; groupId: string; status: 'handled' }
  | {
      handler: string;
      groupId: string;
      status: 'parked';
      reason: DeadLetterReason;
      error: TestErrorSummary;
      attempts: number;
      /** With reason `validation`: what the schema found. */
      issues?: EventValidationIssue[];
    }
  /** The handler's group is paused or stopped: the event waits for it. */
  | { handler: string; groupId: string; status: 'pending' };

/** What emit() sent, and what each handler it reached did with it. */
export interface EmitResult extends SentEventMetadata {
  /** One per handler whose pattern and topics match the event, in registration order. */
  outcomes: HandlerTestOutcome[];
  /** The outcome of one handler by `Class.method`. */
  outcome(handler: string): HandlerTestOutcome | undefined;
}

/** A record the app wrote (not one emit() wrote, nor a dead letter), decoded. */
export interface PublishedEvent<TPayload = unknown> {
  eventName: string;
  /** The value parsed as JSON (the raw text when it is not JSON). */
  payload: TPayload;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  eventId: string;
  correlationId: string;
}

/** A record the app parked, decoded: the original event and the dlq-* headers. */
export interface TestDeadLetter {
  reason: DeadLetterReason;
  /** Class.method, or the routed handlers joined by commas for a record that is not an event. */
  handler: string;
  groupId: string;
  eventName?: string;
  error: TestErrorSummary;
  attempts: number;
  /** With reason `validation`: the dlq-validation-issues header, parsed. */
  issues?: EventValidationIssue[];
  original: { topic: string; partition: number; offset: string };
  /** The original value parsed as JSON (the raw text when it is not JSON; null for no value). */
  payload: unknown;
  key: string | null;
  headers: Record<string, string>;
}
