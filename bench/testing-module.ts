// Time of a KafkaTestingModule test in memory: compile, then init + two emits (one handled, one retried 3 times
// and parked) + assertions, then close; 40 rounds. Run: npx ts-node --transpile-only bench/testing-module.ts
// Each run is appended to bench/results/testing-module.jsonl with its commit and date (the README quotes it).
import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { codeCommit } from './machine.info';
import { KafkaTestHarness, KafkaTestingModule } from '../src/testing';
import { BillingHandlers, OrdersHandlers, OrdersStore } from '../test/testing/orders.fixture';

async function main() {
  const compile: number[] = [],
    test: number[] = [],
    close: number[] = [];
  for (let i = 0; i < 40; i++) {
    let t = performance.now();
    const moduleRef = await Test.createTestingModule({
      imports: [KafkaTestingModule.forRoot({ clientId: `m${i}` })],
      providers: [OrdersHandlers, OrdersStore, BillingHandlers],
    })
      .setLogger(undefined as never)
      .compile();
    compile.push(performance.now() - t);
    t = performance.now();
    await moduleRef.init();
    const kafka = moduleRef.get(KafkaTestHarness);
    const ok = await kafka.emit('orders.order.created', { orderId: 'o', total: 1 });
    const bad = await kafka.emit('orders.order.cancelled', { orderId: 'o' });
    if (
      ok.outcomes[0].status !== 'handled' ||
      bad.outcomes[0].status !== 'parked' ||
      kafka.published().length !== 1
    )
      throw new Error('wrong');
    test.push(performance.now() - t);
    t = performance.now();
    await moduleRef.close();
    close.push(performance.now() - t);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)].toFixed(1);
  const max = (a: number[]) => Math.max(...a.slice(5)).toFixed(1);
  const run = {
    date: new Date().toISOString(),
    commit: codeCommit(),
    node: process.version,
    rounds: compile.length,
    medianMs: { compile: Number(med(compile)), test: Number(med(test)), close: Number(med(close)) },
    maxAfterWarmUpMs: { test: Number(max(test)) },
  };
  appendFileSync(join(__dirname, 'results', 'testing-module.jsonl'), JSON.stringify(run) + '\n');
  console.log(
    `compile median ${med(compile)} ms; init+2 emits+asserts median ${med(test)} ms (max after warm-up ${max(test)}); close median ${med(close)} ms`,
  );
}
void main();
