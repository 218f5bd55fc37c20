import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { handle } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { agreementDecider, agreementStream, type AgreementCommand } from './agreement';
import {
  ConfirmAgreementChange,
  ProposeAgreementExtension,
  ProposeAgreementSigning,
  ProposeAgreementTermination,
  RejectAgreementChange,
  type AgreementChanged,
} from './agreements.commands';

/** Load the agreement, decide, append; answer with the agreement and the change concerned. */
async function changeAgreement(
  store: EventStore,
  agreementId: string,
  command: AgreementCommand,
  changeId: string,
  correlationId?: string,
): Promise<AgreementChanged> {
  const { state, events } = await handle(store, agreementStream(agreementId), agreementDecider, command, { correlationId });
  // A termination for breach has no proposal: its change is the one the event recorded.
  const change = state.changes?.find((c) => c.changeId === changeId) ?? (events[0]?.type === 'AgreementTerminated' ? state.changes?.at(-1) : undefined);
  return { agreement: state, change };
}

@CommandHandler(ProposeAgreementSigning)
export class ProposeAgreementSigningHandler implements ICommandHandler<ProposeAgreementSigning, AgreementChanged> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ terms, actor, correlationId }: ProposeAgreementSigning) {
    const agreementId = randomUUID();
    const changeId = randomUUID();
    return changeAgreement(this.store, agreementId, { kind: 'propose', agreementId, changeId, change: 'SIGN', terms, actor }, changeId, correlationId);
  }
}

@CommandHandler(ProposeAgreementExtension)
export class ProposeAgreementExtensionHandler implements ICommandHandler<ProposeAgreementExtension, AgreementChanged> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ agreementId, terms, actor, correlationId }: ProposeAgreementExtension) {
    const changeId = randomUUID();
    return changeAgreement(this.store, agreementId, { kind: 'propose', changeId, change: 'EXTEND', terms, actor }, changeId, correlationId);
  }
}

@CommandHandler(ProposeAgreementTermination)
export class ProposeAgreementTerminationHandler implements ICommandHandler<ProposeAgreementTermination, AgreementChanged> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ agreementId, terms, actor, correlationId }: ProposeAgreementTermination) {
    const changeId = randomUUID();
    return changeAgreement(this.store, agreementId, { kind: 'propose', changeId, change: 'TERMINATE', terms, actor }, changeId, correlationId);
  }
}

@CommandHandler(ConfirmAgreementChange)
export class ConfirmAgreementChangeHandler implements ICommandHandler<ConfirmAgreementChange, AgreementChanged> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ agreementId, changeId, actor, correlationId }: ConfirmAgreementChange) {
    return changeAgreement(this.store, agreementId, { kind: 'confirm', changeId, actor }, changeId, correlationId);
  }
}

@CommandHandler(RejectAgreementChange)
export class RejectAgreementChangeHandler implements ICommandHandler<RejectAgreementChange, AgreementChanged> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ agreementId, changeId, actor, correlationId }: RejectAgreementChange) {
    return changeAgreement(this.store, agreementId, { kind: 'reject', changeId, actor }, changeId, correlationId);
  }
}

export const AGREEMENT_COMMAND_HANDLERS = [
  ProposeAgreementSigningHandler,
  ProposeAgreementExtensionHandler,
  ProposeAgreementTerminationHandler,
  ConfirmAgreementChangeHandler,
  RejectAgreementChangeHandler,
];
