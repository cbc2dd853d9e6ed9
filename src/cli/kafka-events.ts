#!/usr/bin/env node
// The package's `kafka-events` command: see `kafka-events --help` and docs/dead-letter-queue.md.
import { runKafkaEvents } from './kafka-events.command';

void runKafkaEvents(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
