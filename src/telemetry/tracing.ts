import type * as OpenTelemetryApi from '@opentelemetry/api';
import type { Context, Span, Tracer, TracerProvider } from '@opentelemetry/api';
import type { RecordHeaders } from '../interfaces/kafka-record.interface';
import { openTelemetry } from './opentelemetry.api';
import {
  errorType,
  MessagingAttributes,
  processSpanAttributes,
  ProcessedRecordInfo,
  recordHeaderGetter,
  recordHeaderSetter,
  sendSpanAttributes,
  SentRecordInfo,
  SpanAttributeValues,
} from './tracing.attributes';

const TRACER_NAME = 'nestjs-kafka-event-system';

/**
 * One traced operation: a span and the context that has it as the active span. Ends once; a second end (a
 * batch that fails after some of its records were acknowledged) does nothing.
 */
export class TracedOperation {
  private ended = false;

  constructor(
    private readonly api: typeof OpenTelemetryApi,
    private readonly span: Span,
    private readonly context: Context,
  ) {}

  /** Runs `work` with this span active, so spans started and events sent inside it are its children. */
  run<T>(work: () => T): T {
    return this.api.context.with(this.context, work);
  }

  ok(attributes?: SpanAttributeValues): void {
    if (this.ended) return;
    this.ended = true;
    if (attributes) this.span.setAttributes(attributes);
    this.span.end();
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttribute(MessagingAttributes.ERROR_TYPE, errorType(error));
    if (error instanceof Error) this.span.recordException(error);
    this.span.setStatus({
      code: this.api.SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    this.span.end();
  }
}

/**
 * Spans of the OpenTelemetry semantic conventions for messaging, through the global tracer provider. When no
 * provider is registered every call is one check and returns undefined: no span, no header, no context.
 * A provider registered after startup is picked up at the next record.
 */
export class KafkaTracing {
  private readonly noProvider: TracerProvider;
  private provider?: TracerProvider;
  private tracer?: Tracer;

  constructor(private readonly api: typeof OpenTelemetryApi) {
    // The proxy's delegate before any provider is set: the API's no-op provider, one object for the process.
    this.noProvider = new api.ProxyTracerProvider().getDelegate();
  }

  /**
   * A PRODUCER span `send <topic>`, a child of the caller's active span, and its context injected into the
   * record's headers (W3C traceparent and tracestate with the default propagator).
   */
  startSend(headers: RecordHeaders, record: SentRecordInfo): TracedOperation | undefined {
    const tracer = this.activeTracer();
    if (!tracer) return undefined;
    const { context, trace, propagation, SpanKind } = this.api;
    const parent = context.active();
    const span = tracer.startSpan(
      `send ${record.topic}`,
      { kind: SpanKind.PRODUCER, attributes: sendSpanAttributes(record) },
      parent,
    );
    const spanContext = trace.setSpan(parent, span);
    propagation.inject(spanContext, headers, recordHeaderSetter);
    return new TracedOperation(this.api, span, spanContext);
  }

  /**
   * A CONSUMER span `process <topic>` for one attempt of one handler, a child of the context the record's
   * headers carry (the sender's PRODUCER span).
   */
  startProcess(
    record: ProcessedRecordInfo,
    rawHeaders: RecordHeaders | undefined,
    handler: string,
    attempt: number,
  ): TracedOperation | undefined {
    return this.startFromRecord(
      rawHeaders,
      `process ${record.topic}`,
      this.api.SpanKind.CONSUMER,
      processSpanAttributes(record, handler, attempt),
    );
  }

  /**
   * A PRODUCER span `send <dlqTopic>` for parking a record, in the record's own trace. The DLQ record keeps the
   * original headers, traceparent included, so a replay continues the sender's trace.
   */
  startPark(
    dlqTopic: string,
    rawHeaders: RecordHeaders | undefined,
    attributes: SpanAttributeValues,
  ): TracedOperation | undefined {
    return this.startFromRecord(rawHeaders, `send ${dlqTopic}`, this.api.SpanKind.PRODUCER, {
      [MessagingAttributes.SYSTEM]: 'kafka',
      [MessagingAttributes.DESTINATION_NAME]: dlqTopic,
      [MessagingAttributes.OPERATION_NAME]: 'send',
      [MessagingAttributes.OPERATION_TYPE]: 'send',
      ...attributes,
    });
  }

  /**
   * A span whose parent is the context the record's headers carry. From the root, not the active context: the
   * consumer's loop may have been started inside some span, and a record is the child of its sender (or a
   * trace of its own), never of that.
   */
  private startFromRecord(
    rawHeaders: RecordHeaders | undefined,
    name: string,
    kind: OpenTelemetryApi.SpanKind,
    attributes: SpanAttributeValues,
  ): TracedOperation | undefined {
    const tracer = this.activeTracer();
    if (!tracer) return undefined;
    const { trace, propagation, ROOT_CONTEXT } = this.api;
    const parent = propagation.extract(ROOT_CONTEXT, rawHeaders, recordHeaderGetter);
    const span = tracer.startSpan(name, { kind, attributes }, parent);
    return new TracedOperation(this.api, span, trace.setSpan(parent, span));
  }

  /** The tracer of the registered provider, or undefined when none is: the one check on the hot path. */
  private activeTracer(): Tracer | undefined {
    const global = this.api.trace.getTracerProvider() as OpenTelemetryApi.ProxyTracerProvider;
    const provider = typeof global.getDelegate === 'function' ? global.getDelegate() : global;
    if (provider === this.noProvider) return undefined;
    if (provider !== this.provider) {
      this.provider = provider;
      this.tracer = provider.getTracer(TRACER_NAME);
    }
    return this.tracer;
  }
}

/**
 * The module's tracing, or undefined when it is off (`telemetry.tracing: false`, KAFKA_TRACING=false) or
 * `@opentelemetry/api` is not installed.
 */
export function createKafkaTracing(enabled: boolean): KafkaTracing | undefined {
  return enabled && openTelemetry ? new KafkaTracing(openTelemetry) : undefined;
}
