/**
 * The seam between the thread store and the network. The browser uses a Socket.IO implementation
 * (`transport/socket-io-connection.ts`); tests use the deterministic fake in `state/testing/`.
 * Callbacks, not promises, so a test decides exactly when each answer arrives.
 */
import type {
  AckCallback,
  ClientEventName,
  ClientToServerEvents,
  ModerationNotice,
  OwnCommentRejected,
  ParleyError,
  ServerToClientEvents,
  ThreadGatesUpdate,
  ViewerSession,
  WalletUpdate,
} from '@parley/protocol';

/** Server events that carry presence or notes relays rather than thread events. */
export type RelayEventName = 'presence:state' | 'notes:update';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export type RequestOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
export type ResultOf<E extends ClientEventName> =
  Parameters<ClientToServerEvents[E]>[1] extends AckCallback<infer R> ? R : never;

export interface ThreadConnection {
  readonly status: ConnectionStatus;
  /** Sends a request; `ack` is called at most once (never, if the connection drops first). */
  request<E extends ClientEventName>(event: E, input: RequestOf<E>, ack: AckCallback<ResultOf<E>>): void;
  /**
   * Sends an event without an ack id: the server answers nothing (BEAT-17, read heartbeats). Dropped
   * when not connected. Optional: without it, callers use `request`.
   */
  send?<E extends ClientEventName>(event: E, input: RequestOf<E>): void;
  /** When this connection last sent `event` (Date.now() ms; 0: never). Optional: test fakes may not track it. */
  lastSentAt?(event: ClientEventName): number;
  /**
   * `thread:events`: one message of one or more events (reactions and votes come coalesced per tick),
   * and the presence change riding on it, if any (PRES-9, W-L5).
   */
  onThreadEvents(listener: ServerToClientEvents['thread:events']): () => void;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Errors of the connection itself, e.g. a token the server refused. */
  onError(listener: (error: ParleyError) => void): () => void;
  /** Presence changes and notes relays. Optional: test fakes may not carry them. */
  onRelay?<E extends RelayEventName>(event: E, listener: ServerToClientEvents[E]): () => void;
  /** `viewer:update`: the server changed who this connection is (level rose, token expired). */
  onSession?(listener: (session: ViewerSession) => void): () => void;
  /** `thread:gates`: an admin changed a thread's gates. */
  onGates?(listener: (update: ThreadGatesUpdate) => void): () => void;
  /** `wallet:update`: this reader's balance changed (any tab, any action). */
  onWallet?(listener: (update: WalletUpdate) => void): () => void;
  /** `moderation:notice`: moderators and admins only (a comment was flagged, with its count). */
  onModeration?(listener: (notice: ModerationNotice) => void): () => void;
  /** `own:rejected`: a moderator rejected one of this reader's comments awaiting review (PREMOD-7). */
  onOwnRejected?(listener: (notice: OwnCommentRejected) => void): () => void;
  /** The token future reconnects present (the open socket is re-authenticated with `session:auth`). */
  setToken?(token: string | undefined): void;
  close(): void;
}

/** `site` names the host's site when the server hosts several; omitted = the server's only site. */
export type Connector = (server: string, token: string | undefined, site?: string) => ThreadConnection;
