import { randomBytes } from 'node:crypto';
import { PartitionMetadata, Partitioners } from 'kafkajs';
import { KeyPartitioner, murmur2 } from './key-partitioner';

// kafkajs' own murmur2 is the oracle: the library must place keys exactly where kafkajs (and Java) would.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: Buffer | string,
) => number;

const metadata = (count: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));

describe('murmur2', () => {
  it('hashes exactly as kafkajs does, for keys of every length mod 4, text and binary', () => {
    const keys: (string | Buffer)[] = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'job-42',
      'tech-Ωmega-技術者',
      '🚚 truck 7',
      ...Array.from({ length: 500 }, (_, i) => `key-${i}`),
      ...Array.from({ length: 500 }, (_, i) => randomBytes(i % 67)),
    ];
    for (const key of keys) {
      const bytes = typeof key === 'string' ? Buffer.from(key) : key;
      expect({ key, hash: murmur2(bytes) }).toEqual({ key, hash: kafkajsMurmur2(key) });
    }
  });
});

describe('KeyPartitioner', () => {
  it('puts a keyed record where kafkajs DefaultPartitioner puts it', () => {
    const partitions = metadata(6);
    const ours = new KeyPartitioner(partitions);
    const theirs = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 1000; i++) {
      const message = { key: `order-${i}`, value: 'x' };
      expect(ours.partition(message)).toBe(theirs({ topic: 't', partitionMetadata: partitions, message }));
    }
  });

  it('keeps an explicit partition', () => {
    expect(new KeyPartitioner(metadata(6)).partition({ key: 'k', partition: 4 })).toBe(4);
  });

  it('spreads keyless records round-robin over partitions that have a leader', () => {
    const partitioner = new KeyPartitioner(metadata(4, [1]));
    const chosen = Array.from({ length: 30 }, () => partitioner.partition({ key: null }));
    expect(new Set(chosen)).toEqual(new Set([0, 2, 3]));
    // Consecutive records take consecutive slots.
    for (let i = 1; i < chosen.length; i++) expect(chosen[i]).not.toBe(chosen[i - 1]);
  });
});
