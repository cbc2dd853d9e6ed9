import { createHash } from 'node:crypto';

const MAX_TOPIC_LENGTH = 249;

/**
 * The topic through which replayed records reach one consumer group: `<dlqTopic>.redelivery.<groupId>`. A group
 * id may hold characters a topic name may not; those become `_`, and a name that would be too long is cut and
 * ends with a hash of the group id, so two groups never share a route.
 */
export function redeliveryTopic(dlqTopic: string, groupId: string): string {
  const safe = groupId.replace(/[^a-zA-Z0-9._-]/g, '_');
  const name = `${dlqTopic}.redelivery.${safe}`;
  if (safe === groupId && name.length <= MAX_TOPIC_LENGTH) return name;
  const hash = createHash('sha256').update(groupId).digest('hex').slice(0, 12);
  return `${name.slice(0, MAX_TOPIC_LENGTH - hash.length - 1)}-${hash}`;
}
