/**
 * [DUR-16] A caller's answer and what its call sends it besides — the poster's ack, its own
 * `wallet:update`, the thread's `thread:events` when it is in the room — leave in one write to its
 * TCP socket, not one write each.
 *
 * Why it takes a hold: engine.io's websocket transport sends what its socket's write buffer holds
 * and then refuses to send more (`writable = false`) until ws calls back for the last frame, which
 * is after the write, in a later turn of the loop. So an ack sent alone goes out alone, and the
 * wallet update emitted a moment later waits in the buffer for that callback and goes in a second
 * write. Holding the buffer while the call answers and delivers, then flushing once, gives the
 * transport every packet in one `send`; corking the TCP socket around that send makes ws's frames
 * (two buffers each: header and payload) one `writev`. The packets keep their order (the buffer is
 * FIFO), so the client still sees the ack first. Nothing waits: the hold ends before `run` returns.
 */

/** The part of engine.io's Socket this touches (its `flush` is not in the public typings). */
interface EngineConnection {
  flush(): void;
  readyState: string;
  transport?: { name?: string; socket?: { _socket?: Corkable } };
}

interface Corkable {
  cork(): void;
  uncork(): void;
  destroyed?: boolean;
}

/** Connections held now; a nested hold of the same connection is a no-op. */
const held = new WeakSet<EngineConnection>();

const skipFlush = (): void => {};

/** engine.io's own `flush`, taken from the first connection held (every connection shares its class). */
let engineFlush: ((this: EngineConnection) => void) | null = null;

/**
 * Installed once on a connection, as an own property over engine.io's prototype method (`sendPacket`
 * and the transport's `ready` both call `this.flush()`): while the connection is held the packets
 * gather in `writeBuffer`. One shared function, so a connection costs no closure (BEAT-5), and the
 * property stays, so the object's shape does not change at every call.
 */
function flushUnlessHeld(this: EngineConnection): void {
  if (!held.has(this)) engineFlush?.call(this);
}

/**
 * Holds the connection's writes until the returned function is called, which flushes them in one
 * write (websocket) or one payload (polling). `conn` is a Socket.IO socket's `conn`.
 */
export function holdWrites(conn: unknown): () => void {
  const connection = conn as EngineConnection | undefined;
  if (!connection || typeof connection.flush !== 'function' || held.has(connection)) return skipFlush;
  if (connection.flush !== flushUnlessHeld) {
    engineFlush ??= connection.flush;
    if (connection.flush !== engineFlush) return skipFlush;
    connection.flush = flushUnlessHeld;
  }
  held.add(connection);
  return () => {
    held.delete(connection);
    if (connection.readyState === 'closed') return;
    const raw = connection.transport?.name === 'websocket' ? connection.transport.socket?._socket : undefined;
    const cork = raw && !raw.destroyed && typeof raw.cork === 'function' ? raw : undefined;
    cork?.cork();
    try {
      connection.flush();
    } finally {
      cork?.uncork();
    }
  };
}
