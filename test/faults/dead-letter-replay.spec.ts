import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { INestApplicationContext, Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { KafkaCluster, startKafkaCluster } from '../../broker';
import { DeadLetterReplayHeaders, EventContext, EventHandler } from '../../src';
import { untilQuiet, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';
import { eventIds, faultKafka, produce, readToEnd, timesSeen } from './support/fault-harness';
import { report } from './support/fault-report';
import { scenarioTopics } from './support/fault-scenario';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'kafka-events.ts');
const GROUP = 'fault-replay-orders';
const OTHER_GROUP = 'fault-replay-audit';

const failsAtFirst = (id: string) => Number(id.split('-').pop()) % 5 === 0;
let fixed = false;
const replayed: { id: string; key: string; seq: number }[] = [];
const firstPass: string[] = [];
const notified: string[] = [];
const audited: string[] = [];

@Injectable()
class OrderHandlers {
  @EventHandler({ eventName: 'fault.*', groupId: GROUP, fromBeginning: true })
  fulfil(event: { id: string; seq: number }, context: EventContext): void {
    if (!fixed && failsAtFirst(event.id)) throw new Error(`warehouse offline for ${event.id}`);
    if (context.headers[DeadLetterReplayHeaders.COUNT]) {
      replayed.push({ id: event.id, key: context.key ?? '', seq: event.seq });
    } else firstPass.push(event.id);
  }

  @EventHandler({ eventName: 'fault.*', groupId: GROUP, fromBeginning: true })
  notify(event: { id: string }): void {
    notified.push(event.id);
  }
}

@Injectable()
class AuditHandlers {
  @EventHandler({ eventName: 'fault.*', groupId: OTHER_GROUP, fromBeginning: true })
  audit(event: { id: string }): void {
    audited.push(event.id);
  }
}

/** `kafka-events` in its own process, as a user runs it; output kept for the assertion messages. */
class Command {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, ...args], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  kill(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

describe('fault suite: replaying the dead-letter topic', () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ private: true, launcher: 'jvm' });
    kafka = faultKafka(cluster.brokers);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.stop();
  });

  it('replay: 10,000 events over 50 keys, 20% parked by one handler; the replay killed with SIGKILL, run again, then once more', async () => {
    const t = await scenarioTopics(kafka, 'replay', 3);
    app = await startTestApp({
      providers: [OrderHandlers, AuditHandlers],
      kafka: {
        brokers: cluster.brokers,
        topics: { fault: t.topic },
        dlqTopic: t.dlqTopic,
        createTopics: { numPartitions: 3 },
        deadLetter: { replay: true },
        retry: { attempts: 1 },
      },
    });
    await waitForGroups(app, 60_000);
    const ids = eventIds('replay', 10_000);
    await produce(
      kafka,
      t.topic,
      ids.map((id, seq) => ({
        key: `key-${seq % 50}`,
        value: JSON.stringify({ id, seq }),
        headers: { 'event-name': 'fault.event', 'event-id': id },
      })),
      undefined,
      500,
    );
    const parkedIds = ids.filter(failsAtFirst);
    await untilQuiet(() => notified, { expected: ids.length, timeoutMs: 120_000, what: 'notify calls' });
    await untilQuiet(() => audited, { expected: ids.length, timeoutMs: 120_000, what: 'audit calls' });
    await waitFor(
      async () => (await readToEnd(kafka, t.dlqTopic)).length === parkedIds.length,
      `${parkedIds.length} parked`,
      60_000,
    );

    fixed = true;
    const args = [
      'dlq',
      'replay',
      '--group',
      GROUP,
      '--brokers',
      cluster.brokers.join(','),
      '--dlq-topic',
      t.dlqTopic,
    ];
    // Slowed so that the kill lands mid-run: about a quarter replayed.
    const killed = new Command([...args, '--rate', '200']);
    await waitFor(() => replayed.length >= 500, '500 replayed before the kill', 60_000);
    await killed.kill();
    const resumed = new Command(args);
    expect(await resumed.exited).toBe(0);
    const handled = await untilQuiet(() => replayed, {
      expected: parkedIds.length,
      quietMs: 2000,
      timeoutMs: 120_000,
      what: 'replayed events handled',
    });

    const again = new Command([...args, '--json']);
    expect(await again.exited).toBe(0);
    expect(JSON.parse(again.output.join(''))).toMatchObject({ matched: 0, replayed: 0 });

    const times = timesSeen(handled.map((c) => c.id));
    const dlq = await readToEnd(kafka, t.dlqTopic);
    const reParked = dlq.length - parkedIds.length;
    const result = {
      scenario: 'replay',
      produced: parkedIds.length,
      handled: times.size,
      parked: reParked,
      lost: parkedIds.filter((id) => !times.has(id)).length,
      duplicated: [...times.values()].reduce((sum, n) => sum + n - 1, 0),
    };
    report(result);
    expect(result).toMatchObject({ handled: parkedIds.length, lost: 0, parked: 0 });
    // The at-least-once window: the chunk written but not yet recorded when the process died (--rate 200 → 200).
    expect(result.duplicated).toBeLessThanOrEqual(200);
    // Only the failed handler: the first pass and the other handler and group saw each event once.
    expect(firstPass.length + parkedIds.length).toBe(ids.length);
    expect(notified).toHaveLength(ids.length);
    expect(audited).toHaveLength(ids.length);
    // Per-key order of the replayed events (first deliveries).
    const firsts = handled.filter((c, i) => handled.findIndex((d) => d.id === c.id) === i);
    for (let k = 0; k < 50; k++) {
      const seqs = firsts.filter((c) => c.key === `key-${k}`).map((c) => c.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  }, 600_000);
});
