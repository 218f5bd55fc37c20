import { onTokenChange } from '../../api/client';

/**
 * The balikan ids sent in this session, newest first: in this module's memory only (an id is not personal
 * data, but nothing is kept in storage either way). Dropped at every sign-in and sign-out (onTokenChange):
 * after a sign-out, an idle timeout or another clerk's sign-in the list starts empty.
 */
let sent: string[] = [];
onTokenChange(() => (sent = []));

export function rememberBalikan(balikanId: string): void {
  if (!sent.includes(balikanId)) sent.unshift(balikanId);
}

export const sentBalikan = (): readonly string[] => [...sent];
