import { cardReaderDecider, facilityDecider, type Facility } from '../../src/modules/access/facilities/facility';
import { deciderSpec } from '../support/decider-spec';

const admin = '5b0f0c8e-6b1a-4c1e-9d1a-0a0b0c0d0e0f';
const facilityId = '1f0c2d3e-4a5b-4c6d-8e7f-000000000001';
const readerId = '2a1b2c3d-4e5f-4a6b-9c7d-000000000002';
const registration = {
  kind: 'register' as const,
  facilityId,
  facilityKind: 'PUSKESMAS' as const,
  code: 'PKM-JATEN',
  name: 'Puskesmas Jaten',
  kecamatanCode: '331305',
  actorId: admin,
};
const registered = {
  type: 'FacilityRegistered',
  data: { facilityId, kind: 'PUSKESMAS', code: 'PKM-JATEN', name: 'Puskesmas Jaten', kecamatanCode: '331305', actorId: admin },
};
const puskesmas: Facility = { facilityId, kind: 'PUSKESMAS', code: 'PKM-JATEN', name: 'Puskesmas Jaten', kecamatanCode: '331305' };
const readerRegistered = { type: 'CardReaderRegistered', data: { readerId, facilityId, samSerial: 'SAM-0001', actorId: admin } };

describe('Registering Puskesmas', () => {
  const facility = deciderSpec(facilityDecider);

  it('a Dinkes administrator registers a new Puskesmas with its code, name and kecamatan', () => {
    facility.given().when(registration).thenEvents(registered);
  });

  it('the same Puskesmas cannot be registered twice', () => {
    facility.given(registered).when(registration).thenRefused('FACILITY_EXISTS', 409);
  });
});

describe('Card readers of a Puskesmas', () => {
  const reader = deciderSpec(cardReaderDecider);
  const registerReader = { kind: 'register' as const, readerId, facilityId, samSerial: 'SAM-0001', facility: puskesmas, actorId: admin };

  it('a card reader is registered to a Puskesmas by its SAM serial', () => {
    reader.given().when(registerReader).thenEvents(readerRegistered);
  });

  it('a card reader cannot be registered twice', () => {
    reader.given(readerRegistered).when(registerReader).thenRefused('CARD_READER_EXISTS', 409);
  });

  it('a card reader belongs to a registered facility, and only to a Puskesmas', () => {
    reader
      .given()
      .when({ ...registerReader, facility: facilityDecider.initialState })
      .thenRefused('FACILITY_NOT_FOUND', 404);
    reader
      .given()
      .when({ ...registerReader, facility: { ...puskesmas, kind: 'DINKES' } })
      .thenRefused('CARD_READER_NEEDS_PUSKESMAS', 422);
  });

  it('a retired card reader stays retired, and an unknown one cannot be retired', () => {
    reader
      .given(readerRegistered)
      .when({ kind: 'retire', actorId: admin })
      .thenEvents({ type: 'CardReaderRetired', data: { readerId, facilityId, actorId: admin } });
    reader
      .given(readerRegistered, { type: 'CardReaderRetired', data: { readerId, facilityId, actorId: admin } })
      .when({ kind: 'retire', actorId: admin })
      .thenRefused('CARD_READER_ALREADY_RETIRED', 409);
    reader.given().when({ kind: 'retire', actorId: admin }).thenRefused('CARD_READER_NOT_FOUND', 404);
  });
});
