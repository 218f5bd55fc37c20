/** Errors from `pg` that mean "the server is not there right now" rather than "your query is wrong". */
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH']);
/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash, starting up). */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-4]|53300)/;

export function isConnectionFailure(error: unknown): boolean {
  // Duck-typed: errors raised by Node's sockets may come from another realm (jest), failing instanceof Error.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect/i.test(
    typeof message === 'string' ? message : '',
  );
}
