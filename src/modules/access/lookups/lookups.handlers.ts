import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import { Refusal } from '../../../infrastructure/refusal';
import { RegistryConnection } from '../../../infrastructure/registry/registry-connection';
import { grantedPerson } from '../agreements/granted-fields';
import { AccessContextLoader } from './access-context';
import { accessStream } from './lookup.events';
import { fingerprintSettlement, registrySettlement, type OutcomeFields, type Settlement } from './access-outcomes';
import { ACCESS_POLICIES, firstRejection } from './access-policies';
import { AccessTokens } from './access-token';
import { HourlyQuota } from './hourly-quota';
import { PerformAccess, type AccessAnswer } from './lookups.commands';
import { checkNik, holderOrigin } from './nik';

/**
 * A lookup or card read, step by step: one load of the context, the pure policies (first rejection
 * wins), the NIK's form, the hourly quota, the fingerprint rule, the registry call, and the table from
 * its answer to the recorded event and the reply. Refusals are thrown as Refusal: the error filter
 * answers them and records the denials among them (AccessDenied).
 */
@CommandHandler(PerformAccess)
export class PerformAccessHandler implements ICommandHandler<PerformAccess, AccessAnswer> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly contexts: AccessContextLoader,
    private readonly quota: HourlyQuota,
    private readonly registry: RegistryConnection,
    private readonly tokens: AccessTokens,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  async execute(command: PerformAccess): Promise<AccessAnswer> {
    const { caller, nik, channel } = command;
    const now = new Date();
    const readerId = channel.type === 'CardReadRecorded' ? channel.readerId : undefined;
    const context = await this.contexts.load(caller, readerId, now);
    const rejection = firstRejection(ACCESS_POLICIES, context);
    if (rejection) throw new Refusal(403, rejection.reason, rejection.message);

    const problem = checkNik(nik, now);
    if (problem) throw new Refusal(400, problem.problem, problem.message); // no registry call, nothing recorded
    await this.quota.take(caller.operatorId, now, this.infra.config.lookupsPerHour);

    const accessId = randomUUID();
    const settle = async (settlement: Settlement): Promise<AccessAnswer> => {
      await this.record(accessId, command, settlement.recorded);
      if ('refusal' in settlement) throw settlement.refusal;
      const { outcome, person } = settlement.answer;
      // The token binds a later balikan to this NIK without keeping it: never stored, never logged.
      return { accessId, outcome, person: grantedPerson(person, context.agreement), verificationToken: this.tokens.issue(accessId, nik) };
    };

    if (channel.type === 'CardReadRecorded') {
      const refused = fingerprintSettlement(channel.fingerprint, this.infra.config.fingerprintNotPerformed, accessId);
      if (refused) return settle(refused);
    }
    return settle(registrySettlement(await this.registry.client.callNik(nik), accessId));
  }

  /** Who, for which Puskesmas, through which channel, with what outcome: never the NIK (only where its holder is registered). */
  private async record(accessId: string, { caller, nik, channel, correlationId }: PerformAccess, fields: OutcomeFields): Promise<void> {
    const card = channel.type === 'CardReadRecorded' ? { readerId: channel.readerId, fingerprint: channel.fingerprint } : {};
    const data = { accessId, facilityId: caller.facilityId!, operatorId: caller.operatorId, holderOrigin: holderOrigin(nik), ...fields, ...card };
    // The access is one event whose id is the access id: the id the clerk is shown is the one the audit log proves.
    await this.store.appendToStream(accessStream(accessId), [{ type: channel.type, eventId: accessId, data, correlationId }], {
      expectedRevision: 'no_stream',
    });
  }
}
