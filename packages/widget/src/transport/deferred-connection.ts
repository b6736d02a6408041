/**
 * The connection `<parley-thread>` holds from its first render: a ThreadConnection whose Socket.IO
 * half (socket.io-client, a chunk of its own) is loaded only when `start()` is called — after the
 * first page of comments is on screen [PAINT-7]. Until then it is `connecting`, requests wait in
 * order, and every listener registered is handed to the real connection once it exists.
 */
import type { AckCallback, ClientEventName, ParleyError } from '@parley/protocol';
import type { Connector, ConnectionStatus, RelayEventName, ThreadConnection } from '../state/connection.js';
import { loadLiveParts } from '../thread/live-parts-loader.js';

type RealConnector = (server: string, token: string | undefined, site?: string) => ThreadConnection;
type Loader = () => Promise<RealConnector>;

/** Listener registrations by method name, replayed on the real connection. */
type Registration = { method: keyof ThreadConnection; args: unknown[]; off: (() => void) | null; removed: boolean };

export class DeferredConnection implements ThreadConnection {
  private real: ThreadConnection | null = null;
  private readonly registrations: Registration[] = [];
  private readonly queued: [ClientEventName, unknown, AckCallback<never>][] = [];
  private starting = false;
  private closed = false;
  private token: string | undefined;
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly errorListeners = new Set<(error: ParleyError) => void>();

  constructor(
    private readonly server: string,
    token: string | undefined,
    private readonly site: string | undefined,
    private readonly load: Loader,
  ) {
    this.token = token;
  }

  get status(): ConnectionStatus {
    return this.real?.status ?? 'connecting';
  }

  /** Loads socket.io-client and connects; later calls do nothing. */
  start(): void {
    if (this.starting || this.closed) return;
    this.starting = true;
    this.load().then(
      (connect) => {
        if (this.closed) return;
        const real = (this.real = connect(this.server, this.token, this.site));
        real.onStatus((status) => this.statusListeners.forEach((listener) => listener(status)));
        real.onError((error) => this.errorListeners.forEach((listener) => listener(error)));
        for (const registration of this.registrations) this.replay(registration);
        for (const [event, input, ack] of this.queued.splice(0)) real.request(event, input as never, ack);
        if (real.status !== 'connecting') this.statusListeners.forEach((listener) => listener(real.status));
      },
      () => {
        // The chunk could not be fetched (offline, a deploy removed it): say so, and let a retry try again.
        this.starting = false;
        this.statusListeners.forEach((listener) => listener('offline'));
        const retry = (): void => {
          globalThis.removeEventListener?.('online', retry);
          this.start();
        };
        globalThis.addEventListener?.('online', retry);
        setTimeout(retry, 5_000);
      },
    );
  }

  private readonly sentAt = new Map<string, number>();

  lastSentAt(event: string): number {
    return this.sentAt.get(event) ?? 0;
  }

  request: ThreadConnection['request'] = (event, input, ack) => {
    this.sentAt.set(event, Date.now());
    if (this.real) return this.real.request(event, input, ack);
    this.queued.push([event, input, ack as AckCallback<never>]);
  };

  /** Not queued: what goes without an answer (a read heartbeat) is worth nothing later. */
  send: NonNullable<ThreadConnection['send']> = (event, input) => {
    this.sentAt.set(event, Date.now());
    if (this.real?.send) this.real.send(event, input);
    else this.real?.request(event, input, ignore);
  };

  private register(method: keyof ThreadConnection, ...args: unknown[]): () => void {
    const registration: Registration = { method, args, off: null, removed: false };
    this.registrations.push(registration);
    if (this.real) this.replay(registration);
    return () => {
      registration.removed = true;
      registration.off?.();
      const index = this.registrations.indexOf(registration);
      if (index >= 0) this.registrations.splice(index, 1);
    };
  }

  private replay(registration: Registration): void {
    const method = this.real?.[registration.method] as ((...args: unknown[]) => () => void) | undefined;
    if (registration.removed || typeof method !== 'function') return;
    registration.off = method.apply(this.real, registration.args);
  }

  onThreadEvents: ThreadConnection['onThreadEvents'] = (listener) => this.register('onThreadEvents', listener);
  onRelay = <E extends RelayEventName>(event: E, listener: unknown): (() => void) => this.register('onRelay', event, listener);
  onSession: NonNullable<ThreadConnection['onSession']> = (listener) => this.register('onSession', listener);
  onGates: NonNullable<ThreadConnection['onGates']> = (listener) => this.register('onGates', listener);
  onWallet: NonNullable<ThreadConnection['onWallet']> = (listener) => this.register('onWallet', listener);
  onModeration: NonNullable<ThreadConnection['onModeration']> = (listener) => this.register('onModeration', listener);

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onError(listener: (error: ParleyError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  setToken(token: string | undefined): void {
    this.token = token;
    this.real?.setToken?.(token);
  }

  close(): void {
    this.closed = true;
    this.queued.length = 0;
    this.registrations.length = 0;
    this.statusListeners.clear();
    this.errorListeners.clear();
    this.real?.close();
  }
}

/**
 * The default connector: Socket.IO, loaded when the session starts it (`DeferredConnection.start`),
 * with the thread's live parts beside it (`<parley-composer>`, the economy's store, the moderation
 * desk, the inline forms [PAINT-15]) — what a reader needs to write arrives with the live thread, and
 * the connection goes live only once both are in.
 */
export const connectLazily: Connector = (server, token, site) =>
  new DeferredConnection(server, token, site, async () => {
    const [socket] = await Promise.all([import('./socket-io-connection.js'), loadLiveParts()]);
    return socket.connectWithSocketIo;
  });

function ignore(): void {}
