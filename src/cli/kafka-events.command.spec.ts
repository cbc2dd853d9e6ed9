import { EXIT, runKafkaEvents } from './kafka-events.command';

/** Runs the command in-process, capturing its output; no broker is reached by these cases. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKafkaEvents(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out: out.join('\n'), err };
}

describe('kafka-events', () => {
  it('prints help for --help and exits 0', async () => {
    const { code, out } = await run(['dlq', 'replay', '--help']);
    expect(code).toBe(EXIT.ok);
    expect(out).toContain('--dry-run');
    expect(out).toContain('--max-replays');
    expect(out).toContain('--client');
  });

  it.each([
    [['dlq', 'replay', '--grop', 'billing'], /Unknown argument: grop/],
    [['dlq', 'inspect', 'zz'], /"zz" is not <partition>:<offset>/],
    [['dlq', 'replay', '--since', 'yesterday'], /--since is not a date/],
    [['dlq', 'replay', '--rate', '0'], /--rate must be above 0/],
    [['dlq', 'replay', '--limit', '1.5'], /--limit must be a whole number/],
    [['dlq'], /name a dlq command/],
    [['dlq', 'list', '--brokers', 'nohost'], /KAFKA_BROKERS|brokers/],
    [['dlq', 'list', '--client', 'rdkafka'], /client.*Choices: "kafkajs", "confluent"/],
  ])('%j: one line naming what to change, exit code 2', async (args, message) => {
    const { code, err } = await run(args, { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(code).toBe(EXIT.usage);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
  });

  it('never prints the SASL password, even when the settings are wrong', async () => {
    const { code, err } = await run(['dlq', 'list'], {
      KAFKA_BROKERS: '127.0.0.1:1',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: '',
      KAFKA_SASL_PASSWORD: 's3cret-value',
    });
    expect(code).toBe(EXIT.usage);
    expect(err.join('\n')).not.toContain('s3cret-value');
  });
});
