/** The console's views and the `#hash` each one lives at. */

export type QueueName = 'held' | 'flagged' | 'recent' | 'readers' | 'bans';
export type View =
  | { name: 'queue'; queue: QueueName }
  | { name: 'thread'; id: string }
  | { name: 'reader'; id: string }
  | { name: 'log' }
  | { name: 'settings' };
/** Items per queue (`recent` has none: it is every comment). */
export type Counts = Partial<Record<QueueName, number>>;

export const QUEUES: { id: QueueName; label: string; hint: string }[] = [
  { id: 'held', label: 'Held for review', hint: 'Comments pre-moderation keeps aside until you decide' },
  { id: 'flagged', label: 'Flagged', hint: 'Published comments readers reported' },
  { id: 'recent', label: 'Recent', hint: 'The newest comments of the site' },
  { id: 'readers', label: 'Reported readers', hint: 'Readers whose comments collect flags' },
  { id: 'bans', label: 'Restricted', hint: 'Banned, suspended and muted readers' },
];

/** `#thread/ID`, `#reader/ID`, `#log`, `#settings`, `#QUEUE`; anything else is the held queue. */
export function viewOf(hash: string): View {
  const [name = '', raw = ''] = hash.replace(/^#\/?/, '').split('/');
  const arg = decodeURIComponent(raw);
  if (name === 'thread' && arg) return { name: 'thread', id: arg };
  if (name === 'reader' && arg) return { name: 'reader', id: arg };
  if (name === 'log') return { name: 'log' };
  if (name === 'settings') return { name: 'settings' };
  return { name: 'queue', queue: QUEUES.some((q) => q.id === name) ? (name as QueueName) : 'held' };
}
