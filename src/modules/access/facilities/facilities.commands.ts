import { Command } from '@nestjs/cqrs';
import type { CardReader, Facility } from './facility';
import type { FacilityKind } from './facility.events';

/** Register a Puskesmas (or Dinkes) under a code no other facility has. */
export class RegisterFacility extends Command<Facility> {
  constructor(
    readonly kind: FacilityKind,
    readonly code: string,
    readonly name: string,
    readonly kecamatanCode: string,
    readonly actorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Register a KTP-el card reader of a Puskesmas (Pasal 1(8), 3(2)(f)). */
export class RegisterCardReader extends Command<CardReader> {
  constructor(
    readonly facilityId: string,
    readonly samSerial: string,
    readonly actorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** Retire a card reader: it can no longer be used. */
export class RetireCardReader extends Command<CardReader> {
  constructor(
    readonly readerId: string,
    readonly actorId: string,
    readonly correlationId?: string,
  ) {
    super();
  }
}
