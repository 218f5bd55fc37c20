import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { explain } from '../messages';

/** A labelled input. Autocomplete is off everywhere: the browser must not remember what was typed (a NIK). */
export function Field(props: { label: string; hint?: string } & JSX.InputHTMLAttributes<HTMLInputElement>) {
  const { label, hint, id, ...input } = props;
  const inputId = id ?? `f-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <div class="field">
      <label for={inputId}>{label}</label>
      <input id={inputId} autoComplete="off" spellcheck={false} {...input} />
      {hint && <small>{hint}</small>}
    </div>
  );
}

export function SelectField(props: { label: string; options: readonly (readonly [string, string])[] } & JSX.SelectHTMLAttributes<HTMLSelectElement>) {
  const { label, options, id, ...select } = props;
  const selectId = id ?? `s-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <div class="field">
      <label for={selectId}>{label}</label>
      <select id={selectId} {...select}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A form of the console: submitting never navigates (the page is one document) and the browser is never
 * asked to remember what was typed (a NIK, a password). Without `onSubmit`, Enter submits nothing.
 */
export function Form({ onSubmit, children, ...form }: { onSubmit?: () => void } & Omit<JSX.HTMLAttributes<HTMLFormElement>, 'onSubmit'>) {
  return (
    <form
      {...form}
      autoComplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit?.();
      }}
    >
      {children}
    </form>
  );
}

/** A refusal explained in Indonesian; announced to screen readers. */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert">
      {explain(error)}
    </p>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <p class="notice" role="status">
      {children}
    </p>
  );
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** Runs an action once at a time and keeps its error; what every form needs. */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (...args: A) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await action(...args);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

/** A date as Indonesians read it (7 Desember 2026), in WIB. */
export const tanggal = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleDateString('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Jakarta' }) : '—';
export const waktu = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Jakarta' }) + ' WIB' : '—';
export const angka = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString('id-ID'));

/** A random UUID v4; getRandomValues works outside a secure context too (a closed network on plain HTTP). */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
