import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../../infrastructure/event-store/event-store.port';
import type { Projection } from '../../../infrastructure/projections/projection';
import { wibDay } from '../../../infrastructure/time/wib';
import { eventOf, type DataOf, type EventsOf } from '../../../infrastructure/event-store/typed-events';
import {
  AgreementChangeProposed,
  AgreementChangeRejected,
  AgreementExtended,
  AgreementSigned,
  AgreementTerminated,
  type ChangeKind,
} from '../../access/agreements/agreement.events';
import { AccessDenied } from '../../access/denials/access-denied.events';
import { CardReaderRegistered, CardReaderRetired, FacilityRegistered } from '../../access/facilities/facility.events';
import { CardReadRecorded, NikLookupPerformed } from '../../access/lookups/lookup.events';
import { BalikanAbandoned, BalikanDelivered, BalikanSubmitted, balikanEvents } from '../../balikan/balikan.events';
import { NetworkRefusalsCounted } from '../../access/network/network-refusals.events';
import { EvaluationRecorded } from '../evaluations/evaluation.events';
import { SemesterReportSubmitted } from '../semester/report-submission.events';
import { SignatoryAppointed } from '../signatories/signatory.events';
import { BupatiLetterIssued } from '../letters/bupati-letter.events';

/** The rare events: registers, submissions and evaluations. */
const registerEvents = [
  FacilityRegistered,
  AgreementSigned,
  AgreementExtended,
  AgreementTerminated,
  AgreementChangeProposed,
  AgreementChangeRejected,
  CardReaderRegistered,
  CardReaderRetired,
  SemesterReportSubmitted,
  EvaluationRecorded,
  SignatoryAppointed,
  BupatiLetterIssued,
] as const;
/**
 * What the documents say about the figures rather than the figures: a submission, an evaluation, a
 * signatory, a letter number. They do not move the cut-off (so submitting a report does not change it).
 */
const NOT_FIGURES = new Set<string>([SemesterReportSubmitted.type, EvaluationRecorded.type, SignatoryAppointed.type, BupatiLetterIssued.type]);
const handled = [
  ...registerEvents,
  NikLookupPerformed,
  CardReadRecorded,
  BalikanSubmitted,
  BalikanDelivered,
  BalikanAbandoned,
  AccessDenied,
  NetworkRefusalsCounted,
] as const;

/** Stands for "no Puskesmas" in keys (a refusal before anyone signed in). */
export const NO_FACILITY = '00000000-0000-0000-0000-000000000000';

const OWES_BALIKAN = new Set(['FOUND', 'DECEASED']);
const CHANNEL: Record<string, string> = { NikLookupPerformed: 'WEB_PORTAL', CardReadRecorded: 'CARD_READER' };

/** An access as the balikan obligation sees it. */
export interface AccessRow {
  readonly accessId: string;
  readonly facilityId: string;
  readonly month: string;
  readonly occurredAt: Date;
  readonly owesBalikan: boolean;
  pending: number;
  delivered: number;
  abandoned: number;
}

/** Which of the report's balikan columns an access counts in. */
export function balikanFlags(a: Pick<AccessRow, 'owesBalikan' | 'pending' | 'delivered' | 'abandoned'>) {
  const owed = a.owesBalikan ? 1 : 0;
  return {
    owed,
    submitted: owed && a.pending + a.delivered + a.abandoned > 0 ? 1 : 0,
    delivered: owed && a.delivered > 0 ? 1 : 0,
    // Given up on: every balikan for it was abandoned, none delivered, none still trying.
    abandoned: owed && a.abandoned > 0 && a.delivered === 0 && a.pending === 0 ? 1 : 0,
  };
}

/** Sums under string keys; the key's parts are joined by '|'. */
class Counter {
  readonly counts = new Map<string, number>();
  add(key: readonly (string | number)[], n = 1) {
    const k = key.join('|');
    this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }
  columns(width: number): string[][] {
    const columns: string[][] = Array.from({ length: width + 1 }, () => []);
    for (const [key, n] of this.counts) {
      if (n === 0) continue;
      key.split('|').forEach((part, i) => columns[i]!.push(part));
      columns[width]!.push(String(n));
    }
    return columns;
  }
}

/**
 * The reporting read models (utilisation, balikan obligations, refusals, operator activity, card readers
 * and fingerprints, agreements, report submissions, evaluations). One projection, so every figure of a
 * report comes from the same position of the log. A batch is folded in memory into counter deltas and
 * written with a handful of set-based statements: a rebuild of a million events stays well under a minute.
 */
export class ReportingProjection implements Projection {
  readonly name = 'reporting';
  readonly handles: readonly string[] = handled.map((d) => d.type);

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    const utilisation = new Counter();
    const fingerprints = new Counter();
    const operatorAccesses = new Counter();
    const operatorRefusals = new Counter();
    const refusals = new Counter();
    const balikanMonthly = new Counter();
    const accesses = new Map<string, AccessRow>();
    const before = new Map<string, ReturnType<typeof balikanFlags>>();

    const unknown = [...new Set(events.flatMap((e) => eventOf(balikanEvents, e)?.data.accessId ?? []))];
    if (unknown.length > 0) {
      for (const row of await loadAccesses(tx, unknown)) {
        accesses.set(row.accessId, row);
        before.set(row.accessId, balikanFlags(row));
      }
    }

    let lastCounted: RecordedEvent | undefined;
    for (const recorded of events) {
      const event = eventOf(handled, recorded);
      if (!event) continue;
      if (!NOT_FIGURES.has(event.type)) lastCounted = recorded;
      switch (event.type) {
        case 'NikLookupPerformed':
        case 'CardReadRecorded': {
          const d = event.data;
          const day = wibDay(event.occurredAt);
          const month = day.slice(0, 7);
          utilisation.add([d.facilityId, month, CHANNEL[event.type]!, d.outcome, d.holderOrigin]);
          operatorAccesses.add([d.operatorId, day, d.facilityId]);
          if (event.type === 'CardReadRecorded') fingerprints.add([d.facilityId, event.data.readerId, month, event.data.fingerprint]);
          if (!accesses.has(d.accessId)) {
            const row: AccessRow = {
              accessId: d.accessId,
              facilityId: d.facilityId,
              month,
              occurredAt: event.occurredAt,
              owesBalikan: OWES_BALIKAN.has(d.outcome),
              pending: 0,
              delivered: 0,
              abandoned: 0,
            };
            accesses.set(d.accessId, row);
            before.set(d.accessId, balikanFlags({ ...row, owesBalikan: false }));
          }
          break;
        }
        case 'BalikanSubmitted':
        case 'BalikanDelivered':
        case 'BalikanAbandoned': {
          const row = accesses.get(event.data.accessId);
          if (!row) break; // a balikan always follows its access on the same stream; nothing to count without it
          if (event.type === 'BalikanSubmitted') row.pending++;
          else {
            row.pending = Math.max(0, row.pending - 1);
            if (event.type === 'BalikanDelivered') row.delivered++;
            else row.abandoned++;
          }
          break;
        }
        case 'AccessDenied': {
          const d = event.data;
          const day = wibDay(event.occurredAt);
          refusals.add([day, d.facilityId ?? NO_FACILITY, d.reason]);
          if (d.operatorId) operatorRefusals.add([d.operatorId, day, d.facilityId ?? NO_FACILITY]);
          break;
        }
        case 'NetworkRefusalsCounted':
          // Refusals of callers outside the closed network, counted per minute: each one counts.
          refusals.add([wibDay(new Date(event.data.from)), NO_FACILITY, 'NETWORK_NOT_ALLOWED'], event.data.count);
          break;
        default:
          await applyRegisterEvent(event, tx);
      }
    }

    for (const [accessId, row] of accesses) {
      const was = before.get(accessId)!;
      const now = balikanFlags(row);
      for (const column of ['owed', 'submitted', 'delivered', 'abandoned'] as const) {
        if (now[column] !== was[column]) balikanMonthly.add([row.facilityId, row.month, column], now[column] - was[column]);
      }
    }

    await upsertCounts(tx, 'report_utilisation', ['facility_id', 'month', 'channel', 'outcome', 'holder_origin'], 'accesses', utilisation, [
      'uuid',
      'text',
      'text',
      'text',
      'text',
    ]);
    await upsertCounts(tx, 'report_fingerprints', ['facility_id', 'reader_id', 'month', 'fingerprint'], 'reads', fingerprints, [
      'uuid',
      'uuid',
      'text',
      'text',
    ]);
    await upsertCounts(tx, 'report_operator_daily', ['operator_id', 'day', 'facility_id'], 'accesses', operatorAccesses, ['uuid', 'date', 'uuid']);
    await upsertCounts(tx, 'report_operator_daily', ['operator_id', 'day', 'facility_id'], 'refusals', operatorRefusals, ['uuid', 'date', 'uuid']);
    await upsertCounts(tx, 'report_refusals', ['day', 'facility_id', 'reason'], 'refusals', refusals, ['date', 'uuid', 'text']);
    await writeAccesses(tx, [...accesses.values()]);
    await writeBalikanMonthly(tx, balikanMonthly);
    if (lastCounted) {
      // In the transaction that counts it: a report read in one snapshot knows exactly up to which event it counts.
      await tx.query(
        `INSERT INTO report_cut_off (id, event_id, recorded_at) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET event_id = EXCLUDED.event_id, recorded_at = EXCLUDED.recorded_at`,
        [lastCounted.eventId, lastCounted.occurredAt],
      );
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    for (const table of [
      'report_facilities',
      'report_agreements',
      'report_agreement_changes',
      'report_utilisation',
      'report_accesses',
      'report_balikan_monthly',
      'report_refusals',
      'report_operator_daily',
      'report_card_readers',
      'report_fingerprints',
      'report_submissions',
      'report_evaluations',
      'report_signatories',
      'report_bupati_letters',
      'report_cut_off',
    ]) {
      await tx.query(`DELETE FROM ${table}`);
    }
  }
}

async function loadAccesses(tx: EntityManager, ids: string[]): Promise<AccessRow[]> {
  const rows: {
    access_id: string;
    facility_id: string;
    month: string;
    occurred_at: Date;
    owes_balikan: boolean;
    balikan_pending: number;
    balikan_delivered: number;
    balikan_abandoned: number;
  }[] = await tx.query(
    `SELECT access_id, facility_id, month, occurred_at, owes_balikan, balikan_pending, balikan_delivered, balikan_abandoned FROM report_accesses WHERE access_id = ANY($1::uuid[])`,
    [ids],
  );
  return rows.map((r) => ({
    accessId: r.access_id,
    facilityId: r.facility_id,
    month: r.month,
    occurredAt: new Date(r.occurred_at),
    owesBalikan: r.owes_balikan,
    pending: r.balikan_pending,
    delivered: r.balikan_delivered,
    abandoned: r.balikan_abandoned,
  }));
}

async function upsertCounts(tx: EntityManager, table: string, keys: string[], value: string, counter: Counter, types: string[]): Promise<void> {
  if (counter.counts.size === 0) return;
  const columns = counter.columns(keys.length);
  const casts = [...types, 'bigint'].map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  await tx.query(
    `INSERT INTO ${table} (${keys.join(', ')}, ${value}) SELECT * FROM unnest(${casts})
     ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${value} = ${table}.${value} + EXCLUDED.${value}`,
    columns,
  );
}

async function writeAccesses(tx: EntityManager, rows: AccessRow[]): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(pick: (r: AccessRow) => T) => rows.map(pick);
  // New rows are inserted, known ones (loaded for a balikan) updated: one statement for both.
  await tx.query(
    `INSERT INTO report_accesses (access_id, facility_id, month, occurred_at, owes_balikan, balikan_pending, balikan_delivered, balikan_abandoned)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::boolean[], $6::int[], $7::int[], $8::int[])
     ON CONFLICT (access_id) DO UPDATE SET balikan_pending = EXCLUDED.balikan_pending, balikan_delivered = EXCLUDED.balikan_delivered, balikan_abandoned = EXCLUDED.balikan_abandoned`,
    [
      col((r) => r.accessId),
      col((r) => r.facilityId),
      col((r) => r.month),
      col((r) => r.occurredAt.toISOString()),
      col((r) => r.owesBalikan),
      col((r) => r.pending),
      col((r) => r.delivered),
      col((r) => r.abandoned),
    ],
  );
}

async function writeBalikanMonthly(tx: EntityManager, deltas: Counter): Promise<void> {
  const byKey = new Map<string, { facility: string; month: string; owed: number; submitted: number; delivered: number; abandoned: number }>();
  for (const [key, n] of deltas.counts) {
    const [facility, month, column] = key.split('|') as [string, string, 'owed' | 'submitted' | 'delivered' | 'abandoned'];
    const k = `${facility}|${month}`;
    const row = byKey.get(k) ?? { facility, month, owed: 0, submitted: 0, delivered: 0, abandoned: 0 };
    row[column] += n;
    byKey.set(k, row);
  }
  if (byKey.size === 0) return;
  const rows = [...byKey.values()];
  await tx.query(
    `INSERT INTO report_balikan_monthly (facility_id, month, owed, submitted, delivered, abandoned)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
     ON CONFLICT (facility_id, month) DO UPDATE SET
       owed = report_balikan_monthly.owed + EXCLUDED.owed,
       submitted = report_balikan_monthly.submitted + EXCLUDED.submitted,
       delivered = report_balikan_monthly.delivered + EXCLUDED.delivered,
       abandoned = report_balikan_monthly.abandoned + EXCLUDED.abandoned`,
    [
      rows.map((r) => r.facility),
      rows.map((r) => r.month),
      rows.map((r) => r.owed),
      rows.map((r) => r.submitted),
      rows.map((r) => r.delivered),
      rows.map((r) => r.abandoned),
    ],
  );
}

/** What a change of the agreement is, in a few words of its own numbers and dates (no personal data). */
function changeDetail(change: ChangeKind, t: DataOf<typeof AgreementChangeProposed>['terms']): string {
  if (change === 'SIGN') return `${t.dukcapilNumber} / ${t.dinkesNumber}, ${t.validFrom}..${t.validUntil}`;
  if (change === 'EXTEND') return `${t.addendumNumber}, ${t.validUntil}`;
  return `${t.reason}, ${t.effectiveOn}`;
}

/** The rare events: registers, submissions and evaluations, one statement each. */
async function applyRegisterEvent(event: EventsOf<typeof registerEvents>, tx: EntityManager): Promise<void> {
  switch (event.type) {
    case 'FacilityRegistered': {
      const d = event.data;
      await tx.query(
        `INSERT INTO report_facilities (facility_id, kind, code, name, kecamatan_code) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (facility_id) DO NOTHING`,
        [d.facilityId, d.kind, d.code, d.name, d.kecamatanCode],
      );
      return;
    }
    case 'AgreementChangeProposed': {
      const d = event.data;
      await tx.query(
        `INSERT INTO report_agreement_changes (agreement_id, seq, change_id, change, detail, status, proposed_by, proposed_at)
         VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7) ON CONFLICT DO NOTHING`,
        [d.agreementId, event.revision.toString(), d.changeId, d.change, changeDetail(d.change, d.terms), d.actorId, event.occurredAt],
      );
      return;
    }
    case 'AgreementChangeRejected':
      await tx.query(`UPDATE report_agreement_changes SET status = 'REJECTED', rejected_by = $2, rejected_at = $3 WHERE change_id = $1`, [
        event.data.changeId,
        event.data.actorId,
        event.occurredAt,
      ]);
      return;
  }
  if (event.type === 'AgreementSigned' || event.type === 'AgreementExtended' || event.type === 'AgreementTerminated') {
    const d = event.data;
    const change = ({ AgreementSigned: 'SIGN', AgreementExtended: 'EXTEND', AgreementTerminated: 'TERMINATE' } as const)[event.type];
    // Confirms a proposal, or (the seed, a breach, a legacy event) stands alone.
    const proposal: unknown[] = d.changeId ? await tx.query(`SELECT 1 FROM report_agreement_changes WHERE change_id = $1`, [d.changeId]) : [];
    if (proposal.length > 0) {
      await tx.query(`UPDATE report_agreement_changes SET status = 'CONFIRMED', confirmed_by = $2, confirmed_at = $3 WHERE change_id = $1`, [
        d.changeId,
        d.actorId,
        event.occurredAt,
      ]);
    } else {
      await tx.query(
        `INSERT INTO report_agreement_changes (agreement_id, seq, change_id, change, detail, status, proposed_by, proposed_at, confirmed_by, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, 'CONFIRMED', $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [
          d.agreementId,
          event.revision.toString(),
          d.changeId ?? null,
          change,
          changeDetail(change, d),
          d.proposedBy ?? d.actorId,
          d.proposedAt ?? null,
          d.actorId,
          event.occurredAt,
        ],
      );
    }
  }
  switch (event.type) {
    case 'AgreementSigned': {
      const d = event.data;
      await tx.query(
        `INSERT INTO report_agreements (agreement_id, dukcapil_number, dinkes_number, signed_on, valid_from, valid_until, signed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (agreement_id) DO NOTHING`,
        [d.agreementId, d.dukcapilNumber, d.dinkesNumber, d.signedOn, d.validFrom, d.validUntil, event.occurredAt],
      );
      return;
    }
    case 'AgreementExtended':
      await tx.query(`UPDATE report_agreements SET valid_until = $2::date, addenda = addenda || jsonb_build_array($3::text) WHERE agreement_id = $1`, [
        event.data.agreementId,
        event.data.validUntil,
        event.data.addendumNumber,
      ]);
      return;
    case 'AgreementTerminated':
      await tx.query(`UPDATE report_agreements SET termination_reason = $2, terminated_on = $3 WHERE agreement_id = $1`, [
        event.data.agreementId,
        event.data.reason,
        event.data.effectiveOn,
      ]);
      return;
    case 'CardReaderRegistered':
      await tx.query(`INSERT INTO report_card_readers (reader_id, facility_id, registered_at) VALUES ($1, $2, $3) ON CONFLICT (reader_id) DO NOTHING`, [
        event.data.readerId,
        event.data.facilityId,
        event.occurredAt,
      ]);
      return;
    case 'CardReaderRetired':
      await tx.query(`UPDATE report_card_readers SET retired_at = $2 WHERE reader_id = $1`, [event.data.readerId, event.occurredAt]);
      return;
    case 'SemesterReportSubmitted': {
      const d = event.data;
      await tx.query(
        `INSERT INTO report_submissions (year, semester, revision, pdf_sha256, submitted_at, submitted_by, due_on, on_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
        [d.year, d.semester, d.revision, Buffer.from(d.pdfSha256, 'base64').toString('hex'), event.occurredAt, d.submittedBy, d.dueOn, d.onTime],
      );
      return;
    }
    case 'SignatoryAppointed': {
      const d = event.data;
      await tx.query(
        `INSERT INTO report_signatories (party, seq, name, nip, golongan, position, effective_from, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
        [d.party, event.revision.toString(), d.name, d.nip, d.golongan, d.position, d.effectiveFrom, d.actorId, event.occurredAt],
      );
      return;
    }
    case 'BupatiLetterIssued': {
      const d = event.data;
      await tx.query(`INSERT INTO report_bupati_letters (year, semester, number, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
        d.year,
        d.semester,
        d.number,
        d.actorId,
        event.occurredAt,
      ]);
      return;
    }
    case 'EvaluationRecorded': {
      const d = event.data;
      await tx.query(
        `INSERT INTO report_evaluations (evaluation_id, kind, year, semester, auditor_id, findings, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [d.evaluationId, d.kind, d.year ?? null, d.semester ?? null, d.auditorId, JSON.stringify(d.findings), event.occurredAt],
      );
      return;
    }
  }
}
