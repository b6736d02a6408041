/**
 * Loads the Yjs side of the widget on demand. Vite emits `live-room` and Yjs as a separate chunk
 * under `chunks/`, imported relative to parley.js's own URL (ES module semantics), so it comes
 * from the Parley server whatever page embeds the widget.
 */
import type { ThreadConnection } from '../state/connection.js';
import type { LiveRoom } from './live-room.js';

export type { LiveRoom };

export async function loadLiveRoom(connection: ThreadConnection, thread: string): Promise<LiveRoom> {
  const { LiveRoom: Room } = await import('./live-room.js');
  return new Room(connection, thread);
}
