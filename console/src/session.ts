import type { Role, SignedIn } from './api/answers';

/** Who is signed in, as the sign-in answered; in memory only, like the token (api/client.ts). */
export interface Session {
  readonly userId: string;
  readonly operatorId: string;
  readonly role: Role;
  readonly facilityId: string | null;
  readonly mustChangePassword: boolean;
}

export const sessionOf = (userId: string, answer: SignedIn): Session => ({
  userId,
  operatorId: answer.operatorId,
  role: answer.role,
  facilityId: answer.facilityId,
  mustChangePassword: answer.mustChangePassword,
});

export const roleLabel: Record<Role, string> = {
  PUSKESMAS_OPERATOR: 'Petugas Puskesmas',
  DINKES_ADMIN: 'Admin Dinkes',
  DUKCAPIL_AUDITOR: 'Auditor Disdukcapil',
  BUPATI_OFFICE: 'Kantor Bupati',
};

/** Minutes without a key or a click after which the console signs out and forgets what it showed. */
export const IDLE_MINUTES = 10;
