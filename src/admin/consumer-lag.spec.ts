import { partitionLag } from './consumer-lag';

const offsets = [
  { partition: 1, low: '5', high: '12' },
  { partition: 0, low: '0', high: '10' },
];

describe('partitionLag', () => {
  it('is the high watermark minus the committed offset, per partition in partition order', () => {
    const rows = partitionLag({
      groupId: 'g',
      topic: 't',
      fromBeginning: false,
      offsets,
      committed: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '12' },
      ],
    });
    expect(rows).toEqual([
      { groupId: 'g', topic: 't', partition: 0, committedOffset: '4', highWatermark: '10', lag: 6 },
      { groupId: 'g', topic: 't', partition: 1, committedOffset: '12', highWatermark: '12', lag: 0 },
    ]);
  });

  it('counts from the log start for a group without a commit that reads from the beginning', () => {
    const rows = partitionLag({
      groupId: 'g',
      topic: 't',
      fromBeginning: true,
      offsets,
      committed: [{ partition: 0, offset: '-1' }],
    });
    expect(rows.map((r) => [r.partition, r.committedOffset, r.lag])).toEqual([
      [0, null, 10],
      [1, null, 7],
    ]);
  });

  it('owes nothing on a partition without a commit when the group reads from the end', () => {
    const rows = partitionLag({ groupId: 'g', topic: 't', fromBeginning: false, offsets, committed: [] });
    expect(rows.map((r) => [r.partition, r.committedOffset, r.lag])).toEqual([
      [0, null, 0],
      [1, null, 0],
    ]);
  });

  it('counts records below the log start as Kafka does (committed offset behind retention)', () => {
    const rows = partitionLag({
      groupId: 'g',
      topic: 't',
      fromBeginning: false,
      offsets: [{ partition: 0, low: '100', high: '150' }],
      committed: [{ partition: 0, offset: '40' }],
    });
    expect(rows[0].lag).toBe(110);
  });

  it('keeps offsets past 2^53 exact', () => {
    const rows = partitionLag({
      groupId: 'g',
      topic: 't',
      fromBeginning: false,
      offsets: [{ partition: 0, low: '0', high: '9007199254740999' }],
      committed: [{ partition: 0, offset: '9007199254740990' }],
    });
    expect(rows[0].lag).toBe(9);
  });
});
