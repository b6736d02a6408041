/**
 * An in-process cluster adapter (test-only): several Parley servers in one process exchange
 * Socket.IO cluster messages through a shared bus, exactly as they would through Redis. This is how
 * socket.io tests its own adapters before running them against a real Redis.
 */
import type { ServerOptions } from 'socket.io';
import { ClusterAdapterWithHeartbeat, type ClusterMessage, type ClusterResponse } from 'socket.io-adapter';

type Member = { uid: string; deliver(message: ClusterMessage): void; respond(response: ClusterResponse): void };

/** A fresh bus; every server created with the returned adapter constructor joins it. */
export function inProcessCluster(): NonNullable<ServerOptions['adapter']> {
  const members = new Set<Member>();

  class InProcessAdapter extends ClusterAdapterWithHeartbeat {
    private readonly member: Member;

    constructor(nsp: unknown) {
      super(nsp, { heartbeatInterval: 200, heartbeatTimeout: 2_000 });
      this.member = {
        uid: this.uid,
        deliver: (message) => this.onMessage(message),
        respond: (response) => this.onResponse(response),
      };
      members.add(this.member);
    }

    // Delivered on a later tick, like a network hop, never synchronously inside the sender's call.
    protected override async doPublish(message: ClusterMessage): Promise<string> {
      for (const member of members) if (member !== this.member) setImmediate(() => member.deliver(message));
      return '';
    }

    protected override async doPublishResponse(requesterUid: string, response: ClusterResponse): Promise<void> {
      for (const member of members) if (member.uid === requesterUid) setImmediate(() => member.respond(response));
    }

    override close(): void {
      members.delete(this.member);
      super.close();
    }
  }

  return InProcessAdapter;
}
