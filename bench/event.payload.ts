import { randomUUID } from 'node:crypto';
import { Message } from 'kafkajs';

/** Event names the workloads send and subscribe to; their domains map to each run's fresh topic. */
export const BenchEvents = {
  produced: 'bench.produced',
  consumed: 'bench.consumed',
  io: 'bench.io',
  e2e: 'bench.e2e',
  /** Domain of the routing scenario; its event names are routingEventName(seq). */
  routingDomain: 'routing',
} as const;

export interface BenchPayload {
  eventName: string;
  seq: number;
  orderId: string;
  customerId: string;
  status: string;
  amount: number;
  note: string;
}

const padding = new Map<string, string>();

/**
 * A JSON event of about `recordBytes` once serialised (within a few bytes: the number fields vary in length).
 * The padding is worked out once per event name, so building a payload costs the same for every system.
 */
export function benchPayload(eventName: string, seq: number, recordBytes: number): BenchPayload {
  const key = `${eventName}\u0000${recordBytes}`;
  let note = padding.get(key);
  if (note === undefined) {
    const sample = JSON.stringify(shape(eventName, 100_000, ''));
    note = 'x'.repeat(Math.max(0, recordBytes - sample.length));
    padding.set(key, note);
  }
  return shape(eventName, seq, note);
}

function shape(eventName: string, seq: number, note: string): BenchPayload {
  return {
    eventName,
    seq,
    orderId: `so-${seq}`,
    customerId: `c-${seq % 997}`,
    status: 'created',
    amount: (seq % 1000) + 0.5,
    note,
  };
}

/** Distinct keys: records spread over every partition, and no two records share a key. */
export function benchKey(seq: number): string {
  return `key-${seq}`;
}

/**
 * Routing scenario: half the events have names that a 50-handler group matches by exact name
 * (routing.e<k>.created), half by a wildcard (routing.w<k>.item.updated against routing.w<k>.*).
 */
export function routingEventName(seq: number): string {
  const k = Math.floor(seq / 2) % 25;
  return seq % 2 === 0 ? `routing.e${k}.created` : `routing.w${k}.item.updated`;
}

/**
 * The five headers this library puts on every record, with their values as it writes them (a fresh event id,
 * the correlation id equal to it for a root event). The raw baselines put them on their records too, so every
 * system writes and reads the same bytes; their headerless variants leave them out.
 */
export function libraryHeaders(eventName: string, clientId: string): Record<string, string> {
  const eventId = randomUUID();
  return {
    'event-name': eventName,
    'event-id': eventId,
    'correlation-id': eventId,
    'content-type': 'application/json',
    'client-id': clientId,
  };
}

/** A record as this library writes it (its five headers and a JSON body), for pre-filled topics. */
export function libraryShapedRecord(eventName: string, seq: number, recordBytes: number): Message {
  return {
    key: benchKey(seq),
    value: JSON.stringify(benchPayload(eventName, seq, recordBytes)),
    headers: libraryHeaders(eventName, 'bench-prefill'),
  };
}
