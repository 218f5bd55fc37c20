import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { FacilityKind } from './facility.events';

export interface FacilityRow {
  readonly facilityId: string;
  readonly kind: FacilityKind;
  readonly code: string;
  readonly name: string;
  readonly kecamatanCode: string;
}

export interface CardReaderRow {
  readonly readerId: string;
  readonly facilityId: string;
  readonly samSerial: string;
  readonly retired: boolean;
}

/** Dinkes and the Puskesmas, from the access-registers projection's facility_register. */
export class ListFacilities extends Query<FacilityRow[]> {}

/** The card readers, from the access-registers projection's card_reader_register. */
export class ListCardReaders extends Query<CardReaderRow[]> {}

@QueryHandler(ListFacilities)
export class ListFacilitiesHandler implements IQueryHandler<ListFacilities, FacilityRow[]> {
  constructor(private readonly db: DataSource) {}

  execute(): Promise<FacilityRow[]> {
    return this.db.query(`SELECT facility_id AS "facilityId", kind, code, name, kecamatan_code AS "kecamatanCode" FROM facility_register ORDER BY code`);
  }
}

@QueryHandler(ListCardReaders)
export class ListCardReadersHandler implements IQueryHandler<ListCardReaders, CardReaderRow[]> {
  constructor(private readonly db: DataSource) {}

  execute(): Promise<CardReaderRow[]> {
    return this.db.query(
      `SELECT reader_id AS "readerId", facility_id AS "facilityId", sam_serial AS "samSerial", retired_at IS NOT NULL AS retired
       FROM card_reader_register ORDER BY registered_at`,
    );
  }
}

export const FACILITY_QUERY_HANDLERS = [ListFacilitiesHandler, ListCardReadersHandler];
