import { EventStoreDBClient } from '@eventstore/db-client';

/**
 * The adapter's EventStoreDB client, replaceable after a failure the client does not recover from by itself
 * (client 6.2.1 keeps a failed discovery's rejected capabilities promise until restart). A replaced client is
 * retired, not disposed at once: its dispose cancels every stream it holds, and calls of other commands may
 * still run on it. It is disposed when the last call that started while it was current has settled.
 */
export class ReplaceableClient {
  private client: EventStoreDBClient;
  private readonly calls = new Map<EventStoreDBClient, number>();
  private readonly retired = new Set<EventStoreDBClient>();
  private readonly disposals = new Set<Promise<void>>();

  private readonly create: () => EventStoreDBClient;

  constructor(create: () => EventStoreDBClient) {
    this.create = () => containReconnectFailures(create());
    this.client = this.create();
  }

  /**
   * Counts a call against the current client until `release`; the call uses the leased client alone, and
   * only calls leased later get a newer one, so a retired client has no caller left once its count is zero.
   */
  lease(): { readonly client: EventStoreDBClient; release(): void } {
    const client = this.client;
    this.calls.set(client, (this.calls.get(client) ?? 0) + 1);
    let released = false;
    return {
      client,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.calls.get(client) ?? 1) - 1;
        if (left > 0) {
          this.calls.set(client, left);
          return;
        }
        this.calls.delete(client);
        if (this.retired.delete(client)) this.dispose(client);
      },
    };
  }

  /** Replaces `failed` by a fresh client; a no-op when another call already replaced it. */
  replace(failed: EventStoreDBClient): void {
    if (failed !== this.client) return;
    this.client = this.create();
    if (this.calls.has(failed)) this.retired.add(failed);
    else this.dispose(failed);
  }

  /** Disposes the current client and every retired one, waiting for their streams to end. */
  async close(): Promise<void> {
    for (const client of this.retired) this.dispose(client);
    this.retired.clear();
    this.dispose(this.client);
    await Promise.allSettled([...this.disposals]);
  }

  private dispose(client: EventStoreDBClient): void {
    // dispose() settles its streams with allSettled; the catch is for a future client version that rejects.
    const disposal: Promise<void> = client
      .dispose()
      .catch(() => undefined)
      .finally(() => this.disposals.delete(disposal));
    this.disposals.add(disposal);
  }
}

/**
 * Client 6.2.1 calls its async `handleError` without awaiting it (`execute`, and the `finished` callback of
 * every stream). When a call fails while the client is rediscovering, `handleError` awaits the pending
 * channel, and when that discovery fails its rejection is unhandled: Node ends the process. The failed call
 * itself has already been answered with its own error, and a failed discovery clears the channel, so the
 * rejection carries nothing to act on: it is dropped. `handleError` is an own property of each client.
 */
function containReconnectFailures(client: EventStoreDBClient): EventStoreDBClient {
  const internals = client as unknown as { handleError?: (grpcClient: unknown, error: Error) => Promise<void> };
  const handleError = internals.handleError;
  if (typeof handleError !== 'function') return client;
  internals.handleError = (grpcClient, error) => handleError(grpcClient, error).catch(() => undefined);
  return client;
}
