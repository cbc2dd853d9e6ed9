import { ConsoleLogger, Injectable } from '@nestjs/common';
import { EventContext, EventHandler, KafkaConsumerService, KafkaProducerService } from '../../src';
import { uniqueName, waitFor } from '../support/kafka';
import { startTestApp, waitForGroups } from '../support/kafka-app';

/** Every warning the app writes, with its context. */
class WarningLogger extends ConsoleLogger {
  readonly warnings: string[] = [];
  constructor() {
    super();
    this.setLogLevels(['error', 'warn']);
  }
  protected override printMessages(messages: unknown[], context?: string, level = 'log'): void {
    if (level === 'warn') for (const m of messages) this.warnings.push(`${context}: ${String(m)}`);
  }
  override printStackTrace(): void {}
}

const started: string[] = [];
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));

@Injectable()
class SlowHandlers {
  /** Hangs; its 2 s timeout cuts it, and it warns at half of that. */
  @EventHandler({ eventName: 'slow.hung', timeoutMs: 2000, retry: { attempts: 1 } })
  async hang(_event: unknown, context: EventContext): Promise<void> {
    started.push(`${context.topic}/${context.partition}/${context.offset}`);
    await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
    throw context.signal.reason;
  }

  /** Runs until the test releases it: still running when the app closes. */
  @EventHandler({ eventName: 'slow.held', timeoutMs: 0 })
  async hold(_event: unknown, context: EventContext): Promise<void> {
    started.push(`${context.topic}/${context.partition}/${context.offset}`);
    await released;
  }
}

describe('a handler that runs long', () => {
  const topic = uniqueName('slow');
  const logger = new WarningLogger();

  afterAll(() => release());

  it('is warned about while it runs, and named with the deadline when the app stops', async () => {
    const app = await startTestApp({
      providers: [SlowHandlers],
      kafka: { topics: { slow: topic }, dlqTopic: uniqueName('dlq'), shutdownTimeoutMs: 1000 },
      logger,
    });
    await waitForGroups(app);
    const producer = app.get(KafkaProducerService);

    const hung = await producer.send('slow.hung', {});
    const at = `${topic}/${hung.partition}/${hung.offset}`;
    const hangGroup = () =>
      app
        .get(KafkaConsumerService)
        .list()
        .find((g) => g.handlers.some((h) => h.id === 'SlowHandlers.hang'))!;
    // Cut at its 2 s timeout and parked: warned once before, at half the timeout.
    await waitFor(() => hangGroup().parked === 1, 'SlowHandlers.hang to time out and be parked', 10_000);
    expect(logger.warnings.filter((w) => w.includes('SlowHandlers.hang has been running'))).toEqual([
      expect.stringContaining(
        `SlowHandlers.hang has been running for 1 s on ${at} (timeout 2 s: then it is cut and retried or parked)`,
      ),
    ]);

    const held = await producer.send('slow.held', {});
    const heldAt = `${topic}/${held.partition}/${held.offset}`;
    await waitFor(() => started.includes(heldAt), 'SlowHandlers.hold to start', 10_000);
    await app.close();
    expect(logger.warnings).toContainEqual(
      expect.stringContaining(
        `Stopping: waiting up to 1000 ms (shutdownTimeoutMs) for 1 handler attempt(s) still running: ` +
          `SlowHandlers.hold on ${heldAt} (running `,
      ),
    );
    expect(logger.warnings).toContainEqual(
      expect.stringMatching(/Handlers still running after 1000 ms \(SlowHandlers\.hold on .*\); cut/),
    );
  });
});
