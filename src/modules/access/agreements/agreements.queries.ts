import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../../infrastructure/refusal';
import { agreementDecider, agreementStream, type Agreement } from './agreement';
import { type TerminationReason } from './agreement.events';
import { presentAgreement, type AgreementReply } from './agreement-reply';

/** The agreements as the register lists them (the access-registers projection's agreement_register), with status at `now`. */
export class ListAgreements extends Query<AgreementReply[]> {
  constructor(readonly now: Date) {
    super();
  }
}

/** One agreement, read from its events (so a change shows at once, before the register catches up). */
export class GetAgreement extends Query<AgreementReply> {
  constructor(
    readonly agreementId: string,
    readonly now: Date,
  ) {
    super();
  }
}

@QueryHandler(ListAgreements)
export class ListAgreementsHandler implements IQueryHandler<ListAgreements, AgreementReply[]> {
  constructor(private readonly db: DataSource) {}

  async execute({ now }: ListAgreements): Promise<AgreementReply[]> {
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT agreement_id, dukcapil_number, dinkes_number, to_char(signed_on, 'YYYY-MM-DD') AS signed_on, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
              to_char(valid_until, 'YYYY-MM-DD') AS valid_until, granted_fields, addenda, termination_reason, to_char(terminated_on, 'YYYY-MM-DD') AS terminated_on, pending_signing
       FROM agreement_register ORDER BY pending_signing, valid_from`,
    );
    return rows.map((r) =>
      presentAgreement(
        {
          agreementId: r.agreement_id as string,
          dukcapilNumber: r.dukcapil_number as string,
          dinkesNumber: r.dinkes_number as string,
          // Not signed until the other party confirms: PENDING (GET /v1/agreements/{id} shows the proposal).
          signedOn: r.pending_signing ? '' : (r.signed_on as string),
          validFrom: r.valid_from as string,
          validUntil: r.valid_until as string,
          grantedFields: r.granted_fields as string[],
          addenda: r.addenda as Agreement['addenda'],
          termination: r.termination_reason ? { reason: r.termination_reason as TerminationReason, effectiveOn: r.terminated_on as string } : null,
        },
        now,
      ),
    );
  }
}

@QueryHandler(GetAgreement)
export class GetAgreementHandler implements IQueryHandler<GetAgreement, AgreementReply> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ agreementId, now }: GetAgreement): Promise<AgreementReply> {
    const { state } = await loadState(this.store, agreementStream(agreementId), agreementDecider);
    if (!state.agreementId) throw new Refusal(404, 'AGREEMENT_NOT_FOUND', 'No agreement with this id.');
    return presentAgreement(state, now);
  }
}

export const AGREEMENT_QUERY_HANDLERS = [ListAgreementsHandler, GetAgreementHandler];
