/**
 * Sends this reader's mutations and keeps every one that has no answer yet. A mutation is sent
 * only on a joined connection, at most once per connection, always with the requestId it was
 * created with; after a reconnect or a reload it is sent again and the server's idempotency
 * (same requestId → first result) makes it count once.
 */
import type { Ack } from '@parley/protocol';
import type { ThreadConnection } from './connection.js';
import type { Mutation, MutationStorage } from './pending-mutations.js';

export type SettleCallback = (mutation: Mutation, ack: Ack<unknown>) => void;

export class MutationQueue {
  private items: Mutation[];
  private readonly inFlight = new Set<string>();
  private ready = false;

  constructor(
    private readonly connection: ThreadConnection,
    private readonly storage: MutationStorage | undefined,
    private readonly onSettled: SettleCallback,
  ) {
    this.items = storage?.load() ?? [];
  }

  get list(): readonly Mutation[] {
    return this.items;
  }

  find(requestId: string): Mutation | undefined {
    return this.items.find((m) => m.requestId === requestId);
  }

  add(mutation: Mutation): void {
    this.items.push(mutation);
    this.persist();
    this.send(mutation);
  }

  /** A failed post goes back to pending and is sent again with its original requestId. */
  retry(requestId: string): void {
    const mutation = this.find(requestId);
    if (mutation?.kind !== 'post' || mutation.state !== 'failed') return;
    mutation.state = 'pending';
    delete mutation.error;
    this.persist();
    this.send(mutation);
  }

  remove(requestId: string): void {
    this.items = this.items.filter((m) => m.requestId !== requestId);
    this.persist();
  }

  /** Answers to requests on a dropped connection never come; everything pending is resent later. */
  connectionLost(): void {
    this.ready = false;
    this.inFlight.clear();
  }

  /** After a join: drop other readers' mutations (e.g. signed out), then send what is pending. */
  viewerKnown(userId: string | null): void {
    const mine = this.items.filter((m) => m.userId === userId);
    if (mine.length !== this.items.length) {
      this.items = mine;
      this.persist();
    }
    this.ready = true;
    for (const mutation of this.items) this.send(mutation);
  }

  private send(mutation: Mutation): void {
    if (!this.ready || this.connection.status !== 'connected') return;
    if (this.inFlight.has(mutation.requestId)) return;
    if (mutation.kind === 'post' && mutation.state === 'failed') return;
    this.inFlight.add(mutation.requestId);
    const settle = (ack: Ack<unknown>): void => this.settle(mutation.requestId, ack);
    switch (mutation.kind) {
      case 'post':
        return this.connection.request('comment:post', mutation.input, settle);
      case 'edit':
        return this.connection.request('comment:edit', mutation.input, settle);
      case 'delete':
        return this.connection.request('comment:delete', mutation.input, settle);
      case 'react':
        return this.connection.request('comment:react', mutation.input, settle);
      case 'vote':
        return this.connection.request('post:vote', mutation.input, settle);
    }
  }

  private settle(requestId: string, ack: Ack<unknown>): void {
    this.inFlight.delete(requestId);
    const mutation = this.find(requestId);
    // Already settled (an answer to an earlier send) or already failed: nothing more to do.
    if (!mutation || (mutation.kind === 'post' && mutation.state === 'failed')) return;
    if (!ack.ok && mutation.kind === 'post') {
      mutation.state = 'failed';
      mutation.error = ack.error;
    } else {
      this.items = this.items.filter((m) => m !== mutation);
    }
    this.persist();
    this.onSettled(mutation, ack);
  }

  private persist(): void {
    this.storage?.save(this.items);
  }
}
