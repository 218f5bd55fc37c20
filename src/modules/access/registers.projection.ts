import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../infrastructure/event-store/event-store.port';
import type { Projection } from '../../infrastructure/projections/projection';

/** The registers as lists for the GET routes (agreements, facilities, card readers, operators). */
export class AccessRegistersProjection implements Projection {
  readonly name = 'access-registers';
  readonly handles = [
    'AgreementSigned',
    'AgreementExtended',
    'AgreementTerminated',
    'AgreementChangeProposed',
    'AgreementChangeRejected',
    'FacilityRegistered',
    'CardReaderRegistered',
    'CardReaderRetired',
    'OperatorEnrolled',
    'OperatorSuspended',
    'OperatorReinstated',
    'OperatorRevoked',
    'OperatorLockedOut',
    'OperatorUnlocked',
  ];

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      const d = event.data as Record<string, unknown>;
      switch (event.type) {
        case 'AgreementChangeProposed': {
          if (d.change !== 'SIGN') break;
          const t = d.terms as Record<string, unknown>;
          await tx.query(
            `INSERT INTO agreement_register (agreement_id, dukcapil_number, dinkes_number, signed_on, valid_from, valid_until, granted_fields, pending_signing)
             VALUES ($1, $2, $3, $4, $5, $6, $7, true) ON CONFLICT (agreement_id) DO NOTHING`,
            [d.agreementId, t.dukcapilNumber, t.dinkesNumber, t.signedOn, t.validFrom, t.validUntil, t.grantedFields],
          );
          break;
        }
        case 'AgreementChangeRejected':
          // A refused signing: the agreement never came to be (a refused extension leaves a signed one as it is).
          await tx.query(`DELETE FROM agreement_register WHERE agreement_id = $1 AND pending_signing`, [d.agreementId]);
          break;
        case 'AgreementSigned':
          await tx.query(
            `INSERT INTO agreement_register (agreement_id, dukcapil_number, dinkes_number, signed_on, valid_from, valid_until, granted_fields)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (agreement_id) DO UPDATE SET pending_signing = false`,
            [d.agreementId, d.dukcapilNumber, d.dinkesNumber, d.signedOn, d.validFrom, d.validUntil, d.grantedFields],
          );
          break;
        case 'AgreementExtended':
          await tx.query(
            `UPDATE agreement_register SET valid_until = $2::date, addenda = addenda || jsonb_build_array(jsonb_build_object('addendumNumber', $3::text, 'validUntil', $2::text))
             WHERE agreement_id = $1`,
            [d.agreementId, d.validUntil, d.addendumNumber],
          );
          break;
        case 'AgreementTerminated':
          await tx.query(`UPDATE agreement_register SET termination_reason = $2, terminated_on = $3 WHERE agreement_id = $1`, [d.agreementId, d.reason, d.effectiveOn]);
          break;
        case 'FacilityRegistered':
          await tx.query(
            `INSERT INTO facility_register (facility_id, kind, code, name, kecamatan_code, registered_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (facility_id) DO NOTHING`,
            [d.facilityId, d.kind, d.code, d.name, d.kecamatanCode, event.occurredAt],
          );
          break;
        case 'CardReaderRegistered':
          await tx.query(
            `INSERT INTO card_reader_register (reader_id, facility_id, sam_serial, registered_at) VALUES ($1, $2, $3, $4) ON CONFLICT (reader_id) DO NOTHING`,
            [d.readerId, d.facilityId, d.samSerial, event.occurredAt],
          );
          break;
        case 'CardReaderRetired':
          await tx.query(`UPDATE card_reader_register SET retired_at = $2 WHERE reader_id = $1`, [d.readerId, event.occurredAt]);
          break;
        case 'OperatorEnrolled':
          await tx.query(
            `INSERT INTO operator_register (operator_id, facility_id, role, status, enrolled_at) VALUES ($1, $2, $3, 'ACTIVE', $4) ON CONFLICT (operator_id) DO NOTHING`,
            [d.operatorId, d.facilityId ?? null, d.role, event.occurredAt],
          );
          break;
        case 'OperatorSuspended':
        case 'OperatorReinstated':
        case 'OperatorRevoked': {
          const status = { OperatorSuspended: 'SUSPENDED', OperatorReinstated: 'ACTIVE', OperatorRevoked: 'REVOKED' }[event.type];
          await tx.query(`UPDATE operator_register SET status = $2 WHERE operator_id = $1`, [d.operatorId, status]);
          break;
        }
        case 'OperatorLockedOut':
          await tx.query(`UPDATE operator_register SET locked_until = $2 WHERE operator_id = $1`, [d.operatorId, d.until]);
          break;
        case 'OperatorUnlocked':
          await tx.query(`UPDATE operator_register SET locked_until = NULL WHERE operator_id = $1`, [d.operatorId]);
          break;
      }
    }
  }

  async reset(tx: EntityManager): Promise<void> {
    await tx.query('DELETE FROM agreement_register; DELETE FROM facility_register; DELETE FROM card_reader_register; DELETE FROM operator_register');
  }
}
