/**
 * Recognises values shaped like personal data that must never reach the event store.
 *
 * What can be recognised by shape: NIK and KK numbers (16 digits, written with or without spaces, dots or
 * dashes between digits, as a string or a number). Names, addresses and birth dates cannot be told from
 * other text by shape; they are kept out by the registry's closed schemas (unknown fields and free
 * strings are refused there).
 */

/** 16 or more digits, where single spaces, dots or dashes may separate them ("3313 0112 9000 0001"). */
const LONG_DIGIT_RUN = /\d(?:[ .\-]?\d){15,}/;
/**
 * Canonical UUIDs are opaque ids. About one random UUID in a few hundred has 16 digits in a row across
 * its dashes, so UUIDs (alone or inside a stream id like `access-<uuid>`) are set aside before the scan.
 */
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Any number with 16 or more integer digits. */
const SIXTEEN_DIGITS = 1e15;

export function looksLikeNikOrKk(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return LONG_DIGIT_RUN.test(value.replace(UUIDS, ' '));
    case 'number':
      return Number.isFinite(value) && Math.abs(value) >= SIXTEEN_DIGITS;
    case 'bigint':
      return (value < 0n ? -value : value) >= 10n ** 15n;
    default:
      return false;
  }
}

/** JSON-pointer path of the first NIK/KK-shaped value inside `value`, or undefined. */
export function findPersonalData(value: unknown, path = ''): string | undefined {
  if (looksLikeNikOrKk(value)) return path || '/';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPersonalData(value[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (looksLikeNikOrKk(key)) return `${path}/<key>`;
      const found = findPersonalData(child, `${path}/${key}`);
      if (found) return found;
    }
  }
  return undefined;
}
