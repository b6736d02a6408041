/**
 * A reader's connection without socket.io-client: a raw WebSocket speaking Engine.IO v4 /
 * Socket.IO v5 framing by hand, so that one client core can carry 10,000 readers. The WebSocket
 * itself is hand-made too, on a plain TCP socket reading into one buffer shared by every
 * connection: per message, the `ws` library's streams and allocations cost the client core about
 * 3 µs more than this (4.3 against 1.3 µs of user time at 2,000 sockets: a third of a core at
 * 10,000 readers). It answers pings, sends events and acks as text packets, and reads a received
 * packet only as far as its first bytes: its kind (event name, ack of what) decides where its bytes
 * are counted. Only what a reader measures is parsed (thread:events, by the reader); every other
 * packet is counted in bytes and messages and never JSON-parsed, except a refused ack (to say why).
 *
 *   server → client                         client → server
 *   0{"sid":…,"pingInterval":…}  open        40{"token":…,"site":…}    CONNECT with auth
 *   2                            ping        3                         pong
 *   40{"sid":…}                  connected   42["name",payload]        event
 *   44{"message":…}              refused     42<id>["name",payload]    event wanting an ack
 *   42["name",…]                 event
 *   43<id>[answer]               ack
 *   45<n>-[…] / 46<n>-<id>[…]    binary event / ack, then n binary frames (counted, not read)
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** Where a received packet's bytes are counted. */
export const TrafficKinds = ['thread', 'presence', 'economy', 'join', 'other'] as const;
export type TrafficKind = (typeof TrafficKinds)[number];

/** Received (and sent) WebSocket messages and bytes, by kind: one instance shared by a whole fleet. */
export class Traffic {
  /** Frames received, per kind (index of TrafficKinds). */
  readonly messages = new Float64Array(TrafficKinds.length);
  /** Bytes received: payload plus the WebSocket frame header, per kind. */
  readonly bytes = new Float64Array(TrafficKinds.length);
  sentMessages = 0;
  sentBytes = 0;

  snapshot(): TrafficSnapshot {
    return { messages: Float64Array.from(this.messages), bytes: Float64Array.from(this.bytes), sentMessages: this.sentMessages, sentBytes: this.sentBytes };
  }
}

export interface TrafficSnapshot {
  messages: Float64Array;
  bytes: Float64Array;
  sentMessages: number;
  sentBytes: number;
}

const kindIndex = (kind: TrafficKind): number => TrafficKinds.indexOf(kind);
const THREAD = kindIndex('thread');
const PRESENCE = kindIndex('presence');
const ECONOMY = kindIndex('economy');
const OTHER = kindIndex('other');

/** An answer the server refused, or one that never came: by event, then error code. */
export type AckErrors = Record<string, Record<string, number>>;

export function countAckError(errors: AckErrors, event: string, code: string, times = 1): void {
  const byCode = (errors[event] ??= {});
  byCode[code] = (byCode[code] ?? 0) + times;
}

/** Answers received per request event: how many, their bytes (frames), and the largest. */
export type AckSizes = Record<string, { answers: number; bytes: number; largest: number }>;

/** What the fleet gives every connection: shared counters, and where to send thread:events. */
export interface LightClientSink {
  traffic: Traffic;
  ackErrors: AckErrors;
  /** When present, answers are also counted per request event (e.g. what a presence:sync costs). */
  ackSizes?: AckSizes;
  /**
   * A `thread:events` packet (`42["thread:events",…]`, as received: `packet[start, end)`, valid only
   * during the call), at `receivedAt` (performance.now()).
   */
  threadEvents(client: LightClient, packet: Buffer, start: number, end: number, receivedAt: number): void;
  closed(client: LightClient): void;
}

interface PendingAck {
  event: string;
  kind: number;
  /** Called with the ack's JSON text (`[answer]`) when the caller wants the answer itself. */
  answer: ((json: string) => void) | null;
}

// '0', '2', '3', '4', '5', '6'
const [C0, C2, C3, C4, C5, C6] = [0x30, 0x32, 0x33, 0x34, 0x35, 0x36] as const;
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;

/** Frame header size of a server → client (unmasked) WebSocket frame of `length` payload bytes. */
const frameHeader = (length: number): number => (length < 126 ? 2 : length < 65_536 ? 4 : 10);

/** Does `data` hold `ascii` at `offset`? For event names: a few byte compares, no string made. */
function hasAt(data: Buffer, offset: number, ascii: Uint8Array): boolean {
  if (data.length < offset + ascii.length) return false;
  for (let n = 0; n < ascii.length; n++) if (data[offset + n] !== ascii[n]) return false;
  return true;
}

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const THREAD_EVENTS = bytesOf('thread:events"');
const PRESENCE_PREFIX = bytesOf('presence:');
const WALLET_PREFIX = bytesOf('wallet:');

export interface ConnectOptions {
  /** `http://host:port` of the server. */
  url: string;
  /** The page origin the site allows; browsers always send it on a cross-origin WebSocket. */
  origin: string;
  /** Socket.IO CONNECT auth, e.g. `{ site, token }`. */
  auth: Record<string, string>;
  timeoutMs: number;
}

/**
 * Every connection reads into this one buffer (net's `onread`): a read is handled completely before
 * the next one, so 10,000 sockets need no buffer each and no allocation per read. Only a frame cut
 * in two by a read is copied, to be completed by the next.
 */
const sharedReadBuffer = Buffer.allocUnsafe(256 * 1024);
const masks = Buffer.allocUnsafe(4 * 1024);
let maskAt = masks.length;

/** A client → server text frame: FIN + text, masked (RFC 6455 §5.3: every client frame is). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  if (maskAt + 4 > masks.length) {
    randomFillSync(masks);
    maskAt = 0;
  }
  masks.copy(frame, header, maskAt, maskAt + 4);
  maskAt += 4;
  for (let n = 0; n < length; n++) frame[header + 4 + n] = (payload[n] as number) ^ (frame[header + (n & 3)] as number);
  return frame;
}

const HEADERS_END = Buffer.from('\r\n\r\n');

export class LightClient {
  private readonly socket: Socket;
  /** Until the HTTP upgrade answer is complete: its bytes so far. */
  private handshake: Buffer | null = Buffer.alloc(0);
  /** The start of a frame the last read cut short. */
  private partial: Buffer | null = null;
  private nextAckId = 0;
  private readonly pending = new Map<number, PendingAck>();
  private connected = false;
  /** Binary frames still to come for the last binary packet (`45…` / `46…`), and where they count. */
  private attachmentsLeft = 0;
  private attachmentKind = OTHER;
  private readonly auth: string;
  private readonly settle: (error: Error | null) => void;
  closedAt: number | null = null;
  private closedByUs = false;

  private constructor(
    private readonly sink: LightClientSink,
    options: ConnectOptions,
    onConnect: (error: Error | null) => void,
  ) {
    const url = new URL(options.url);
    this.auth = JSON.stringify(options.auth);
    let settled = false;
    this.settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      onConnect(error);
    };
    const timer = setTimeout(() => {
      this.settle(new Error(`no Socket.IO CONNECT within ${options.timeoutMs} ms`));
      this.close();
    }, options.timeoutMs);
    this.socket = connect({
      host: url.hostname,
      port: Number(url.port),
      noDelay: true,
      onread: { buffer: sharedReadBuffer, callback: (length: number, buffer: Uint8Array) => this.read(buffer as Buffer, length) },
    });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nOrigin: ${options.origin}\r\n\r\n`,
      );
    });
    this.socket.on('error', (error) => this.settle(error));
    this.socket.on('close', () => {
      this.settle(new Error('closed before connecting'));
      this.closedAt ??= performance.now();
      // Requests a server left unanswered when it closed the connection; not those we cut short.
      if (!this.closedByUs) for (const pendingAck of this.pending.values()) countAckError(this.sink.ackErrors, pendingAck.event, 'closed');
      this.pending.clear();
      this.sink.closed(this);
    });
  }

  /** One read into the shared buffer: the upgrade answer first, then whole frames. */
  private read(buffer: Buffer, length: number): boolean {
    // Most reads are whole frames in the shared buffer, handled where they lie (no copy, no view).
    let data = buffer;
    let end = length;
    if (this.handshake) {
      const head = Buffer.concat([this.handshake, buffer.subarray(0, length)]);
      const headEnd = head.indexOf(HEADERS_END);
      if (headEnd < 0) {
        this.handshake = head;
        return true;
      }
      this.handshake = null;
      const status = head.toString('latin1', 0, head.indexOf('\r\n'));
      if (!status.startsWith('HTTP/1.1 101')) {
        this.settle(new Error(`WebSocket upgrade refused: ${status} ${head.toString('utf8', headEnd + 4, Math.min(head.length, headEnd + 400))}`));
        this.close();
        return false;
      }
      data = head.subarray(headEnd + 4);
      end = data.length;
    }
    if (this.partial) {
      data = Buffer.concat([this.partial, data.subarray(0, end)]);
      end = data.length;
      this.partial = null;
    }
    let at = 0;
    while (end - at >= 2) {
      const opcode = (data[at] as number) & 0x0f;
      let size = (data[at + 1] as number) & 0x7f;
      let header = 2;
      if (size === 126) {
        if (end - at < 4) break;
        size = data.readUInt16BE(at + 2);
        header = 4;
      } else if (size === 127) {
        if (end - at < 10) break;
        size = Number(data.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (end - at < header + size) break;
      if (opcode === 1 && this.connected) this.textAt(data, at + header, at + header + size);
      else this.frame(opcode, data.subarray(at + header, at + header + size));
      at += header + size;
    }
    // The rest of a frame comes with the next read, which overwrites the shared buffer: keep a copy.
    if (at < end) this.partial = Buffer.from(data.subarray(at, end));
    return true;
  }

  /**
   * The hot path: a text frame once connected, at `data[start, end)`. Events are told apart by their
   * first bytes where they lie; acks and anything rarer take the general path below.
   */
  private textAt(data: Buffer, start: number, end: number): void {
    if (data[start] === C4 && data[start + 1] === C2 && data[start + 2] === OPEN_BRACKET && data[start + 3] === QUOTE) {
      const length = end - start;
      if (hasAt(data, start + 4, THREAD_EVENTS)) {
        this.count(THREAD, length);
        this.sink.threadEvents(this, data, start, end, performance.now());
        return;
      }
      if (hasAt(data, start + 4, PRESENCE_PREFIX)) return this.count(PRESENCE, length);
    }
    this.receive(data.subarray(start, end));
  }

  /** A whole frame (the server does not fragment messages); `payload` is valid only during this call. */
  private frame(opcode: number, payload: Buffer): void {
    if (opcode === 1) this.text(payload);
    else if (opcode === 2) {
      // An attachment of the binary packet just announced; counted where that packet was.
      this.count(this.attachmentsLeft-- > 0 ? this.attachmentKind : OTHER, payload.length);
    } else if (opcode === 8) this.socket.end();
    else if (opcode === 9) this.socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
  }

  private text(data: Buffer): void {
    if (this.connected) {
      this.receive(data);
      return;
    }
    this.count(OTHER, data.length);
    const type = data[0];
    if (type === C0) this.send(`40${this.auth}`);
    else if (type === C4 && data[1] === C0) {
      this.connected = true;
      this.settle(null);
    } else if (type === C4 && data[1] === C4) this.settle(new Error(`connect refused: ${data.toString()}`));
    else if (type === C2) this.send('3');
  }

  static connect(sink: LightClientSink, options: ConnectOptions): Promise<LightClient> {
    return new Promise((resolve, reject) => {
      const client: LightClient = new LightClient(sink, options, (error) => (error ? reject(error) : resolve(client)));
    });
  }

  get open(): boolean {
    return this.connected && this.closedAt === null;
  }

  /** Sends an event wanting an ack; `answer` gets the ack's JSON text only when given. */
  request(event: string, payload: unknown, kind: TrafficKind, answer: ((json: string) => void) | null = null): void {
    if (!this.open) {
      countAckError(this.sink.ackErrors, event, 'not_connected');
      return;
    }
    const id = this.nextAckId++;
    this.pending.set(id, { event, kind: kindIndex(kind), answer });
    this.send(`42${id}${JSON.stringify([event, payload])}`);
  }

  /** Sends an event without an ack id: the server answers nothing (a read heartbeat, SPEC BEAT-17). */
  notify(event: string, payload: unknown): void {
    if (!this.open) {
      countAckError(this.sink.ackErrors, event, 'not_connected');
      return;
    }
    this.send(`42${JSON.stringify([event, payload])}`);
  }

  /** `request` as a promise of the ack's JSON text. */
  ask(event: string, payload: unknown, kind: TrafficKind): Promise<string> {
    return new Promise((resolve) => this.request(event, payload, kind, resolve));
  }

  close(): void {
    this.closedByUs = true;
    this.socket.destroy();
  }

  private send(text: string): void {
    if (this.socket.destroyed) return;
    const frame = textFrame(text);
    this.sink.traffic.sentMessages += 1;
    this.sink.traffic.sentBytes += frame.length;
    this.socket.write(frame);
  }

  private count(kind: number, length: number): void {
    const traffic = this.sink.traffic;
    traffic.messages[kind] = (traffic.messages[kind] ?? 0) + 1;
    traffic.bytes[kind] = (traffic.bytes[kind] ?? 0) + length + frameHeader(length);
  }

  private receive(data: Buffer): void {
    const type = data[0];
    if (type === C4) {
      const packet = data[1];
      if (packet === C2) return this.event(data);
      if (packet === C3) {
        this.ack(data, 2);
        return;
      }
      if (packet === C5 || packet === C6) return this.binaryPacket(data, packet === C6);
      this.count(OTHER, data.length);
      return;
    }
    this.count(OTHER, data.length);
    if (type === C2) this.send('3');
  }

  /** `42["name",…]`: the name's first bytes say where it counts; thread:events go to the reader. */
  private event(data: Buffer): void {
    // The default namespace and no ack id: the name starts right after `42["`.
    if (data[2] !== OPEN_BRACKET || data[3] !== QUOTE) return this.count(OTHER, data.length);
    if (hasAt(data, 4, THREAD_EVENTS)) {
      this.count(THREAD, data.length);
      this.sink.threadEvents(this, data, 0, data.length, performance.now());
    } else if (hasAt(data, 4, PRESENCE_PREFIX)) this.count(PRESENCE, data.length);
    else if (hasAt(data, 4, WALLET_PREFIX)) this.count(ECONOMY, data.length);
    else this.count(OTHER, data.length);
  }

  /**
   * `45<n>-["name",…]` / `46<n>-<id>[…]`: a binary event or ack, whose `n` attachments follow as
   * binary frames. Counted like its JSON twin; the attachments count where the packet did.
   */
  private binaryPacket(data: Buffer, isAck: boolean): void {
    let attachments = 0;
    let at = 2;
    for (let digit = data[at]; digit !== undefined && digit >= C0 && digit <= C0 + 9; digit = data[++at]) attachments = attachments * 10 + (digit - C0);
    at += 1; // the '-'
    this.attachmentsLeft = attachments;
    if (isAck) {
      this.attachmentKind = this.ack(data, at);
      return;
    }
    let kind = OTHER;
    if (data[at] === OPEN_BRACKET && data[at + 1] === QUOTE) {
      if (hasAt(data, at + 2, PRESENCE_PREFIX)) kind = PRESENCE;
      else if (hasAt(data, at + 2, WALLET_PREFIX)) kind = ECONOMY;
    }
    this.attachmentKind = kind;
    this.count(kind, data.length);
  }

  /** `43<id>[answer]` (the id at `from`): counted where its request belongs; refusals counted by code. */
  private ack(data: Buffer, from: number): number {
    let id = 0;
    let at = from;
    for (let digit = data[at]; digit !== undefined && digit >= C0 && digit <= C0 + 9; digit = data[++at]) id = id * 10 + (digit - C0);
    const pendingAck = this.pending.get(id);
    if (!pendingAck) {
      this.count(OTHER, data.length);
      return OTHER;
    }
    this.pending.delete(id);
    this.count(pendingAck.kind, data.length);
    if (this.sink.ackSizes) {
      const sizes = (this.sink.ackSizes[pendingAck.event] ??= { answers: 0, bytes: 0, largest: 0 });
      const bytes = data.length + frameHeader(data.length);
      sizes.answers += 1;
      sizes.bytes += bytes;
      sizes.largest = Math.max(sizes.largest, bytes);
    }
    // Parley answers `[{"ok":true,…}]`: byte 7 after the id is `t` or `f`.
    const ok = data[at + 7] === 0x74;
    if (!ok || pendingAck.answer) {
      const json = data.toString('utf8', at);
      if (!ok) countAckError(this.sink.ackErrors, pendingAck.event, refusalCode(json));
      pendingAck.answer?.(json);
    }
    return pendingAck.kind;
  }
}

function refusalCode(json: string): string {
  try {
    const [answer] = JSON.parse(json) as [{ ok?: boolean; error?: { code?: string } }];
    return answer.ok === false ? (answer.error?.code ?? 'unknown') : 'unreadable';
  } catch {
    return 'unreadable';
  }
}
