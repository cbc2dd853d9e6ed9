import type { PipeTransform } from '@nestjs/common';
import type { ParamsFactory } from '@nestjs/core/helpers/external-context-creator';
import { eventContextStorage } from '../context/event-context.storage';
import type { EventContext } from '../interfaces/event-context.interface';

/**
 * The two arguments of an @EventHandler as Nest's ExternalContextCreator sees them. The numbers are Nest's own
 * param types, so pipes receive the payload as `type: 'body'` (as `@Payload()` in @nestjs/microservices) and the
 * context as `type: 'custom'` (which ValidationPipe leaves alone).
 */
const PAYLOAD = 3;
const CONTEXT = 6;

/** Per attempt: whether the pipes started on the arguments, and how many arguments came out of them. */
interface PipeRun {
  started: boolean;
  passed: number;
}

const runs = new WeakMap<EventContext, PipeRun>();

/**
 * The last pipe of each argument: it runs only when every pipe before it (global, class, method) accepted
 * that argument, and counts it for the attempt in progress (the event context the invoker runs the call in).
 */
const passedPipes: PipeTransform = {
  transform(value: unknown) {
    const context = eventContextStorage.getStore();
    const run = context && runs.get(context);
    if (run) run.passed++;
    return value;
  },
};

/** The metadata ExternalContextCreator reads: the payload at index 0, the context at index 1. */
export const HANDLER_ARGUMENTS = Object.freeze({
  [`${PAYLOAD}:0`]: { index: 0, data: undefined, pipes: [passedPipes] },
  [`${CONTEXT}:1`]: { index: 1, data: undefined, pipes: [passedPipes] },
});
const ARGUMENT_COUNT = 2;

/** Hands each argument to the pipes as the call received it, and notes that the pipes started. */
export const handlerParamsFactory: ParamsFactory = {
  exchangeKeyForValue(type: number, _data: unknown, args: [unknown, EventContext]) {
    const run = runs.get(args[1]);
    if (run) run.started = true;
    if (type === PAYLOAD) return args[0];
    if (type === CONTEXT) return args[1];
    return undefined;
  },
};

/** Starts watching the pipes of one attempt; the returned check says whether they refused its arguments. */
export function watchPipes(context: EventContext): () => boolean {
  const run: PipeRun = { started: false, passed: 0 };
  runs.set(context, run);
  return () => run.started && run.passed < ARGUMENT_COUNT;
}
