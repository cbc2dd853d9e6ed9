import { EventEmitter } from 'node:events';
import { patchKafkajsMemberId } from './kafkajs-member-id.patch';

interface Group {
  memberId: string | null;
  instrumentationEmitter: EventEmitter;
  joinAndSync(): Promise<void>;
  leave(): Promise<void>;
}

// This spec's own module registry holds a kafkajs nothing has patched yet.
/* eslint-disable @typescript-eslint/no-require-imports */
const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as { prototype: Group };
const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */
const privateMethod = (name: string): symbol => {
  const symbol = Object.getOwnPropertySymbols(ConsumerGroup.prototype).find(
    (s) => s.description === `private:ConsumerGroup:${name}`,
  );
  if (!symbol) throw new Error(`kafkajs' ConsumerGroup has no private ${name}`);
  return symbol;
};
const JOIN = privateMethod('join');
const SYNC = privateMethod('sync');
const LEAVE_REQUEST = 'leaveGroup';

/**
 * A coordinator that knows one member at a time: a join with that id keeps it, a join with another id is
 * refused with UNKNOWN_MEMBER_ID, and a join with none is given a new id.
 */
class Coordinator {
  known: string | null = null;
  joinedAs: (string | null)[] = [];
  /** Refuses a new member's join as a broker going away would. */
  refuseNew = false;
  private next = 0;

  join(memberId: string | null): string {
    this.joinedAs.push(memberId);
    if (memberId === null && this.refuseNew) throw new Error('Connection error: connect ECONNREFUSED');
    if (memberId !== null && memberId !== this.known)
      throw Object.assign(new Error('The coordinator is not aware of this member'), {
        type: 'UNKNOWN_MEMBER_ID',
      });
    if (memberId === null) this.known = `member-${++this.next}`;
    return this.known as string;
  }
}

/** A ConsumerGroup as one restart of a kafkajs consumer makes it: a new object, the consumer's emitter. */
function consumerGroup(coordinator: Coordinator, instrumentationEmitter: EventEmitter): Group {
  const group = Object.create(ConsumerGroup.prototype) as Group & Record<string | symbol, unknown>;
  Object.assign(group, {
    memberId: null,
    instrumentationEmitter,
    groupId: 'crews',
    retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 2 }),
    logger: { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined },
    assigned: () => [],
    isLeader: () => false,
    coordinator: {
      [LEAVE_REQUEST]: async () => {
        coordinator.known = null;
      },
    },
    [JOIN]: async () => {
      group.memberId = coordinator.join(group.memberId);
    },
    [SYNC]: async () => undefined,
  });
  return group;
}

describe('patchKafkajsMemberId', () => {
  beforeAll(() => expect(patchKafkajsMemberId()).toBe('patched'));

  it('recognises its own patch', () => {
    expect(patchKafkajsMemberId()).toBe('already-patched');
  });

  it('rejoins a restarted consumer as the member the group knows', async () => {
    const coordinator = new Coordinator();
    const consumer = new EventEmitter();
    await consumerGroup(coordinator, consumer).joinAndSync();
    const first = coordinator.known;

    await consumerGroup(coordinator, consumer).joinAndSync();

    expect(coordinator.joinedAs).toEqual([null, first]);
    expect(coordinator.known).toBe(first);
  });

  it('joins as new once the coordinator has refused the old id, and never offers that id again', async () => {
    const coordinator = new Coordinator();
    const consumer = new EventEmitter();
    await consumerGroup(coordinator, consumer).joinAndSync();
    const stale = coordinator.known;
    coordinator.known = 'member-the-broker-gave-someone-else';
    // Refused as the old member, then the broker goes away before the join as a new one: the consumer crashes.
    coordinator.refuseNew = true;
    await expect(consumerGroup(coordinator, consumer).joinAndSync()).rejects.toThrow(/ECONNREFUSED/);
    coordinator.refuseNew = false;

    await consumerGroup(coordinator, consumer).joinAndSync();

    expect(coordinator.joinedAs).toEqual([null, stale, null, null]);
  });

  it('does not put an id back that kafkajs cleared to rejoin as new (UNKNOWN_MEMBER_ID while fetching)', async () => {
    const coordinator = new Coordinator();
    const group = consumerGroup(coordinator, new EventEmitter());
    await group.joinAndSync();
    const refused = group.memberId;
    coordinator.known = 'member-the-broker-gave-someone-else';

    group.memberId = null;
    await group.joinAndSync();

    expect(coordinator.joinedAs).toEqual([null, null]);
    expect(group.memberId).not.toBe(refused);
  });

  it('joins as new after the consumer left the group', async () => {
    const coordinator = new Coordinator();
    const consumer = new EventEmitter();
    const group = consumerGroup(coordinator, consumer);
    await group.joinAndSync();
    await group.leave();

    await consumerGroup(coordinator, consumer).joinAndSync();

    expect(coordinator.joinedAs).toEqual([null, null]);
  });
});
