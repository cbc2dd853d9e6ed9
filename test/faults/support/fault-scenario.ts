import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka } from 'kafkajs';
import { uniqueName } from '../../support/kafka';

export interface ScenarioTopics {
  topic: string;
  dlqTopic: string;
  groupId: string;
  /** A fresh directory for the replicas' handled-id logs. */
  logDir: string;
}

/** Fresh topics (and a DLQ unless told otherwise) and a group for one scenario. */
export async function scenarioTopics(
  kafka: Kafka,
  scenario: string,
  partitions: number,
  options: { replicationFactor?: number; createDlq?: boolean } = {},
): Promise<ScenarioTopics> {
  const topic = uniqueName(`fault.${scenario}`);
  const dlqTopic = uniqueName(`fault.${scenario}.dlq`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const replicationFactor = options.replicationFactor ?? 1;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic, numPartitions: partitions, replicationFactor },
        ...(options.createDlq === false ? [] : [{ topic: dlqTopic, numPartitions: 1, replicationFactor }]),
      ],
    });
  } finally {
    await admin.disconnect();
  }
  return {
    topic,
    dlqTopic,
    groupId: uniqueName(`fault-${scenario}`),
    logDir: mkdtempSync(join(tmpdir(), `fault-${scenario}-`)),
  };
}
