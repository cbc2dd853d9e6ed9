/**
 * One measured run in a process of its own, so its CPU time and peak RSS belong to one system alone.
 * The parent (bench/main.ts) passes the task in BENCH_TASK and gets the measurement back over IPC.
 */
import 'reflect-metadata';
import { Measurement, WorkerTask, WorkloadKind } from './bench.types';
import { confluentConsume, confluentProduce } from './confluent.workload';
import { kafkajsConsume, kafkajsEndToEnd, kafkajsProduce, kafkajsReplayCopy } from './kafkajs.workload';
import { libraryConsume, libraryEndToEnd, libraryProduce, libraryReplay } from './library.workload';
import { nestConsume, nestEndToEnd, nestProduce } from './nest.workload';
import { RequestCounter } from './request.counter';

export interface WorkerReport {
  measurement?: Measurement;
  error?: string;
}

const workloads: Record<WorkloadKind, (task: WorkerTask, counter: RequestCounter) => Promise<Measurement>> = {
  'kafkajs.send': kafkajsProduce,
  'kafkajs.sendBatch': kafkajsProduce,
  'nest.emit': nestProduce,
  'library.send': libraryProduce,
  'library.sendBatch': libraryProduce,
  'confluent.send': confluentProduce,
  'kafkajs.eachMessage': kafkajsConsume,
  'kafkajs.eachBatch': kafkajsConsume,
  'nest.eventPattern': nestConsume,
  'library.eventHandler': libraryConsume,
  'confluent.eachBatch': confluentConsume,
  'kafkajs.e2e': kafkajsEndToEnd,
  'nest.e2e': nestEndToEnd,
  'library.e2e': libraryEndToEnd,
  'library.replay': libraryReplay,
  'kafkajs.replayCopy': kafkajsReplayCopy,
};

function report(message: WorkerReport): void {
  // Exit at once: the run is over, and closing clients cleanly would only add time nobody measures.
  if (process.send) process.send(message, () => process.exit(0));
  else {
    console.log(JSON.stringify(message));
    process.exit(message.error ? 1 : 0);
  }
}

async function main(): Promise<Measurement> {
  const raw = process.env.BENCH_TASK;
  if (!raw) throw new Error('BENCH_TASK is not set: workers are started by bench/main.ts');
  const task = JSON.parse(raw) as WorkerTask;
  return workloads[task.kind](task, new RequestCounter());
}

main().then(
  (measurement) => report({ measurement }),
  (error: unknown) =>
    report({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
