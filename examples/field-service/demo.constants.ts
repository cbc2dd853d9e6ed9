import { randomUUID } from 'node:crypto';

/** The demo app's Kafka clientId; its consumer groups derive from it (`field-service-demo.Class.method`). */
export const CLIENT_ID = 'field-service-demo';

/**
 * Every event of one run carries this header (and dead-letter records keep it), so a reused broker's
 * records from earlier runs are recognised and left out of the counts.
 */
export const RUN_HEADER = 'x-demo-run';
export const RUN_ID = randomUUID().slice(0, 8);

/**
 * Budget for everything after the broker is up: app start, consumers joining, delivery, health.
 * DEMO_TIMEOUT_MS raises it on a slow machine.
 */
export const DEMO_TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS) || 120_000;

/** Attempts the payment-recovery handler gets before its event is parked (the first one included). */
export const PAYMENT_ATTEMPTS = 3;

/** Signals Nest's shutdown hooks and the demo's own handler both react to. */
export const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
