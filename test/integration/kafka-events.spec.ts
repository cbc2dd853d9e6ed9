import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeadLetterHeaders, EventHeaders } from '../../src';
import { CONFLUENT, confluentModules } from '../support/confluent-modules';
import { createTopic, testBrokers, testKafka, uniqueName } from '../support/kafka';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'kafka-events.ts');
const PROBE = join(ROOT, 'test', 'support', 'loaded-packages.probe.ts');

/** Whether the package in `modules` loads in this Node (its native binding is built for one Node version). */
function loads(modules: string): boolean {
  const env = { ...process.env, NODE_PATH: modules };
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(CONFLUENT)})`], { env }).status === 0;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `kafka-events <args>` in its own process, as a user runs it, with the probe that sees which client loaded. */
async function kafkaEvents(args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  // Only what the case sets picks the client: not the NODE_PATH, KAFKA_CLIENT or KAFKA_GROUP_PROTOCOL (which
  // kafkajs refuses) this suite runs under.
  const inherited = { ...process.env };
  delete inherited.NODE_PATH;
  delete inherited.KAFKA_CLIENT;
  delete inherited.KAFKA_GROUP_PROTOCOL;
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', PROBE, CLI, ...args],
      {
        env: { ...inherited, TS_NODE_TRANSPILE_ONLY: 'true', KAFKA_BROKERS: testBrokers().join(','), ...env },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('kafka-events: the client the settings name', () => {
  const dlqTopic = uniqueName('kafka-events.dlq');
  const eventId = uniqueName('parked');

  beforeAll(async () => {
    const kafka = testKafka();
    await createTopic(kafka, dlqTopic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: dlqTopic,
      messages: [
        {
          key: 'order-1',
          value: JSON.stringify({ orderId: 'order-1' }),
          headers: {
            [EventHeaders.EVENT_NAME]: 'order.created',
            [EventHeaders.EVENT_ID]: eventId,
            [DeadLetterHeaders.CONSUMER_GROUP]: 'billing',
            [DeadLetterHeaders.HANDLER]: 'Billing.charge',
            [DeadLetterHeaders.REASON]: 'handler-error',
            [DeadLetterHeaders.ERROR_NAME]: 'Error',
            [DeadLetterHeaders.ERROR_MESSAGE]: 'card declined',
            [DeadLetterHeaders.FAILED_AT]: new Date().toISOString(),
          },
        },
      ],
    });
    await producer.disconnect();
  });

  const list = ['dlq', 'list', '--json', '--verbose', '--dlq-topic', dlqTopic];
  const parkedIds = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { eventId?: string }).eventId);

  it(`KAFKA_CLIENT=confluent: dlq list reads the parked record through the confluent client (where ${CONFLUENT} is installed; elsewhere it stops with the error naming it)`, async () => {
    const modules = confluentModules();
    const result = await kafkaEvents(list, {
      KAFKA_CLIENT: 'confluent',
      ...(modules && { NODE_PATH: modules }),
    });
    expect(result.stderr).toContain('kafka-events: the confluent client');
    if (modules && !loads(modules)) {
      // Installed for another Node version (CI's Node lines share one build): named, not a bare "install it".
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
      expect(result.stderr).toContain(
        `needs the package ${CONFLUENT}: it is installed but could not be loaded`,
      );
    } else if (modules) {
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`probe: ${CONFLUENT} loaded`);
      expect(parkedIds(result.stdout)).toEqual([eventId]);
    } else {
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
      expect(result.stderr).toContain(`needs the package ${CONFLUENT}: npm install ${CONFLUENT}`);
    }
  });

  it('KAFKA_CLIENT=confluent where the package does not resolve: exit 2 naming the package to install, and nothing read through kafkajs instead', async () => {
    expect(existsSync(join(ROOT, 'node_modules', CONFLUENT))).toBe(false); // the package is an optional peer
    const result = await kafkaEvents(list, { KAFKA_CLIENT: 'confluent' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `error: The Kafka client "confluent" (module option client / KAFKA_CLIENT) needs the package ${CONFLUENT}`,
    );
  });

  it('--client kafkajs wins over KAFKA_CLIENT=confluent, and reads the parked record', async () => {
    const modules = confluentModules();
    const result = await kafkaEvents([...list, '--client', 'kafkajs'], {
      KAFKA_CLIENT: 'confluent',
      ...(modules && { NODE_PATH: modules }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('kafka-events: the kafkajs client');
    expect(result.stderr).toContain(`probe: ${CONFLUENT} not loaded`);
    expect(parkedIds(result.stdout)).toEqual([eventId]);
  });
});
