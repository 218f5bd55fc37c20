import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DataSource, type EntityManager } from 'typeorm';
import { wibDay } from '../../../infrastructure/time/wib';
import type { Party } from '../../access/parties/actor';
import type { Signatories, Signatory } from '../documents/report-data';
import { ReportingFreshness } from '../read-models/reporting-freshness';
import { rankLabel, type Golongan } from './signatory.events';

type Db = Pick<EntityManager, 'query'>;

/** One appointment as the register lists it: the official, the day it holds from, who recorded it and when. */
export interface AppointmentRow extends Signatory {
  readonly golongan: Golongan;
  readonly effectiveFrom: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface PartySignatories {
  readonly party: Party;
  /** In force today (null: none recorded, or the first holds from a later day). */
  readonly current: AppointmentRow | null;
  /** Every appointment, oldest first (a later one on the same day corrected the earlier). */
  readonly history: readonly AppointmentRow[];
}

interface Row {
  party: Party;
  name: string;
  nip: string;
  golongan: Golongan;
  position: string;
  effective_from: string;
  recorded_by: string;
  recorded_at: Date;
}

const toAppointment = (r: Row): AppointmentRow => ({
  name: r.name,
  nip: r.nip,
  rank: rankLabel(r.golongan),
  golongan: r.golongan,
  position: r.position,
  effectiveFrom: r.effective_from,
  recordedBy: r.recorded_by,
  recordedAt: new Date(r.recorded_at).toISOString(),
});

const COLUMNS = `party, name, nip, golongan, position, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, recorded_by, recorded_at`;

/** The official who signs for each party on a WIB day: the latest appointment holding from that day or before. */
export async function signatoriesOn(db: Db, day: string): Promise<Signatories> {
  const rows: Row[] = await db.query(
    `SELECT DISTINCT ON (party) ${COLUMNS} FROM report_signatories WHERE effective_from <= $1::date ORDER BY party, effective_from DESC, seq DESC`,
    [day],
  );
  const of = (party: Party): Signatory | null => {
    const row = rows.find((r) => r.party === party);
    return row ? { name: row.name, nip: row.nip, rank: rankLabel(row.golongan), position: row.position } : null;
  };
  return { dinkes: of('DINKES'), disdukcapil: of('DISDUKCAPIL') };
}

/** Both parties' signatory registers: who signs today, and every appointment recorded. */
export class ListSignatories extends Query<PartySignatories[]> {
  constructor(readonly now: Date) {
    super();
  }
}

@QueryHandler(ListSignatories)
export class ListSignatoriesHandler implements IQueryHandler<ListSignatories> {
  constructor(
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
  ) {}

  async execute({ now }: ListSignatories): Promise<PartySignatories[]> {
    await this.freshness.catchUp();
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM report_signatories ORDER BY party, seq`);
    const today = wibDay(now);
    return (['DINKES', 'DISDUKCAPIL'] as const).map((party) => {
      const history = rows.filter((r) => r.party === party).map(toAppointment);
      const inForce = history.filter((a) => a.effectiveFrom <= today);
      // Latest day first; on one day, the latest recorded (a correction).
      const current = inForce.reduce<AppointmentRow | null>((best, a) => (!best || a.effectiveFrom >= best.effectiveFrom ? a : best), null);
      return { party, current, history };
    });
  }
}
