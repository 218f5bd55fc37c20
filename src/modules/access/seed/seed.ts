import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { WrongExpectedRevisionError } from '../../../infrastructure/event-store/errors';
import type { EventStore, NewEvent } from '../../../infrastructure/event-store/event-store.port';
import { agreementStream } from '../agreements/agreement';
import { facilityCodeStream, facilityStream } from '../facilities/facility';
import { operatorStream } from '../operators/operator';
import type { OperatorAccounts } from '../operators/accounts';
import regency from '../../../reference/karanganyar.json';
import { SEED_ACTOR } from '../parties/actor';
import { writeInitialPassword } from './initial-passwords';

/** A stable UUID for a seeded record, so a seed interrupted half-way completes on the next start. */
export function seededId(name: string): string {
  const bytes = createHash('sha256').update(`nik-gateway:seed:${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5 (name-based)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const SEEDED_AGREEMENT_ID = seededId('agreement:2022');
export const DINKES_FACILITY_ID = seededId('facility:DINKES');
/** The first accounts of each party: `admin` (DINKES_ADMIN) and `auditor` (DUKCAPIL_AUDITOR). */
export const SEEDED_ADMIN_ID = seededId('operator:admin');
export const SEEDED_AUDITOR_ID = seededId('operator:auditor');

export interface FirstAccounts {
  /** Where the one-time passwords are written (DATA_DIR). */
  readonly dataDir: string;
  readonly initialAdminPassword?: string;
  readonly initialAuditorPassword?: string;
}

/** Puskesmas codes: PKM, the kecamatan code, and a number for kecamatan with two Puskesmas. */
export function seededFacilities() {
  const facilities = [
    { facilityId: DINKES_FACILITY_ID, kind: 'DINKES', code: 'DINKES-3313', name: 'Dinas Kesehatan Kabupaten Karanganyar', kecamatanCode: '331309' },
  ];
  for (const district of regency.districts) {
    district.puskesmas.forEach((name, i) => {
      const code = `PKM-${district.code}-${i + 1}`;
      facilities.push({ facilityId: seededId(`facility:${code}`), kind: 'PUSKESMAS', code, name, kecamatanCode: district.code });
    });
  }
  return facilities;
}

/**
 * First start of an empty store: the 2022 agreement, Dinkes and the 21 Puskesmas, the first DINKES_ADMIN
 * (user id `admin`) and the first DUKCAPIL_AUDITOR (user id `auditor`). Idempotent: each record is
 * appended to its own stream with "no stream" expected, and a finished seed leaves a marker. The 2022
 * agreement was signed by both parties in 2022: it is recorded as signed with the actor SEED.
 */
export async function seedRegisters(
  store: EventStore,
  accounts: OperatorAccounts,
  logger: Logger,
  first: FirstAccounts,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  if ((await store.readStream('seed-karanganyar')).length === 0) {
    const create = async (streamId: string, events: NewEvent[]) => {
      try {
        await store.appendToStream(streamId, events, { expectedRevision: 'no_stream' });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error; // written by an interrupted earlier seed
      }
    };
    const a = regency.agreement;
    await create(agreementStream(SEEDED_AGREEMENT_ID), [
      {
        type: 'AgreementSigned',
        data: {
          agreementId: SEEDED_AGREEMENT_ID,
          dukcapilNumber: a.dukcapilNumber,
          dinkesNumber: a.dinkesNumber,
          signedOn: a.signedOn,
          validFrom: a.validFrom,
          validUntil: a.validUntil,
          grantedFields: a.grantedFields,
          actorId: SEED_ACTOR,
          proposedBy: SEED_ACTOR,
        },
      },
    ]);
    const facilities = seededFacilities();
    for (const facility of facilities) {
      await create(facilityCodeStream(facility.code), [
        { type: 'FacilityCodeReserved', data: { code: facility.code, facilityId: facility.facilityId, actorId: SEED_ACTOR } },
      ]);
      await create(facilityStream(facility.facilityId), [{ type: 'FacilityRegistered', data: { ...facility, actorId: SEED_ACTOR } }]);
    }
    await create('seed-karanganyar', [{ type: 'RegistersSeeded', data: { source: 'karanganyar.json', facilities: facilities.length } }]);
    logger.info({ facilities: facilities.length }, 'registers seeded: the 2022 agreement, Dinkes and the Puskesmas of Karanganyar');
  }

  if (!(await accounts.anyAccount())) {
    await seedAccount(
      store,
      accounts,
      first.dataDir,
      { operatorId: SEEDED_ADMIN_ID, userId: 'admin', role: 'DINKES_ADMIN', facilityId: DINKES_FACILITY_ID, displayName: 'Administrator Dinkes' },
      first.initialAdminPassword,
      'INITIAL_ADMIN_PASSWORD',
      print,
    );
  }
  // Disdukcapil's first account, also on stores seeded before it existed.
  if (!(await accounts.hasOperator(SEEDED_AUDITOR_ID)) && !(await accounts.userIdTaken('auditor'))) {
    await seedAccount(
      store,
      accounts,
      first.dataDir,
      { operatorId: SEEDED_AUDITOR_ID, userId: 'auditor', role: 'DUKCAPIL_AUDITOR', displayName: 'Auditor Disdukcapil' },
      first.initialAuditorPassword,
      'INITIAL_AUDITOR_PASSWORD',
      print,
    );
  }
}

async function seedAccount(
  store: EventStore,
  accounts: OperatorAccounts,
  dataDir: string,
  account: { operatorId: string; userId: string; role: 'DINKES_ADMIN' | 'DUKCAPIL_AUDITOR'; facilityId?: string; displayName: string },
  configured: string | undefined,
  setting: string,
  print: (line: string) => void,
): Promise<void> {
  const { operatorId, userId, role, facilityId } = account;
  const password = configured ?? randomBytes(18).toString('base64url');
  // The password file before anything else: a start that fails from here on still leaves a way in.
  const path = configured ? undefined : writeInitialPassword(dataDir, userId, password);
  // The event first: a start interrupted before the account row finishes the job next time.
  try {
    await store.appendToStream(
      operatorStream(operatorId),
      [{ type: 'OperatorEnrolled', data: { operatorId, ...(facilityId ? { facilityId } : {}), role, actorId: SEED_ACTOR } }],
      {
        expectedRevision: 'no_stream',
      },
    );
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
  }
  if ((await accounts.create(operatorId, userId, password, { displayName: account.displayName })) === 'user-id-taken') {
    // Another instance seeding the same database at the same moment won: the password stored is its own. Our file
    // must not pretend otherwise (if the two files were one, `npm run cli -- admin:reset` writes a working one).
    if (path && readFileSync(path, 'utf8').trim() === password) rmSync(path, { force: true });
    print(`${userId}: created by another instance at the same moment; its one-time password is where that instance said.`);
    return;
  }
  const who = role === 'DINKES_ADMIN' ? 'First Dinkes administrator' : 'First Disdukcapil auditor';
  if (configured) print(`${who} created: user id "${userId}", password from ${setting}.`);
  else print(`${who} created: user id "${userId}"; its one-time password is in ${path} (readable by this user only; change it after signing in).`);
}
