import { isLegalTopicName } from './kafka-names';
import { redeliveryTopic } from './redelivery-topic';

describe('redeliveryTopic', () => {
  it('is the DLQ topic, "redelivery" and the group id', () => {
    expect(redeliveryTopic('dlq.processing_errors', 'billing-processor')).toBe(
      'dlq.processing_errors.redelivery.billing-processor',
    );
  });

  it('is a legal topic name, distinct per group, for group ids a topic name cannot hold', () => {
    const a = redeliveryTopic('dlq', 'billing/eu');
    const b = redeliveryTopic('dlq', 'billing:eu');
    const long = redeliveryTopic('dlq', 'g'.repeat(300));
    for (const name of [a, b, long]) expect(isLegalTopicName(name)).toBe(true);
    expect(a).not.toBe(b);
    expect(long).not.toBe(redeliveryTopic('dlq', 'g'.repeat(299)));
  });
});
