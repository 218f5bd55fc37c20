/** Answers of the API as the console reads them (see answer() in client.ts for why they are declared here). */
export type Role = 'PUSKESMAS_OPERATOR' | 'DINKES_ADMIN' | 'DUKCAPIL_AUDITOR' | 'BUPATI_OFFICE';

export interface SignedIn {
  accessToken: string;
  expiresIn: number;
  role: Role;
  facilityId: string | null;
  operatorId: string;
  mustChangePassword: boolean;
}

export interface Person {
  kkNumber?: string;
  nik?: string;
  fullName?: string;
  sex?: string;
  birthPlace?: string;
  birthDate?: string;
  occupation?: string;
  maritalStatus?: string;
  address?: { street?: string; rt?: string; rw?: string; village?: string; district?: string; regency?: string; province?: string };
}

export interface AccessAnswer {
  accessId: string;
  outcome: 'FOUND' | 'DECEASED';
  person: Person | null;
  verificationToken: string;
}

export interface BalikanAccepted {
  balikanId: string;
  status: string;
}
