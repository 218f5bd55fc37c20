import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { handle, loadState } from '../../infrastructure/event-store/command-handling';
import { WrongExpectedRevisionError } from '../../infrastructure/event-store/errors';
import { EVENT_STORE, type EventStore, type NewEvent } from '../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../infrastructure/refusal';
import { requireOwnFacility } from '../access/auth/facility-scope';
import { AgreementsView } from '../access/agreements/agreements.view';
import { AccessTokens } from '../access/lookups/access-token';
import { accessStream } from '../access/lookups/lookup.events';
import { balikanDecider, balikanIdFor, balikanKeyDecider, idempotencyKeyStream, type Access, type BalikanCommand, type BalikanStatus } from './balikan';
import { BalikanOutbox } from './balikan-outbox';
import { SubmitBalikan } from './balikan.commands';

/** Balikan of one access and their delivery records share its stream: a conflict is retried more than usual. */
const ATTEMPTS = 10;

/**
 * A submission reads its access stream once (again only after a concurrent append to it), decides, claims
 * its Idempotency-Key (if any) for the access, and holds the values sealed in the outbox: the row first, not ready (no worker may claim it); then the
 * event; then the ready mark. A refused submission leaves no row, so nothing refused reaches the registry.
 * The delivery worker is woken by the stored BalikanSubmitted (WakeBalikanDelivery), not from here.
 */
@CommandHandler(SubmitBalikan)
export class SubmitBalikanHandler implements ICommandHandler<SubmitBalikan> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly outbox: BalikanOutbox,
    private readonly tokens: AccessTokens,
    private readonly agreements: AgreementsView,
  ) {}

  async execute(command: SubmitBalikan): Promise<{ balikanId: string; status: BalikanStatus }> {
    const { caller, accessId } = command;
    const stream = accessStream(accessId);
    const read = await loadState(this.store, stream, balikanDecider);
    if (!read.state.accessId) throw new Refusal(404, 'ACCESS_NOT_FOUND', 'No access with this id.');
    requireOwnFacility(caller, read.state.facilityId);

    const balikanId = command.idempotencyKey ? balikanIdFor(caller.operatorId, accessId, command.idempotencyKey) : randomUUID();
    const now = new Date();
    const submit: BalikanCommand = {
      kind: 'submit',
      balikanId,
      caller,
      kinds: command.kinds,
      agreementInForce: (await this.agreements.inForce(now)).status === 'ACTIVE',
      nikMatchesAccess: this.tokens.verify(accessId, command.nik, command.verificationToken),
    };
    // Refusals first: no outbox row for a refused balikan.
    const decided = balikanDecider.decide(submit, read.state, now);
    // One key, one request: the key is claimed for this access (or was, by a repeat) before anything is held;
    // on another access it is refused here, also when both arrive at once (the key stream's expected revision).
    if (command.idempotencyKey) {
      const claim = { operatorId: caller.operatorId, accessId, balikanId };
      await handle(this.store, idempotencyKeyStream(caller.operatorId, command.idempotencyKey), balikanKeyDecider, claim, {
        correlationId: command.correlationId,
      });
    }
    const known = read.state.balikan.get(balikanId)?.status;
    if (known === 'DELIVERED' || known === 'ABANDONED') return { balikanId, status: known }; // a repeat: nothing to hold again

    const sealed = this.outbox.seal(balikanId, { nik: command.nik, ...command.values });
    const row = { balikanId, accessId, facilityId: read.state.facilityId, sealed };
    return this.outbox.whileSubmitting(balikanId, async () => {
      await this.outbox.reserve(row);
      let recorded: { state: Access; appended: boolean };
      try {
        recorded = await this.record(stream, read, decided, submit, command.correlationId);
      } catch (error) {
        // Known not appended: drop the row now (unless a concurrent request made it ready). Otherwise (the store
        // failed mid-way, the event may be stored) the sweeper decides on the event after STALE_AFTER_SECONDS.
        if (error instanceof Refusal || error instanceof WrongExpectedRevisionError) await this.outbox.release(balikanId);
        throw error;
      }
      // Just recorded: a new balikan is QUEUED (see the decider's evolve); a repeat has the status it had.
      const status = recorded.appended ? 'QUEUED' : recorded.state.balikan.get(balikanId)!.status;
      // A repeat of a balikan already settled must not bring its row back.
      if (status === 'QUEUED' || status === 'FAILED_RETRYING') await this.outbox.markReady({ ...row, recorded: recorded.appended });
      else await this.outbox.discardRepeat(balikanId); // the row this repeat reserved: no sealed NIK left behind
      return { balikanId, status };
    });
  }

  /** Appends what was decided on the state read; after a concurrent append, reads and decides again. */
  private async record(
    stream: string,
    read: { state: Access; revision: bigint | 'no_stream' },
    decided: NewEvent[],
    submit: BalikanCommand,
    correlationId: string | undefined,
  ): Promise<{ state: Access; appended: boolean }> {
    for (let attempt = 1; ; attempt++) {
      if (decided.length === 0) return { state: read.state, appended: false };
      try {
        await this.store.appendToStream(
          stream,
          decided.map((e) => ({ ...e, correlationId })),
          { expectedRevision: read.revision },
        );
        return { state: read.state, appended: true };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= ATTEMPTS) throw error;
        read = await loadState(this.store, stream, balikanDecider);
        decided = balikanDecider.decide(submit, read.state, new Date());
      }
    }
  }
}
