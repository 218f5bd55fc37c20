import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Data read from the API for a page, with a reload. The registers behind the lists (operators, card
 * readers) trail a change by a few hundred milliseconds (the projection worker), so a reload after a
 * change can wait until the list shows it: `reload(until)` reads again every 250 ms, up to 30 s (a busy
 * machine), and then shows the list as it is with a note that it is not updated yet.
 */
export function useLoaded<T>(load: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  /** A change was acknowledged but the list did not show it within 30 s. */
  const [stale, setStale] = useState(false);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    void reload();
    return () => {
      alive.current = false;
    };
  }, []);
  async function reload(until?: (fresh: T) => boolean): Promise<void> {
    for (let attempt = 0; alive.current; attempt++) {
      let fresh: T;
      try {
        fresh = await load();
      } catch (caught) {
        if (alive.current) setError(caught);
        return;
      }
      if (!until || until(fresh) || attempt >= 120) {
        if (alive.current) {
          setData(fresh);
          setError(null);
          setStale(until !== undefined && !until(fresh));
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return { data, error, reload, stale };
}

/** A button whose action asks first: the question, then "Ya, …" or "Batal". */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  busy,
  onConfirm,
}: {
  label: string;
  question: ComponentChildren;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" class="secondary" disabled={busy} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span class="confirm" role="group" aria-label={label}>
      <span>{question}</span>{' '}
      <button
        type="button"
        class="danger"
        disabled={busy}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>{' '}
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Batal
      </button>
    </span>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/** Loading, or the refusal that stopped the loading. */
export function Loading() {
  return <p role="status">Memuat…</p>;
}

/** Today as a WIB calendar day (YYYY-MM-DD), for date inputs. */
export const todayWib = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/** A share (0..1) as a percentage the Indonesian way (12,5%). */
export const persen = (share: number) => `${(share * 100).toLocaleString('id-ID', { maximumFractionDigits: 1 })}%`;

/** Said when a change was acknowledged but the list still does not show it after 30 s. */
export function NotYetUpdated({ stale, reload }: { stale: boolean; reload: () => void }) {
  if (!stale) return null;
  return (
    <p class="notice" role="status">
      Perubahan sudah dicatat, tetapi daftar ini belum diperbarui.{' '}
      <button type="button" class="secondary" onClick={reload}>
        Muat ulang
      </button>
    </p>
  );
}
