import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveKafkaJars } from '../../broker/kafka-jars';
import { kafkaVersionFromEnv } from '../../broker/kafka-versions';
import { testBrokers } from './kafka';

const run = promisify(execFile);

/** One row of `kafka-consumer-groups --describe`: what Kafka itself says a group's lag is. */
export interface KafkaToolLag {
  topic: string;
  partition: number;
  /** CURRENT-OFFSET; null where Kafka prints "-". */
  currentOffset: string | null;
  logEndOffset: string;
  /** LAG; null where Kafka prints "-". */
  lag: number | null;
}

/**
 * Runs Kafka's own `kafka-consumer-groups --describe --group <groupId>` (ConsumerGroupCommand, from the jars the
 * test broker runs on) against the test broker, and parses its table.
 */
export async function describeGroupWithKafkaTool(groupId: string): Promise<KafkaToolLag[]> {
  const libs = await resolveKafkaJars(kafkaVersionFromEnv());
  const { stdout } = await run(
    'java',
    [
      '-Xmx256m',
      '-cp',
      join(libs, '*'),
      'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
      '--bootstrap-server',
      testBrokers().join(','),
      '--describe',
      '--group',
      groupId,
    ],
    { timeout: 60_000 },
  );
  const lines = stdout.split('\n').map((l) => l.trim().split(/\s+/));
  const header = lines.find((cells) => cells[0] === 'GROUP');
  if (!header) throw new Error(`kafka-consumer-groups printed no table:\n${stdout}`);
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`kafka-consumer-groups has no ${name} column:\n${stdout}`);
    return index;
  };
  const [topic, partition, current, end, lag] = [
    'TOPIC',
    'PARTITION',
    'CURRENT-OFFSET',
    'LOG-END-OFFSET',
    'LAG',
  ].map(column);
  return lines
    .filter((cells) => cells[0] === groupId)
    .map((cells) => ({
      topic: cells[topic],
      partition: Number(cells[partition]),
      currentOffset: cells[current] === '-' ? null : cells[current],
      logEndOffset: cells[end],
      lag: cells[lag] === '-' ? null : Number(cells[lag]),
    }))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
