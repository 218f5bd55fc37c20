/**
 * Values read from the database, held in memory for the hot path, with a freshness bound that does not
 * depend on any notification arriving:
 *  - a value is used as held only while the read that produced it STARTED less than `recheckMs` ago
 *    (so a change committed anywhere, by any process, is seen by every use that begins `recheckMs` after it);
 *  - `invalidate(key)` (a change made in this process) makes the next use read again, and no read that
 *    started before the invalidation is trusted afterwards;
 *  - uses that arrive together share one read when it is fresh enough for them.
 * `recheckMs: 0` reads on every use (the behaviour without a cache). `load` receives the value held, so a
 * fold can read only what is new; `merge` picks between a held value and one loaded concurrently.
 */
export interface RecheckedCacheOptions<V> {
  readonly recheckMs: number;
  /** Monotonic milliseconds; a test drives it. */
  readonly clock?: () => number;
  /** Oldest entries are dropped beyond this (they are read again when next used). */
  readonly maxEntries?: number;
  /** Of the value held and one just loaded (loads may complete out of order): the one to keep. Default: the loaded one. */
  readonly merge?: (held: V, loaded: V) => V;
}

interface Stamp {
  /** Issue order of reads and invalidations: a read is trusted after an invalidation only if it began later. */
  readonly seq: number;
  readonly at: number;
}

interface Entry<V> {
  value?: V;
  checked?: Stamp;
  invalidated: number;
  reading?: { readonly stamp: Stamp; readonly done: Promise<V | undefined> };
}

export class RecheckedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private seq = 0;
  private readonly clock: () => number;

  constructor(
    private readonly load: (key: K, held: V | undefined) => Promise<V | undefined>,
    private readonly options: RecheckedCacheOptions<V>,
  ) {
    this.clock = options.clock ?? (() => performance.now());
  }

  /** The value, read within the freshness bound; undefined when `load` found none (not kept). */
  async get(key: K): Promise<V | undefined> {
    const now = this.clock();
    const entry = this.entry(key);
    const fresh = (stamp: Stamp | undefined) => stamp !== undefined && stamp.seq > entry.invalidated && stamp.at > now - this.options.recheckMs;
    if (fresh(entry.checked)) return entry.value;
    if (entry.reading && fresh(entry.reading.stamp)) return entry.reading.done;
    const stamp = { seq: ++this.seq, at: this.clock() };
    const done = this.read(key, entry, stamp);
    entry.reading = { stamp, done };
    try {
      return await done;
    } finally {
      if (entry.reading?.stamp === stamp) entry.reading = undefined;
    }
  }

  /** Keys held (or being read). */
  get size(): number {
    return this.entries.size;
  }

  /** Changed in this process: the next use reads again. */
  invalidate(key: K): void {
    const entry = this.entries.get(key);
    if (entry) entry.invalidated = ++this.seq;
  }

  invalidateAll(): void {
    const seq = ++this.seq;
    for (const entry of this.entries.values()) entry.invalidated = seq;
  }

  private entry(key: K): Entry<V> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { invalidated: 0 };
      this.entries.set(key, entry);
      const max = this.options.maxEntries ?? 10_000;
      if (this.entries.size > max) this.entries.delete(this.entries.keys().next().value as K);
    }
    return entry;
  }

  /** Resolves to what this read makes current: the merged value, or undefined when none was found. */
  private async read(key: K, entry: Entry<V>, stamp: Stamp): Promise<V | undefined> {
    let loaded: V | undefined;
    try {
      loaded = await this.load(key, entry.value);
    } catch (error) {
      if (entry.value === undefined && this.entries.get(key) === entry) this.entries.delete(key); // a failed read holds nothing
      throw error;
    }
    if (loaded === undefined) {
      if (this.entries.get(key) === entry) this.entries.delete(key); // nothing to hold (an unknown token): never grows the map
      return undefined;
    }
    const newest = !entry.checked || stamp.seq > entry.checked.seq;
    if (this.options.merge && entry.value !== undefined) entry.value = this.options.merge(entry.value, loaded);
    else if (newest || entry.value === undefined) entry.value = loaded;
    if (newest) entry.checked = stamp;
    return entry.value;
  }
}
