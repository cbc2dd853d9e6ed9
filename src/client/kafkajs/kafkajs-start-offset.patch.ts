type TopicOffsets = { topic: string; partitions: { partition: number; offset: string }[] }[];

/** The fields of kafkajs' OffsetManager (src/consumer/offsetManager) that resolving a start offset uses. */
interface OffsetManagerState {
  cluster: { fetchTopicsOffset(topics: unknown[]): Promise<TopicOffsets> };
  resolveOffsets(): Promise<void>;
  commitOffsets(offsets: { topics: TopicOffsets }): Promise<void>;
}

/** What `patchKafkajsStartOffset` did: patched kafkajs, found it patched before, or left an unknown version alone. */
type StartOffsetPatchResult = 'patched' | 'already-patched' | 'unrecognised';

const PATCHED = Symbol.for('nestjs-kafka-event-system.start-offset-patched');

/**
 * A partition the group never committed starts where `fromBeginning` says (its end, by default), looked up
 * anew at every join. kafkajs commits only what was consumed, so a quiet partition stays uncommitted, and after
 * an outage or a rebalance the next member started at the end as it was then: the records written while no one
 * read it were skipped. Here the start offset kafkajs looks up is committed at once (what Java's consumer does
 * with auto-commit), so a later join starts where this one did. A commit refused (the group rebalancing) fails
 * the fetch, on which kafkajs rejoins, as it does for its own commits.
 */
export function patchKafkajsStartOffset(): StartOffsetPatchResult {
  // kafkajs does not export OffsetManager; its package has no `exports` map, so the file can be required.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const OffsetManager = require('kafkajs/src/consumer/offsetManager') as { prototype: OffsetManagerState };
  const proto = OffsetManager.prototype as OffsetManagerState & { [PATCHED]?: true };
  if (proto[PATCHED]) return 'already-patched';
  const { resolveOffsets } = proto;
  const source = typeof resolveOffsets === 'function' ? resolveOffsets.toString() : '';
  // The start of a partition with no committed offset comes from the cluster's fetchTopicsOffset (ListOffsets).
  if (!source.includes('this.cluster.fetchTopicsOffset(') || typeof proto.commitOffsets !== 'function')
    return 'unrecognised';
  proto.resolveOffsets = async function (this: OffsetManagerState): Promise<void> {
    const looked: TopicOffsets = [];
    const cluster = this.cluster;
    // The cluster as kafkajs' resolveOffsets sees it for this call: its lookups of start offsets are kept.
    this.cluster = Object.create(cluster, {
      fetchTopicsOffset: {
        value: async (topics: unknown[]) => {
          const offsets = await cluster.fetchTopicsOffset(topics);
          looked.push(...offsets);
          return offsets;
        },
      },
    }) as OffsetManagerState['cluster'];
    try {
      await resolveOffsets.call(this);
    } finally {
      this.cluster = cluster;
    }
    const topics = looked
      .map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.map(({ partition, offset }) => ({ partition, offset })),
      }))
      .filter(({ partitions }) => partitions.length > 0);
    if (topics.length > 0) await this.commitOffsets({ topics });
  };
  proto[PATCHED] = true;
  return 'patched';
}
