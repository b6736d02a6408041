/** Small pure helpers of the console's views: times, initials, and what an item is. */
import type { CommentItem, HeldItem, Item } from './api.js';

export const when = (at: number): string => {
  const seconds = Math.round((Date.now() - at) / 1000);
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
};
export const fullTime = (at: number): string => new Date(at).toLocaleString();
export const initials = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('') || '?';
export const keyOf = (item: Item): string => (item.kind === 'reader' ? `r:${item.userId}` : `c:${item.id}`);
export const isComment = (item: Item | undefined): item is HeldItem | CommentItem => item?.kind === 'held' || item?.kind === 'comment';
export const authorOf = (item: Item): { id: string; name: string } => (item.kind === 'reader' ? { id: item.userId, name: item.name } : item.author);
