/**
 * The seam between the thread store and the network. The browser uses a Socket.IO implementation
 * (`transport/socket-io-connection.ts`); tests use the deterministic fake in `state/testing/`.
 * Callbacks, not promises, so a test decides exactly when each answer arrives.
 */
import type { AckCallback, ClientEventName, ClientToServerEvents, ParleyError, ThreadEvent } from '@parley/protocol';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export type RequestOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
export type ResultOf<E extends ClientEventName> =
  Parameters<ClientToServerEvents[E]>[1] extends AckCallback<infer R> ? R : never;

export interface ThreadConnection {
  readonly status: ConnectionStatus;
  /** Sends a request; `ack` is called at most once (never, if the connection drops first). */
  request<E extends ClientEventName>(event: E, input: RequestOf<E>, ack: AckCallback<ResultOf<E>>): void;
  onThreadEvent(listener: (event: ThreadEvent) => void): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Errors of the connection itself, e.g. a token the server refused. */
  onError(listener: (error: ParleyError) => void): () => void;
  close(): void;
}

export type Connector = (server: string, token: string | undefined) => ThreadConnection;
