import type { ConsumedRecord } from '../interfaces/kafka-record.interface';
import type { ConsumedBatch } from './group-consumer.port';

/** The part of a KafkaJS-style `eachBatch` payload the library uses: kafkajs' own and the confluent client's. */
export interface EachBatchPayloadShape {
  batch: { topic: string; partition: number; messages: readonly ConsumedRecord[] };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  isRunning(): boolean;
}

/** A consumer that commits offsets the KafkaJS way. */
export interface OffsetCommitter {
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
}

/** Records that reading resumes after the record at `offset`: a committed offset names the next record. */
export function commitAfter(
  consumer: OffsetCommitter,
  topic: string,
  partition: number,
  offset: string,
): Promise<void> {
  return consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
}

/** A KafkaJS-style `eachBatch` payload behind the port's batch; a client whose payload differs overrides. */
export class EachBatchAdapter<
  P extends EachBatchPayloadShape = EachBatchPayloadShape,
> implements ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];

  constructor(
    protected readonly payload: P,
    private readonly consumer: OffsetCommitter,
  ) {
    this.topic = payload.batch.topic;
    this.partition = payload.batch.partition;
    this.records = payload.batch.messages;
  }

  heartbeat(): Promise<void> {
    return this.payload.heartbeat();
  }

  isRunning(): boolean {
    return this.payload.isRunning();
  }

  resolveOffset(offset: string): void {
    this.payload.resolveOffset(offset);
  }

  commitIfDue(): Promise<void> {
    return this.payload.commitOffsetsIfNecessary();
  }

  commit(offset: string): Promise<void> {
    return commitAfter(this.consumer, this.topic, this.partition, offset);
  }
}
