/**
 * A deterministic in-memory connection for tests (tldraw sync-core style): nothing is answered
 * until the test says so, and status changes happen exactly when the test calls them.
 */
import type { Ack, ClientEventName, ParleyError, PresenceChange, ThreadEvent } from '@parley/protocol';
import type { ConnectionStatus, RequestOf, ResultOf, ThreadConnection } from '../connection.js';

export interface SentRequest<E extends ClientEventName = ClientEventName> {
  event: E;
  input: RequestOf<E>;
  answer: (ack: Ack<ResultOf<E>>) => void;
  answered: boolean;
  /** False for an event sent without an ack id (`send`): answered from the start, nothing to answer. */
  wantsAck: boolean;
}

export class FakeConnection implements ThreadConnection {
  status: ConnectionStatus = 'connecting';
  readonly sent: SentRequest[] = [];
  closed = false;
  private readonly eventListeners = new Set<(events: ThreadEvent[], presence?: PresenceChange) => void>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly errorListeners = new Set<(error: ParleyError) => void>();

  request<E extends ClientEventName>(event: E, input: RequestOf<E>, ack: (ack: Ack<ResultOf<E>>) => void): void {
    const request: SentRequest<E> = {
      event,
      input: structuredClone(input),
      answered: false,
      wantsAck: true,
      answer: (value) => {
        request.answered = true;
        ack(value);
      },
    };
    this.sent.push(request as unknown as SentRequest);
  }

  send<E extends ClientEventName>(event: E, input: RequestOf<E>): void {
    const request: SentRequest<E> = { event, input: structuredClone(input), answered: true, wantsAck: false, answer: () => {} };
    this.sent.push(request as unknown as SentRequest);
  }

  onThreadEvents(listener: (events: ThreadEvent[], presence?: PresenceChange) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
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
    this.closed = true;
  }

  // ── test controls ──────────────────────────────────────────────────────────────────────────

  setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.statusListeners.forEach((listener) => listener(status));
  }

  /** Each event in a message of its own. */
  deliver(...events: ThreadEvent[]): void {
    for (const event of events) this.eventListeners.forEach((listener) => listener([event]));
  }

  /** All the events in one `thread:events` message, as the server sends a tick's reactions. */
  deliverMessage(events: ThreadEvent[], presence?: PresenceChange): void {
    this.eventListeners.forEach((listener) => listener(structuredClone(events), presence && structuredClone(presence)));
  }

  /** Requests of one kind, oldest first. */
  requests<E extends ClientEventName>(event: E): SentRequest<E>[] {
    return this.sent.filter((r) => r.event === event) as unknown as SentRequest<E>[];
  }

  /** The oldest unanswered request of a kind; throws when there is none, so a test fails loudly. */
  pending<E extends ClientEventName>(event: E): SentRequest<E> {
    const request = this.requests(event).find((r) => !r.answered);
    if (!request) throw new Error(`no unanswered ${event} request`);
    return request;
  }

  answer<E extends ClientEventName>(event: E, data: ResultOf<E>): void {
    this.pending(event).answer({ ok: true, data });
  }

  refuse(event: ClientEventName, error: ParleyError): void {
    this.pending(event).answer({ ok: false, error });
  }
}
