import { Command } from '@nestjs/cqrs';
import type { Actor } from '../parties/actor';
import type { Agreement, AgreementChange, ExtendTerms, SignTerms, TerminateTerms } from './agreement';

/** The agreement after a command, with the change the command proposed, confirmed or rejected. */
export interface AgreementChanged {
  readonly agreement: Agreement;
  readonly change: AgreementChange | undefined;
}

/** One party proposes signing a new agreement: PENDING, granting nothing, until the other confirms. */
export class ProposeAgreementSigning extends Command<AgreementChanged> {
  constructor(
    readonly terms: SignTerms,
    readonly actor: Actor,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** One party proposes an extension by addendum (Pasal 5). */
export class ProposeAgreementExtension extends Command<AgreementChanged> {
  constructor(
    readonly agreementId: string,
    readonly terms: ExtendTerms,
    readonly actor: Actor,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** One party proposes ending the agreement (Pasal 10); for breach by Dinkes, Disdukcapil ends it alone, at once. */
export class ProposeAgreementTermination extends Command<AgreementChanged> {
  constructor(
    readonly agreementId: string,
    readonly terms: TerminateTerms,
    readonly actor: Actor,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** The other party confirms a proposed change: it takes effect now. */
export class ConfirmAgreementChange extends Command<AgreementChanged> {
  constructor(
    readonly agreementId: string,
    readonly changeId: string,
    readonly actor: Actor,
    readonly correlationId?: string,
  ) {
    super();
  }
}

/** The other party refuses a proposed change, or the proposing party withdraws it. */
export class RejectAgreementChange extends Command<AgreementChanged> {
  constructor(
    readonly agreementId: string,
    readonly changeId: string,
    readonly actor: Actor,
    readonly correlationId?: string,
  ) {
    super();
  }
}
