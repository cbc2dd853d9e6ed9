import { checkAcknowledgements } from './produce-response.guard';

const sent = (topic: string, partition: number) => ({ topic, partition });
const ack = (topicName: string, partition: number, baseOffset?: string) => ({
  topicName,
  partition,
  baseOffset,
});

describe('checkAcknowledgements', () => {
  it('gives each acknowledged partition its base offset and nothing is missing when all came back', () => {
    const partitions = [sent('orders', 0), sent('orders', 2)];
    const check = checkAcknowledgements(partitions, [ack('orders', 2, '40'), ack('orders', 0, '7')]);
    expect(check.missing).toEqual([]);
    expect(check.acknowledged).toEqual([
      { sent: partitions[0], baseOffset: '7' },
      { sent: partitions[1], baseOffset: '40' },
    ]);
  });

  it('reports a partition the response leaves out as missing (kafkajs #1303), not as written', () => {
    const partitions = [sent('orders', 0), sent('orders', 1), sent('orders', 2)];
    const check = checkAcknowledgements(partitions, [ack('orders', 0, '3'), ack('orders', 2, '9')]);
    expect(check.missing).toEqual([partitions[1]]);
    expect(check.acknowledged.map((a) => a.sent.partition)).toEqual([0, 2]);
  });

  it('does not take the same partition number of another topic, or an entry without an offset, as an acknowledgement', () => {
    const partitions = [sent('orders', 1), sent('payments', 1)];
    const check = checkAcknowledgements(partitions, [ack('payments', 1, '5'), ack('orders', 1)]);
    expect(check.missing).toEqual([partitions[0]]);
    expect(check.acknowledged).toEqual([{ sent: partitions[1], baseOffset: '5' }]);
  });

  it('keeps the first offset of a partition acknowledged twice', () => {
    const check = checkAcknowledgements(
      [sent('orders', 0)],
      [ack('orders', 0, '10'), ack('orders', 0, '12')],
    );
    expect(check.acknowledged).toEqual([{ sent: sent('orders', 0), baseOffset: '10' }]);
  });
});
