/** The fields of kafkajs' ConsumerGroup (src/consumer/consumerGroup) that a join and a leave read and set. */
interface ConsumerGroupState {
  memberId: string | null;
  /** One per `kafka.consumer()`: it outlives the ConsumerGroup each restart of that consumer makes anew. */
  instrumentationEmitter: object;
  joinAndSync(): Promise<void>;
  leave(): Promise<void>;
}

/** What `patchKafkajsMemberId` did: patched kafkajs, found it patched before, or left an unknown version alone. */
type MemberIdPatchResult = 'patched' | 'already-patched' | 'unrecognised';

const PATCHED = Symbol.for('nestjs-kafka-event-system.member-id-patched');

/** The member id each kafkajs consumer last joined its group with, until it leaves the group. */
const lastMemberId = new WeakMap<object, string>();

/** ConsumerGroups that have started their first join: only that join may carry a member id over. */
const carriedOver = new WeakSet<object>();

/**
 * kafkajs restarts a crashed consumer (the broker went away) with a new ConsumerGroup whose member id is empty,
 * so it joins as a new member. A broker that comes back still holds the old member, which could not leave while
 * it was down, and a new member's join waits for it until its session times out: 30 s with the defaults, with
 * the broker up and nothing consumed. Rejoining as the member the group knows ends the rebalance at once; a
 * member id the group no longer knows is answered UNKNOWN_MEMBER_ID, on which kafkajs' own join retries as new.
 */
export function patchKafkajsMemberId(): MemberIdPatchResult {
  // kafkajs does not export ConsumerGroup; its package has no `exports` map, so the file can be required.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as { prototype: ConsumerGroupState };
  const proto = ConsumerGroup.prototype as ConsumerGroupState & { [PATCHED]?: true };
  if (proto[PATCHED]) return 'already-patched';
  const { joinAndSync, leave } = proto;
  const joinSource = typeof joinAndSync === 'function' ? joinAndSync.toString() : '';
  const leaveSource = typeof leave === 'function' ? leave.toString() : '';
  // The join reads this.memberId and clears it on UNKNOWN_MEMBER_ID; the leave clears it once it has left.
  if (!joinSource.includes('UNKNOWN_MEMBER_ID') || !leaveSource.includes('this.memberId = null'))
    return 'unrecognised';
  proto.joinAndSync = async function (this: ConsumerGroupState): Promise<void> {
    // Only a ConsumerGroup's first join: a later one with no id is kafkajs rejoining as new on purpose (the
    // coordinator answered UNKNOWN_MEMBER_ID), and putting the old id back would be refused again.
    if (!carriedOver.has(this)) {
      carriedOver.add(this);
      this.memberId ??= lastMemberId.get(this.instrumentationEmitter) ?? null;
    }
    try {
      await joinAndSync.call(this);
    } finally {
      // Kept after a join that failed with the broker away (the id is still the group's), forgotten once the
      // coordinator has refused it, so the next restart does not offer it again.
      if (this.memberId) lastMemberId.set(this.instrumentationEmitter, this.memberId);
      else lastMemberId.delete(this.instrumentationEmitter);
    }
  };
  proto.leave = async function (this: ConsumerGroupState): Promise<void> {
    await leave.call(this);
    // Left for good (a stop, or a crash while the broker answered): the next join is a new member's.
    if (this.memberId === null) lastMemberId.delete(this.instrumentationEmitter);
  };
  proto[PATCHED] = true;
  return 'patched';
}
