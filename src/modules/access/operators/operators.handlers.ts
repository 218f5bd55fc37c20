import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { Refusal } from '../../../infrastructure/refusal';
import { passwordProblem } from '../../../infrastructure/security/password-policy';
import { facilityDecider, facilityStream } from '../facilities/facility';
import { ADMINISTRATOR_ROLE, isAdministrator, partyOfRole, type Actor, type Party } from '../parties/actor';
import { SEEDED_ADMIN_ID, SEEDED_AUDITOR_ID } from '../seed/seed';
import { OperatorAccounts } from './accounts';
import {
  SIGN_IN_TAIL,
  administratorsStream,
  operatorDecider,
  operatorStream,
  rosterDecider,
  signInDecider,
  signInStream,
  type Operator,
  type OperatorCommand,
} from './operator';
import {
  ChangeOperatorPassword,
  EnrolOperator,
  EraseOperatorProfile,
  ReinstateOperator,
  RevokeOperator,
  SuspendOperator,
  UnlockOperator,
  type AccountStatus,
} from './operators.commands';

const USER_ID_TAKEN = () => new Refusal(409, 'USER_ID_TAKEN', 'This user id is in use.');
const statusOf = (id: string, state: Operator): AccountStatus => ({
  operatorId: id,
  role: state.role,
  facilityId: state.facilityId || null,
  status: state.status,
});

/**
 * A party's active administrators on the roster stream (see rosterDecider): joining or leaving is
 * recorded there, and leaving is refused when it would leave the party without one. Accounts the roster
 * has no word on yet (enrolled before it existed) count by their own streams' status.
 */
@Injectable()
export class AdministratorRoster {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
  ) {}

  async set(party: Party, operatorId: string, active: boolean, actor: Actor, correlationId?: string): Promise<void> {
    const activeOutsideRoster: string[] = [];
    if (!active) {
      const rows: { operator_id: string }[] = await this.db.query(`SELECT operator_id FROM operator_register WHERE role = $1`, [ADMINISTRATOR_ROLE[party]]);
      const seeded = party === 'DINKES' ? SEEDED_ADMIN_ID : SEEDED_AUDITOR_ID;
      for (const candidate of new Set([...rows.map((r) => r.operator_id), seeded])) {
        const { state } = await loadState(this.store, operatorStream(candidate), operatorDecider);
        if (state.operatorId && state.role === ADMINISTRATOR_ROLE[party] && state.status === 'ACTIVE') activeOutsideRoster.push(candidate);
      }
      if (!activeOutsideRoster.includes(operatorId)) activeOutsideRoster.push(operatorId);
    }
    await handle(
      this.store,
      administratorsStream(party),
      rosterDecider,
      { kind: 'set', party, operatorId, active, actorId: actor.actorId, activeOutsideRoster },
      { correlationId, attempts: 10 },
    );
  }
}

@CommandHandler(EnrolOperator)
export class EnrolOperatorHandler implements ICommandHandler<EnrolOperator> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
    private readonly roster: AdministratorRoster,
  ) {}

  async execute({ actor, userId, password, role, facilityId, profile, correlationId }: EnrolOperator) {
    const facility = facilityId ? (await loadState(this.store, facilityStream(facilityId), facilityDecider)).state : null;
    const operatorId = randomUUID();
    const command: OperatorCommand = { kind: 'enrol', operatorId, role, facilityId, facility, passwordProblem: passwordProblem(password, userId), actor };
    await handle(this.store, operatorStream(operatorId), operatorDecider, command, {
      correlationId,
      // After the decider's refusals (party, password, facility), before the account exists.
      beforeAppend: async () => {
        if (await this.accounts.userIdTaken(userId)) throw USER_ID_TAKEN();
      },
    });
    const created = await this.accounts.create(operatorId, userId, password, profile);
    if (created === 'user-id-taken') {
      // Lost a race for the user id: take the account we just enrolled out of service.
      await handle(this.store, operatorStream(operatorId), operatorDecider, { kind: 'revoke', actor }, { correlationId });
      throw USER_ID_TAKEN();
    }
    // Counted as an administrator only once it exists (late is the safe side: it can only refuse more).
    if (isAdministrator(role)) await this.roster.set(partyOfRole(role), operatorId, true, actor, correlationId);
    return { operatorId, userId, role, facilityId, status: 'ACTIVE' as const };
  }
}

/** Suspend, reinstate, revoke: one load of the account, the decider, the roster, the append. */
@Injectable()
abstract class StatusChangeHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    protected readonly accounts: OperatorAccounts,
    private readonly roster: AdministratorRoster,
  ) {}

  protected async change(
    kind: 'suspend' | 'reinstate' | 'revoke',
    { actor, operatorId, correlationId }: SuspendOperator | ReinstateOperator | RevokeOperator,
  ): Promise<AccountStatus> {
    let left = false;
    const { state } = await handle(
      this.store,
      operatorStream(operatorId),
      operatorDecider,
      { kind, actor },
      {
        correlationId,
        // Leaving the administrators is on the roster BEFORE the account's event, joining AFTER it: if the
        // second write fails, the roster counts fewer administrators than there are, never more.
        beforeAppend: async (account) => {
          if (left || kind === 'reinstate' || !isAdministrator(account.role)) return;
          await this.roster.set(partyOfRole(account.role), operatorId, false, actor, correlationId);
          left = true; // once, even if a concurrent change makes the append try again
        },
      },
    );
    if (kind === 'reinstate' && isAdministrator(state.role)) await this.roster.set(partyOfRole(state.role), operatorId, true, actor, correlationId);
    return statusOf(operatorId, state);
  }
}

@CommandHandler(SuspendOperator)
export class SuspendOperatorHandler extends StatusChangeHandler implements ICommandHandler<SuspendOperator> {
  execute(command: SuspendOperator) {
    return this.change('suspend', command); // its tokens now meet 403 OPERATOR_SUSPENDED (and an AccessDenied)
  }
}

@CommandHandler(ReinstateOperator)
export class ReinstateOperatorHandler extends StatusChangeHandler implements ICommandHandler<ReinstateOperator> {
  async execute(command: ReinstateOperator) {
    const result = await this.change('reinstate', command);
    await this.accounts.closeSessions(command.operatorId); // tokens from before the suspension stay dead: sign in again
    return result;
  }
}

@CommandHandler(RevokeOperator)
export class RevokeOperatorHandler extends StatusChangeHandler implements ICommandHandler<RevokeOperator> {
  async execute(command: RevokeOperator) {
    const result = await this.change('revoke', command);
    await this.accounts.closeSessions(command.operatorId);
    return result;
  }
}

/** A lockout lifted, on the account's sign-in stream, naming who lifted it. */
async function unlock(store: EventStore, operatorId: string, actorId: string, by: 'UNLOCK' | 'PASSWORD_RESET', correlationId?: string) {
  await handle(
    store,
    signInStream(operatorId),
    signInDecider,
    { kind: 'unlock', operatorId, actorId, by },
    { tail: SIGN_IN_TAIL, attempts: 50, correlationId },
  );
}

@CommandHandler(ChangeOperatorPassword)
export class ChangeOperatorPasswordHandler implements ICommandHandler<ChangeOperatorPassword> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
  ) {}

  async execute(c: ChangeOperatorPassword) {
    const { actor, operatorId, newPassword, currentPassword, correlationId } = c;
    const self = actor.actorId === operatorId;
    // The checks that need the accounts table, made before deciding; the decider says which one refuses.
    const problem = passwordProblem(newPassword, (await this.accounts.userIdOf(operatorId)) ?? '');
    const command: OperatorCommand = self
      ? {
          kind: 'changePassword',
          by: 'SELF',
          actor,
          currentPasswordRight: !!currentPassword && (await this.accounts.verify(operatorId, currentPassword)),
          unchanged: newPassword === currentPassword,
          passwordProblem: problem,
        }
      : { kind: 'changePassword', by: 'ADMIN', actor, actorOwesPasswordChange: c.actorOwesPasswordChange, passwordProblem: problem };
    const { state } = await handle(this.store, operatorStream(operatorId), operatorDecider, command, { correlationId });
    await this.accounts.setPassword(operatorId, newPassword);
    await this.accounts.closeSessions(operatorId, self ? c.actorToken : undefined); // every other session ends
    if (!self) await unlock(this.store, operatorId, actor.actorId, 'PASSWORD_RESET', correlationId); // the new password opens the account
    return statusOf(operatorId, state);
  }
}

@CommandHandler(UnlockOperator)
export class UnlockOperatorHandler implements ICommandHandler<UnlockOperator> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ actor, operatorId, correlationId }: UnlockOperator) {
    const { state } = await loadState(this.store, operatorStream(operatorId), operatorDecider);
    operatorDecider.decide({ kind: 'unlock', actor }, state, new Date()); // unknown account, the other party's: refused
    await unlock(this.store, operatorId, actor.actorId, 'UNLOCK', correlationId);
    return { operatorId, lockedUntil: null };
  }
}

@CommandHandler(EraseOperatorProfile)
export class EraseOperatorProfileHandler implements ICommandHandler<EraseOperatorProfile> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
  ) {}

  async execute({ actor, operatorId }: EraseOperatorProfile) {
    const { state } = await loadState(this.store, operatorStream(operatorId), operatorDecider);
    operatorDecider.decide({ kind: 'eraseProfile', actor }, state, new Date());
    await this.accounts.eraseProfile(operatorId);
  }
}

export const OPERATOR_COMMAND_HANDLERS = [
  AdministratorRoster,
  EnrolOperatorHandler,
  SuspendOperatorHandler,
  ReinstateOperatorHandler,
  RevokeOperatorHandler,
  ChangeOperatorPasswordHandler,
  UnlockOperatorHandler,
  EraseOperatorProfileHandler,
];
