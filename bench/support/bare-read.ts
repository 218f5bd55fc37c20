import { START, type EventStore } from '../../src/infrastructure/event-store/event-store.port';
import { secondsSince } from './postgres';

/** The baseline of the replay and report benchmarks: one read of the whole global order, in batches, nothing done with it. */
export async function bareRead(store: EventStore, batchSize: number): Promise<{ events: number; seconds: number }> {
  const started = process.hrtime.bigint();
  let events = 0;
  for (let after = START; ;) {
    const batch = await store.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) break;
    events += batch.length;
    after = batch[batch.length - 1]!.globalPosition;
  }
  return { events, seconds: secondsSince(started) };
}
