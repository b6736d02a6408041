/**
 * [DUR-3] The poster's ack and the room's `thread:events` carry the comment's JSON as the command
 * encoded it (domain/encoded-json.ts) instead of Socket.IO encoding the same objects again — and
 * walking them for binary first. The bytes are exactly what Socket.IO's own encoder writes: a
 * packet with anything this does not know (binary, a value not encoded ahead) goes the usual way.
 */
import { rememberedJson } from '../domain/encoded-json.js';

/** Socket.IO packet types (socket.io-parser): EVENT and ACK, the two that carry our data. */
const EVENT = 2;
const ACK = 3;

interface Packet {
  type: number;
  nsp?: string;
  id?: number;
  data?: unknown;
}

interface Encoder {
  encode(packet: Packet): unknown[];
}

/** One argument of an event or ack as JSON, when every object in it was encoded ahead; else undefined. */
function encodedArgument(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const known = rememberedJson(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    const parts: string[] = [];
    for (const item of value) {
      const json = rememberedJson(item);
      if (json === undefined) return undefined;
      parts.push(json);
    }
    return `[${parts.join(',')}]`;
  }
  // An ack: `{ ok: true, data }` with `data` encoded ahead, in that key order.
  const keys = Object.keys(value);
  if (keys.length === 2 && keys[0] === 'ok' && keys[1] === 'data' && (value as { ok: unknown }).ok === true) {
    const data = rememberedJson((value as { data: unknown }).data);
    if (data !== undefined) return `{"ok":true,"data":${data}}`;
  }
  return undefined;
}

/** The packet as Socket.IO's encoder would write it, from JSON encoded ahead; undefined when it cannot. */
export function encodeAhead(packet: Packet): string | undefined {
  if ((packet.type !== EVENT && packet.type !== ACK) || !Array.isArray(packet.data)) return undefined;
  const parts: string[] = [];
  let ahead = false;
  for (const argument of packet.data as unknown[]) {
    const json = encodedArgument(argument);
    if (json === undefined) return undefined;
    if (typeof argument === 'object') ahead = true;
    parts.push(json);
  }
  if (!ahead) return undefined;
  const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
  return `${packet.type}${nsp}${packet.id ?? ''}[${parts.join(',')}]`;
}

/** Makes the server's one encoder (shared by every socket and adapter) use JSON encoded ahead. */
export function useEncodedAhead(io: { encoder: unknown }): void {
  const encoder = io.encoder as Encoder;
  const encode = encoder.encode.bind(encoder);
  encoder.encode = (packet: Packet) => {
    const ahead = encodeAhead(packet);
    return ahead === undefined ? encode(packet) : [ahead];
  };
}
