import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Measurement } from './bench.types';
import { round } from './workload.meter';

const run = promisify(execFile);
/** Linux' USER_HZ: /proc reports CPU time in these ticks. */
const CLOCK_TICKS_PER_SEC = 100;
/** Upper bound for one tool run: the tools stop by themselves, unless the broker stops answering. */
const TOOL_TIMEOUT_MS = 300_000;
const JAVA_NOTE = 'Java: CPU and RSS of the whole JVM, startup and JIT included (read from /proc)';

/**
 * Kafka's own perf tools (org.apache.kafka.tools in kafka-tools, from Maven Central), the ceiling: they run
 * the Java client with its defaults (batching with linger, idempotence on). Their option names changed in
 * Kafka 4.x; the names a version knows are read from its --help once.
 */
export class JavaPerfTools {
  private flags?: { producerProps: string; consumerRecords: string };

  constructor(private readonly libs: string) {}

  async version(): Promise<string> {
    const { stdout, stderr } = await run('java', ['-version']).catch((e: { stderr?: string }) => ({
      stdout: '',
      stderr: e.stderr ?? 'java not found',
    }));
    return `${stdout}${stderr}`.split('\n')[0].trim();
  }

  async producerPerformance(brokers: string[], topic: string, records: number, recordBytes: number) {
    const flags = await this.optionNames();
    const { output, usage } = await this.runTool('org.apache.kafka.tools.ProducerPerformance', [
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordBytes),
      '--throughput',
      '-1',
      flags.producerProps,
      `bootstrap.servers=${brokers.join(',')}`,
      'acks=all',
    ]);
    const final = output
      .split('\n')
      .reverse()
      .find((line) => /records sent,.*50th/.test(line));
    const match = final?.match(/^(\d+) records sent, ([\d.]+) records\/sec/);
    if (!match) throw new Error(`No summary line in ProducerPerformance's output:\n${output.slice(-2000)}`);
    const events = Number(match[1]);
    const eventsPerSec = Number(match[2]);
    return this.measurement(events, eventsPerSec, usage, final!.trim());
  }

  async consumerPerformance(brokers: string[], topic: string, records: number, group: string) {
    const flags = await this.optionNames();
    const { output, usage } = await this.runTool('org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server',
      brokers.join(','),
      '--topic',
      topic,
      flags.consumerRecords,
      String(records),
      '--group',
      group,
    ]);
    const lines = output.split('\n').map((l) => l.trim());
    const headerAt = lines.findIndex((l) => l.startsWith('start.time'));
    if (headerAt < 0 || !lines[headerAt + 1])
      throw new Error(`No statistics in ConsumerPerformance's output:\n${output.slice(-2000)}`);
    const names = lines[headerAt].split(/,\s*/);
    const values = lines[headerAt + 1].split(/,\s*/);
    const stat = (name: string) => Number(values[names.indexOf(name)]);
    // fetch.* leave out the group join (rebalance.time.ms), as the Node consumers' window starts at the first event.
    const summary = [
      'data.consumed.in.nMsg',
      'nMsg.sec',
      'rebalance.time.ms',
      'fetch.time.ms',
      'fetch.nMsg.sec',
    ]
      .map((name) => `${name}=${stat(name)}`)
      .join(', ');
    const result = this.measurement(stat('data.consumed.in.nMsg'), stat('fetch.nMsg.sec'), usage, summary);
    return { ...result, startupMs: stat('rebalance.time.ms') };
  }

  /** `summary`: the tool's own result line, kept in the note for whoever audits the figure. */
  private measurement(
    events: number,
    eventsPerSec: number,
    usage: { cpuSeconds: number; peakRssMb: number },
    summary: string,
  ): Measurement {
    return {
      events,
      elapsedMs: round((events / eventsPerSec) * 1000, 1),
      eventsPerSec: round(eventsPerSec, 1),
      capped: false,
      cpuUsPerEvent: round((usage.cpuSeconds * 1e6) / events, 2),
      peakRssMb: round(usage.peakRssMb, 1),
      note: `${JAVA_NOTE}. ${summary}`,
    };
  }

  private async optionNames(): Promise<{ producerProps: string; consumerRecords: string }> {
    if (this.flags) return this.flags;
    const help = async (tool: string) =>
      (await this.runTool(`org.apache.kafka.tools.${tool}`, ['--help'], true)).output;
    const [producerHelp, consumerHelp] = await Promise.all([
      help('ProducerPerformance'),
      help('ConsumerPerformance'),
    ]);
    this.flags = {
      producerProps: producerHelp.includes('--command-property') ? '--command-property' : '--producer-props',
      consumerRecords: consumerHelp.includes('--num-records') ? '--num-records' : '--messages',
    };
    return this.flags;
  }

  /** Runs a tool to its end, sampling its CPU time and peak RSS from /proc while it runs. */
  private runTool(
    mainClass: string,
    args: string[],
    allowFailure = false,
  ): Promise<{ output: string; usage: { cpuSeconds: number; peakRssMb: number } }> {
    // The heap the kafka-*-perf-test.sh scripts give these tools.
    const child = spawn('java', ['-Xmx512M', '-cp', `${this.libs}/*`, mainClass, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const usage = { cpuSeconds: NaN, peakRssMb: NaN };
    // A process that has exited but not been reaped still has /proc/<pid>/stat, but no VmHWM: keep the maxima.
    const sample = () => {
      const now = procUsage(child.pid);
      if (!now) return;
      if (Number.isFinite(now.cpuSeconds)) usage.cpuSeconds = Math.max(now.cpuSeconds, usage.cpuSeconds || 0);
      if (Number.isFinite(now.peakRssMb)) usage.peakRssMb = Math.max(now.peakRssMb, usage.peakRssMb || 0);
    };
    const sampler = setInterval(sample, 100);
    const deadline = setTimeout(() => {
      output += `\n(killed: still running after ${TOOL_TIMEOUT_MS} ms)`;
      child.kill('SIGKILL');
    }, TOOL_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        clearInterval(sampler);
        clearTimeout(deadline);
        if (code !== 0 && !allowFailure)
          reject(new Error(`${mainClass} exited with ${code}:\n${output.slice(-2000)}`));
        else resolve({ output, usage });
      });
    });
  }
}

/** CPU seconds (user + system) and peak RSS of a running process, or undefined where /proc is missing. */
function procUsage(pid: number | undefined): { cpuSeconds: number; peakRssMb: number } | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuSeconds: ticks / CLOCK_TICKS_PER_SEC, peakRssMb: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    return undefined;
  }
}
