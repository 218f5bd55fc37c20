import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { partyOfRole, type Party } from '../parties/actor';
import { OperatorAccounts } from './accounts';
import { ROLES } from './operator.events';

export interface AccountListing {
  operatorId: string;
  userId: string | null;
  role: string;
  facilityId: string | null;
  status: string;
  lockedUntil: string | null;
  displayName: string | null;
}

/** A party's accounts, oldest enrolment first. */
export class ListOperators extends Query<AccountListing[]> {
  constructor(readonly party: Party) {
    super();
  }
}

/** Reads the operator register (registers.projection.ts) and the erasable accounts and profiles (accounts.ts). */
@QueryHandler(ListOperators)
export class ListOperatorsHandler implements IQueryHandler<ListOperators> {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: OperatorAccounts,
  ) {}

  async execute({ party }: ListOperators): Promise<AccountListing[]> {
    const roles = ROLES.filter((r) => partyOfRole(r) === party);
    const rows: { operator_id: string; facility_id: string | null; role: string; status: string; locked_until: Date | null }[] = await this.db.query(
      `SELECT operator_id, facility_id, role, status, locked_until FROM operator_register WHERE role = ANY($1) ORDER BY enrolled_at`,
      [roles],
    );
    const profiles = await this.accounts.profiles();
    const now = Date.now();
    return rows.map((r) => ({
      operatorId: r.operator_id,
      userId: profiles.get(r.operator_id)?.userId ?? null,
      role: r.role,
      facilityId: r.facility_id,
      status: r.status,
      lockedUntil: r.locked_until && r.locked_until.getTime() > now ? r.locked_until.toISOString() : null,
      displayName: profiles.get(r.operator_id)?.displayName ?? null,
    }));
  }
}

export const OPERATOR_QUERY_HANDLERS = [ListOperatorsHandler];
