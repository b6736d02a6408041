/**
 * The browser's ThreadConnection: one Socket.IO connection per widget (`forceNew`, so two widgets
 * with different tokens never share a handshake). Status for the header:
 *   connected    — the socket is open;
 *   reconnecting — Socket.IO is retrying (first attempts after a drop);
 *   offline      — the browser says it is offline, or several attempts in a row failed.
 */
import { io, type Socket } from 'socket.io-client';
import {
  ErrorCodes,
  type ClientToServerEvents,
  type ModerationNotice,
  type OwnCommentRejected,
  type ParleyError,
  type ServerToClientEvents,
  type ThreadGatesUpdate,
  type ViewerSession,
  type WalletUpdate,
} from '@parley/protocol';
import type { Connector, ConnectionStatus, RelayEventName, ThreadConnection } from '../state/connection.js';

/** Failed attempts in a row after which the header says "offline" instead of "reconnecting". */
const OFFLINE_AFTER_FAILURES = 3;

export const connectWithSocketIo: Connector = (server, token, site) => new SocketIoConnection(server, token, site);

class SocketIoConnection implements ThreadConnection {
  status: ConnectionStatus = 'connecting';
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly errorListeners = new Set<(error: ParleyError) => void>();
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOnline = (): void => {
    if (!this.socket.connected) this.socket.connect();
  };
  private readonly onOffline = (): void => {
    if (!this.socket.connected) this.setStatus('offline');
  };

  /** The token the next handshake presents (dropped when the server refuses it). */
  private token: string | undefined;

  constructor(
    server: string,
    token: string | undefined,
    private readonly site?: string,
  ) {
    this.token = token;
    this.socket = io(server, {
      auth: this.handshakeAuth(token),
      transports: ['websocket', 'polling'],
      forceNew: true,
      reconnectionDelayMax: 10_000,
    });
    this.socket.on('connect', () => {
      this.failures = 0;
      this.setStatus('connected');
    });
    this.socket.on('disconnect', (reason) => {
      // The server closed us on purpose (e.g. restarting); Socket.IO will not retry by itself.
      if (reason === 'io server disconnect') this.socket.connect();
      this.setStatus(this.isBrowserOffline() ? 'offline' : 'reconnecting');
    });
    this.socket.on('connect_error', (error: Error & { data?: unknown }) => {
      this.failures++;
      if (!this.socket.active) {
        const refusal = toParleyError(error);
        // Too many connections from this address for now: come back when the server says [W-S10].
        if (refusal.code === ErrorCodes.rateLimited) {
          const wait = typeof refusal.retryAfterMs === 'number' ? refusal.retryAfterMs : 5_000;
          this.setStatus('reconnecting');
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.socket.connect(), Math.min(60_000, Math.max(250, wait)) + Math.random() * 500);
          return;
        }
        // [PAINT-14] An expired or bad token: read on as a guest (the page's words say why), rather
        // than sit offline — the host's next token signs the reader in over the open socket.
        if (refusal.code === ErrorCodes.invalidToken && this.token !== undefined) {
          this.token = undefined;
          this.socket.auth = this.handshakeAuth(undefined);
          this.errorListeners.forEach((listener) => listener(refusal));
          this.socket.connect();
          return;
        }
        // Refused by the server's middleware (e.g. an origin it does not list): retrying the same handshake is futile.
        this.setStatus('offline');
        this.errorListeners.forEach((listener) => listener(refusal));
        return;
      }
      const offline = this.isBrowserOffline() || this.failures >= OFFLINE_AFTER_FAILURES;
      this.setStatus(offline ? 'offline' : this.status === 'connecting' ? 'connecting' : 'reconnecting');
    });
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.addEventListener?.('offline', this.onOffline);
  }

  request: ThreadConnection['request'] = (event, input, ack) => {
    // Socket.IO's typed emit cannot follow a generic event name; the event map still checks callers.
    (this.socket.emit as (event: string, ...args: unknown[]) => void)(event, input, ack);
  };

  send: NonNullable<ThreadConnection['send']> = (event, input) => {
    // No callback at all (not even `undefined`): Socket.IO then sends no ack id (BEAT-17).
    (this.socket.emit as (event: string, ...args: unknown[]) => void)(event, input);
  };

  onThreadEvents(listener: ServerToClientEvents['thread:events']): () => void {
    this.socket.on('thread:events', listener);
    return () => this.socket.off('thread:events', listener);
  }

  onRelay<E extends RelayEventName>(event: E, listener: ServerToClientEvents[E]): () => void {
    // Socket.IO's typed `on` cannot follow a generic event name; RelayEventName still checks callers.
    const socket = this.socket as unknown as { on(e: string, l: unknown): void; off(e: string, l: unknown): void };
    socket.on(event, listener);
    return () => socket.off(event, listener);
  }

  onSession(listener: (session: ViewerSession) => void): () => void {
    this.socket.on('viewer:update', listener);
    return () => this.socket.off('viewer:update', listener);
  }

  onGates(listener: (update: ThreadGatesUpdate) => void): () => void {
    this.socket.on('thread:gates', listener);
    return () => this.socket.off('thread:gates', listener);
  }

  onWallet(listener: (update: WalletUpdate) => void): () => void {
    this.socket.on('wallet:update', listener);
    return () => this.socket.off('wallet:update', listener);
  }

  onModeration(listener: (notice: ModerationNotice) => void): () => void {
    this.socket.on('moderation:notice', listener);
    return () => this.socket.off('moderation:notice', listener);
  }

  onOwnRejected(listener: (notice: OwnCommentRejected) => void): () => void {
    this.socket.on('own:rejected', listener);
    return () => this.socket.off('own:rejected', listener);
  }

  setToken(token: string | undefined): void {
    // Read by Socket.IO on every reconnect, so a recovered connection presents the fresh token.
    this.token = token;
    this.socket.auth = this.handshakeAuth(token);
  }

  private handshakeAuth(token: string | undefined): Record<string, string> {
    return { ...(this.site ? { site: this.site } : {}), ...(token ? { token } : {}) };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onError(listener: (error: ParleyError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.retryTimer);
    globalThis.removeEventListener?.('online', this.onOnline);
    globalThis.removeEventListener?.('offline', this.onOffline);
    this.statusListeners.clear();
    this.errorListeners.clear();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.statusListeners.forEach((listener) => listener(status));
  }

  private isBrowserOffline(): boolean {
    return globalThis.navigator?.onLine === false;
  }
}

/** A refused handshake carries the server's `{ code, message }` in `data` when it has one. */
function toParleyError(error: Error & { data?: unknown }): ParleyError {
  const data = error.data as Partial<ParleyError> | undefined;
  if (data && typeof data.code === 'string' && typeof data.message === 'string') return data as ParleyError;
  return { code: ErrorCodes.invalidToken, message: error.message || 'The server refused the connection.' };
}
