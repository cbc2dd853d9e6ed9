import type { ReadBatch, TopicReader, TopicReaderOptions } from '../topic-reader.port';
import type { InMemoryCluster } from './in-memory.cluster';

const MAX_BATCH_RECORDS = 500;

/** Reads a topic of the in-memory cluster from the group's committed offsets up to fixed end offsets. */
export class InMemoryTopicReader implements TopicReader {
  private stopped = false;

  constructor(
    private readonly cluster: InMemoryCluster,
    private readonly options: TopicReaderOptions,
  ) {}

  async read(eachBatch: (batch: ReadBatch) => Promise<void>): Promise<void> {
    const { groupId, topic, until } = this.options;
    for (const end of until) {
      const stop = Number(end.offset);
      let position = this.cluster.committed(groupId, topic, end.partition) ?? 0;
      while (!this.stopped && position < stop) {
        const records = this.cluster.read(
          topic,
          end.partition,
          position,
          Math.min(MAX_BATCH_RECORDS, stop - position),
        );
        if (records.length === 0) break;
        await eachBatch({
          partition: end.partition,
          records,
          heartbeat: async () => undefined,
          commit: async (offset) => this.cluster.commit(groupId, topic, end.partition, Number(offset) + 1),
        });
        position += records.length;
      }
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
