import { currentToken } from '../../api/client';

/**
 * The balikan ids sent in this session, newest first: in this module's memory only (an id is not personal
 * data, but nothing is kept in storage either way). Tied to the session's token: after a sign-out, an idle
 * timeout or another clerk's sign-in the list starts empty.
 */
let sent: { token: string | null; ids: string[] } = { token: null, ids: [] };

const current = () => {
  const token = currentToken();
  if (sent.token !== token) sent = { token, ids: [] };
  return sent;
};

export function rememberBalikan(balikanId: string): void {
  const { ids } = current();
  if (!ids.includes(balikanId)) ids.unshift(balikanId);
}

export const sentBalikan = (): readonly string[] => [...current().ids];
