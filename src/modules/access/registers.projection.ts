import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import type { Projection } from '../../infrastructure/projections/projection';
import { eventOf } from '../../infrastructure/event-store/typed-events';
import { AgreementChangeProposed, AgreementChangeRejected, AgreementExtended, AgreementSigned, AgreementTerminated } from './agreements/agreement.events';
import { CardReaderRegistered, CardReaderRetired, FacilityRegistered } from './facilities/facility.events';
import { OperatorEnrolled, OperatorLockedOut, OperatorReinstated, OperatorRevoked, OperatorSuspended, OperatorUnlocked } from './operators/operator.events';

const handled = [
  AgreementSigned,
  AgreementExtended,
  AgreementTerminated,
  AgreementChangeProposed,
  AgreementChangeRejected,
  FacilityRegistered,
  CardReaderRegistered,
  CardReaderRetired,
  OperatorEnrolled,
  OperatorSuspended,
  OperatorReinstated,
  OperatorRevoked,
  OperatorLockedOut,
  OperatorUnlocked,
] as const;

/** The registers as lists for the GET routes (agreements, facilities, card readers, operators). */
export class AccessRegistersProjection implements Projection {
  readonly name = 'access-registers';
  readonly handles: readonly string[] = handled.map((d) => d.type);

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const recorded of events) {
      const event = eventOf(handled, recorded);
      switch (event?.type) {
        case 'AgreementChangeProposed': {
          if (event.data.change !== 'SIGN') break;
          const t = event.data.terms;
          await tx.query(
            `INSERT INTO agreement_register (agreement_id, dukcapil_number, dinkes_number, signed_on, valid_from, valid_until, granted_fields, pending_signing)
             VALUES ($1, $2, $3, $4, $5, $6, $7, true) ON CONFLICT (agreement_id) DO NOTHING`,
            [event.data.agreementId, t.dukcapilNumber, t.dinkesNumber, t.signedOn, t.validFrom, t.validUntil, t.grantedFields],
          );
          break;
        }
        case 'AgreementChangeRejected':
          // A refused signing: the agreement never came to be (a refused extension leaves a signed one as it is).
          await tx.query(`DELETE FROM agreement_register WHERE agreement_id = $1 AND pending_signing`, [event.data.agreementId]);
          break;
        case 'AgreementSigned':
          await tx.query(
            `INSERT INTO agreement_register (agreement_id, dukcapil_number, dinkes_number, signed_on, valid_from, valid_until, granted_fields)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (agreement_id) DO UPDATE SET pending_signing = false`,
            [
              event.data.agreementId,
              event.data.dukcapilNumber,
              event.data.dinkesNumber,
              event.data.signedOn,
              event.data.validFrom,
              event.data.validUntil,
              event.data.grantedFields,
            ],
          );
          break;
        case 'AgreementExtended':
          await tx.query(
            `UPDATE agreement_register SET valid_until = $2::date, addenda = addenda || jsonb_build_array(jsonb_build_object('addendumNumber', $3::text, 'validUntil', $2::text))
             WHERE agreement_id = $1`,
            [event.data.agreementId, event.data.validUntil, event.data.addendumNumber],
          );
          break;
        case 'AgreementTerminated':
          await tx.query(`UPDATE agreement_register SET termination_reason = $2, terminated_on = $3 WHERE agreement_id = $1`, [
            event.data.agreementId,
            event.data.reason,
            event.data.effectiveOn,
          ]);
          break;
        case 'FacilityRegistered':
          await tx.query(
            `INSERT INTO facility_register (facility_id, kind, code, name, kecamatan_code, registered_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (facility_id) DO NOTHING`,
            [event.data.facilityId, event.data.kind, event.data.code, event.data.name, event.data.kecamatanCode, event.occurredAt],
          );
          break;
        case 'CardReaderRegistered':
          await tx.query(
            `INSERT INTO card_reader_register (reader_id, facility_id, sam_serial, registered_at) VALUES ($1, $2, $3, $4) ON CONFLICT (reader_id) DO NOTHING`,
            [event.data.readerId, event.data.facilityId, event.data.samSerial, event.occurredAt],
          );
          break;
        case 'CardReaderRetired':
          await tx.query(`UPDATE card_reader_register SET retired_at = $2 WHERE reader_id = $1`, [event.data.readerId, event.occurredAt]);
          break;
        case 'OperatorEnrolled':
          await tx.query(
            `INSERT INTO operator_register (operator_id, facility_id, role, status, enrolled_at) VALUES ($1, $2, $3, 'ACTIVE', $4) ON CONFLICT (operator_id) DO NOTHING`,
            [event.data.operatorId, event.data.facilityId ?? null, event.data.role, event.occurredAt],
          );
          break;
        case 'OperatorSuspended':
        case 'OperatorReinstated':
        case 'OperatorRevoked': {
          const status = { OperatorSuspended: 'SUSPENDED', OperatorReinstated: 'ACTIVE', OperatorRevoked: 'REVOKED' }[event.type];
          await tx.query(`UPDATE operator_register SET status = $2 WHERE operator_id = $1`, [event.data.operatorId, status]);
          break;
        }
        case 'OperatorLockedOut':
          await tx.query(`UPDATE operator_register SET locked_until = $2 WHERE operator_id = $1`, [event.data.operatorId, event.data.until]);
          break;
        case 'OperatorUnlocked':
          await tx.query(`UPDATE operator_register SET locked_until = NULL WHERE operator_id = $1`, [event.data.operatorId]);
          break;
      }
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM agreement_register; DELETE FROM facility_register; DELETE FROM card_reader_register; DELETE FROM operator_register');
  }
}
