import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { handle, loadState } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import { UuidParam } from '../../../infrastructure/http/validation';
import { Allow, DuringPasswordChange } from '../auth/access-rule';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { facilityDecider, facilityStream } from '../facilities/facility';
import { OperatorAccounts } from './accounts';
import { DenialRecorder } from '../denials/denial-recorder';
import { SIGN_IN_TAIL, administers, administratorsStream, operatorDecider, operatorStream, rosterDecider, signInDecider, signInStream, type OperatorCommand } from './operator';
import { ROLES, type Role } from './operator.events';
import { ADMINISTRATOR_ROLE, isAdministrator, partyOfRole, type Actor, type Party } from '../parties/actor';
import { Refusal } from '../../../infrastructure/refusal';
import { SEEDED_ADMIN_ID, SEEDED_AUDITOR_ID } from '../seed/seed';
import { PASSWORD_PROBLEMS, passwordProblem } from '../../../infrastructure/security/password-policy';
import { correlationOf } from '../../../infrastructure/http/correlation';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const USER_ID = /^[a-z0-9][a-z0-9._-]{2,39}$/;

export class EnrolOperatorDto {
  @ApiProperty({ example: 'pkm.jaten1.loket2', description: 'Login name: 3-40 lower-case letters, digits, . _ -' })
  @Matches(USER_ID, { message: 'userId must be 3-40 lower-case letters, digits, dots, dashes or underscores' })
  userId!: string;

  @ApiProperty({ minLength: 12, maxLength: 128, description: 'Initial password; the operator must change it at first sign-in. Not a common password, not containing the user id, not one character repeated' })
  @IsString()
  @Length(12, 128, { message: 'password must be 12 to 128 characters' })
  password!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'The Puskesmas of a PUSKESMAS_OPERATOR; Dinkes for a DINKES_ADMIN; none for the other roles' })
  @IsOptional()
  @IsUUID(undefined, { message: 'facilityId must be a UUID' })
  facilityId?: string;

  @ApiPropertyOptional({ description: "The person's name (profile: erasable, never in an event)" })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  displayName?: string;

  @ApiPropertyOptional({ description: 'NIP (civil servant number), profile only' })
  @IsOptional()
  @Matches(/^[0-9]{18}$/, { message: 'nip must be 18 digits' })
  nip?: string;

  @ApiPropertyOptional({ description: 'Phone, profile only' })
  @IsOptional()
  @Matches(/^\+?[0-9]{8,15}$/, { message: 'phone must be 8-15 digits, optionally starting with +' })
  phone?: string;
}

export class ChangePasswordDto {
  @ApiPropertyOptional({ description: 'Required when changing your own password' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  currentPassword?: string;

  @ApiProperty({ minLength: 12, maxLength: 128, description: 'Not a common password, not containing the user id, not one character repeated' })
  @IsString()
  @Length(12, 128, { message: 'newPassword must be 12 to 128 characters' })
  newPassword!: string;
}

/**
 * Operator accounts (Pasal 3(1)(c), 4(2)(c)). Each party administers its own people: DINKES_ADMIN the
 * Dinkes and Puskesmas accounts, DUKCAPIL_AUDITOR the Disdukcapil and Bupati-office accounts. Every
 * change is an event naming its actor; a party's last active administrator cannot be suspended or revoked.
 */
@ApiTags('operators')
@ApiBearerAuth()
@Controller('v1/operators')
export class OperatorsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
    private readonly accounts: OperatorAccounts,
    private readonly denials: DenialRecorder,
  ) {}

  @Get()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Your party's accounts with role, facility, status and lockout; profile details from the erasable profile table" })
  async list(@Req() request: AuthenticatedRequest) {
    const party = partyOfRole(request.caller!.role);
    const roles = ROLES.filter((r) => partyOfRole(r) === party);
    const rows: { operator_id: string; facility_id: string | null; role: string; status: string; locked_until: Date | null }[] = await this.db.query(
      `SELECT operator_id, facility_id, role, status, locked_until FROM operator_register WHERE role = ANY($1) ORDER BY enrolled_at`,
      [roles],
    );
    const profiles = await this.accounts.profiles();
    const now = Date.now();
    return rows.map((r) => ({
      operatorId: r.operator_id,
      userId: profiles.get(r.operator_id)?.userId ?? null,
      role: r.role,
      facilityId: r.facility_id,
      status: r.status,
      lockedUntil: r.locked_until && r.locked_until.getTime() > now ? r.locked_until.toISOString() : null,
      displayName: profiles.get(r.operator_id)?.displayName ?? null,
    }));
  }

  @Post()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: 'Enrol an account of your own party (DINKES_ADMIN: Dinkes and Puskesmas; DUKCAPIL_AUDITOR: Disdukcapil and Bupati office)' })
  @ApiResponse({ status: 400, description: 'PASSWORD_TOO_COMMON, PASSWORD_CONTAINS_USER_ID, PASSWORD_REPEATED_CHARACTER' })
  @ApiResponse({ status: 403, description: "OTHER_PARTYS_ACCOUNT: the role belongs to the other party's accounts" })
  @ApiResponse({ status: 409, description: 'USER_ID_TAKEN' })
  @ApiResponse({ status: 422, description: 'FACILITY_REQUIRED, FACILITY_KIND_MISMATCH, FACILITY_NOT_EXPECTED' })
  @ApiResponse({ status: 404, description: 'FACILITY_NOT_FOUND' })
  async enrol(@Body() body: EnrolOperatorDto, @Req() request: AuthenticatedRequest) {
    const actor = await this.actorFor(request, body.role);
    refuseWeakPassword(body.password, body.userId);
    const facilityId = await this.facilityFor(body.role, body.facilityId);
    if (await this.accounts.userIdTaken(body.userId)) throw new Refusal(409, 'USER_ID_TAKEN', 'This user id is in use.');
    const operatorId = randomUUID();
    await handle(this.store, operatorStream(operatorId), operatorDecider, { kind: 'enrol', operatorId, facilityId, role: body.role, actor }, correlationOf(request));
    const created = await this.accounts.create(operatorId, body.userId, body.password, body);
    if (created === 'user-id-taken') {
      // Lost a race for the user id: take the account we just enrolled out of service.
      await handle(this.store, operatorStream(operatorId), operatorDecider, { kind: 'revoke', actor }, correlationOf(request));
      throw new Refusal(409, 'USER_ID_TAKEN', 'This user id is in use.');
    }
    // Counted as an administrator only once it exists (late is the safe side: it can only refuse more).
    if (isAdministrator(body.role)) await this.roster(partyOfRole(body.role), operatorId, true, actor, request);
    return { operatorId, userId: body.userId, role: body.role, facilityId, status: 'ACTIVE' };
  }

  @Post(':id/suspension')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiResponse({ status: 403, description: "OTHER_PARTYS_ACCOUNT: an account of the other party" })
  @ApiResponse({ status: 409, description: 'LAST_ADMINISTRATOR: the last active administrator of its party, OPERATOR_ALREADY_SUSPENDED, OPERATOR_REVOKED' })
  @ApiOperation({ summary: 'Suspend: refused from the very next request' })
  async suspend(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    return this.change(id, { kind: 'suspend' }, request); // its tokens now meet 403 OPERATOR_SUSPENDED (and an AccessDenied)
  }

  @Post(':id/reinstatement')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiResponse({ status: 403, description: "OTHER_PARTYS_ACCOUNT: an account of the other party" })
  @ApiOperation({ summary: 'Reinstate a suspended account' })
  async reinstate(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    const result = await this.change(id, { kind: 'reinstate' }, request);
    await this.accounts.closeSessions(id); // tokens from before the suspension stay dead: sign in again
    return result;
  }

  @Post(':id/revocation')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiResponse({ status: 403, description: "OTHER_PARTYS_ACCOUNT: an account of the other party" })
  @ApiResponse({ status: 409, description: 'LAST_ADMINISTRATOR: the last active administrator of its party, OPERATOR_ALREADY_SUSPENDED, OPERATOR_REVOKED' })
  @ApiOperation({ summary: 'Revoke for good: refused from the very next request' })
  async revoke(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    const result = await this.change(id, { kind: 'revoke' }, request);
    await this.accounts.closeSessions(id);
    return result;
  }

  @Post(':id/password')
  @HttpCode(201)
  @Allow('PUSKESMAS_OPERATOR', 'DINKES_ADMIN', 'DUKCAPIL_AUDITOR', 'BUPATI_OFFICE')
  @DuringPasswordChange()
  @ApiOperation({ summary: "Change a password: your own (clears mustChangePassword), or reset one of your party's accounts as its administrator (the owner must change it at next sign-in; a lockout is lifted)" })
  @ApiResponse({ status: 400, description: 'PASSWORD_TOO_COMMON, PASSWORD_CONTAINS_USER_ID, PASSWORD_REPEATED_CHARACTER, PASSWORD_UNCHANGED' })
  @ApiResponse({ status: 403, description: 'NOT_YOUR_ACCOUNT, OTHER_PARTYS_ACCOUNT (an administrator of the other party), CURRENT_PASSWORD_WRONG, PASSWORD_CHANGE_REQUIRED (change your own first)' })
  @ApiResponse({ status: 404, description: 'OPERATOR_NOT_FOUND' })
  async changePassword(@Param('id', UuidParam) id: string, @Body() body: ChangePasswordDto, @Req() request: AuthenticatedRequest) {
    const caller = request.caller!;
    const self = caller.operatorId === id;
    if (!self && request.mustChangePassword) throw new Refusal(403, 'PASSWORD_CHANGE_REQUIRED', 'Change your own password first.');
    const { state: target } = await loadState(this.store, operatorStream(id), operatorDecider);
    if (!target.operatorId) throw new Refusal(404, 'OPERATOR_NOT_FOUND', 'No operator with this id.');
    if (!self && !isAdministrator(caller.role)) {
      throw new Refusal(403, 'NOT_YOUR_ACCOUNT', "You may change only your own password, or reset one of your party's accounts as its administrator.");
    }
    if (!self) await this.actorFor(request, target.role); // an administrator of the other party: OTHER_PARTYS_ACCOUNT
    // A stolen token must not be enough to take the account over: your own change needs your password.
    if (self && !(body.currentPassword && (await this.accounts.verify(id, body.currentPassword)))) {
      throw new Refusal(403, 'CURRENT_PASSWORD_WRONG', 'Give your current password to change it.');
    }
    if (self && body.newPassword === body.currentPassword) throw new Refusal(400, 'PASSWORD_UNCHANGED', 'Choose a password other than your current one.');
    refuseWeakPassword(body.newPassword, (await this.accounts.userIdOf(id)) ?? '');
    const result = await this.change(id, { kind: 'changePassword', by: self ? 'SELF' : 'ADMIN' }, request);
    await this.accounts.setPassword(id, body.newPassword);
    await this.accounts.closeSessions(id, self ? request.token : undefined); // every other session ends
    if (!self) await this.unlock(id, caller.operatorId, 'PASSWORD_RESET', request); // the new password opens the account
    return result;
  }

  @Post(':id/unlock')
  @HttpCode(201)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Lift a lockout of one of your party's accounts (Dinkes: administrators and Puskesmas operators; Disdukcapil: auditors and the Bupati's office)" })
  @ApiResponse({ status: 201, description: 'Unlocked (recorded as OperatorUnlocked with your operator id)' })
  @ApiResponse({ status: 403, description: "OTHER_PARTYS_ACCOUNT: an account of the other party" })
  @ApiResponse({ status: 404, description: 'OPERATOR_NOT_FOUND' })
  @ApiResponse({ status: 409, description: 'ACCOUNT_NOT_LOCKED' })
  async unlockAccount(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    const caller = request.caller!;
    const { state } = await loadState(this.store, operatorStream(id), operatorDecider);
    if (!state.operatorId) throw new Refusal(404, 'OPERATOR_NOT_FOUND', 'No operator with this id.');
    await this.actorFor(request, state.role); // an administrator of the other party: OTHER_PARTYS_ACCOUNT
    await this.unlock(id, caller.operatorId, 'UNLOCK', request);
    return { operatorId: id, lockedUntil: null };
  }

  private async unlock(id: string, actorId: string, by: 'UNLOCK' | 'PASSWORD_RESET', request: AuthenticatedRequest) {
    await handle(this.store, signInStream(id), signInDecider, { kind: 'unlock', operatorId: id, actorId, by }, { tail: SIGN_IN_TAIL, attempts: 50, ...correlationOf(request) });
  }

  @Delete(':id/profile')
  @HttpCode(204)
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ApiOperation({ summary: "Erase a person's profile (name, NIP, phone) of your own party's account; the account's events stay" })
  @ApiResponse({ status: 403, description: 'OTHER_PARTYS_ACCOUNT' })
  async eraseProfile(@Param('id', UuidParam) id: string, @Req() request: AuthenticatedRequest) {
    const { state } = await loadState(this.store, operatorStream(id), operatorDecider);
    if (!state.operatorId) throw new Refusal(404, 'OPERATOR_NOT_FOUND', 'No operator with this id.');
    await this.actorFor(request, state.role);
    await this.accounts.eraseProfile(id);
  }

  private async change(id: string, command: DistributiveOmit<OperatorCommand, 'actor'>, request: AuthenticatedRequest) {
    const caller = request.caller!;
    const actor: Actor = { actorId: caller.operatorId, role: caller.role };
    const full = { ...command, actor } as OperatorCommand;
    const loaded = await loadState(this.store, operatorStream(id), operatorDecider);
    operatorDecider.decide(full, loaded.state, new Date()); // refusals first: nothing goes on the roster for a refused change
    const role = loaded.state.role;
    // Leaving the administrators is on the roster BEFORE the account's event, joining AFTER it: if the
    // second write fails, the roster counts fewer administrators than there are, never more.
    const administrator = isAdministrator(role);
    if (administrator && (command.kind === 'suspend' || command.kind === 'revoke')) await this.roster(partyOfRole(role), id, false, actor, request);
    const { state } = await handle(this.store, operatorStream(id), operatorDecider, full, correlationOf(request));
    if (administrator && command.kind === 'reinstate') await this.roster(partyOfRole(role), id, true, actor, request);
    return { operatorId: id, role: state.role, facilityId: state.facilityId || null, status: state.status };
  }

  /** The caller as the actor of a change to an account of `accountRole`; an administrator of the other party is refused (and recorded). */
  private async actorFor(request: AuthenticatedRequest, accountRole: string): Promise<Actor> {
    const caller = request.caller!;
    if (!administers(caller.role, accountRole as Role)) {
      throw new Refusal(403, 'OTHER_PARTYS_ACCOUNT', `A ${accountRole} account is administered by its own party only.`);
    }
    return { actorId: caller.operatorId, role: caller.role };
  }

  /**
   * Records an administrator joining or leaving a party's active administrators on the roster stream,
   * refusing to leave the party without one. Accounts the roster has no word on yet (enrolled before it
   * existed) count by their own streams' status.
   */
  private async roster(party: Party, operatorId: string, active: boolean, actor: Actor, request: AuthenticatedRequest): Promise<void> {
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
    await handle(this.store, administratorsStream(party), rosterDecider, { kind: 'set', party, operatorId, active, actorId: actor.actorId, activeOutsideRoster }, { ...correlationOf(request), attempts: 10 });
  }

  /** Operators belong to a Puskesmas, administrators to Dinkes; auditors and the Bupati's office to neither. */
  private async facilityFor(role: Role, facilityId: string | undefined): Promise<string | null> {
    const expected = role === 'PUSKESMAS_OPERATOR' ? 'PUSKESMAS' : role === 'DINKES_ADMIN' ? 'DINKES' : null;
    if (!expected) {
      if (facilityId) throw new Refusal(422, 'FACILITY_NOT_EXPECTED', `A ${role} account is not bound to a facility.`);
      return null;
    }
    if (!facilityId) throw new Refusal(422, 'FACILITY_REQUIRED', `A ${role} account needs its facility (${expected}).`);
    const { state } = await loadState(this.store, facilityStream(facilityId), facilityDecider);
    if (!state.facilityId) throw new Refusal(404, 'FACILITY_NOT_FOUND', 'No facility with this id.');
    if (state.kind !== expected) throw new Refusal(422, 'FACILITY_KIND_MISMATCH', `A ${role} account belongs to a ${expected}.`);
    return facilityId;
  }
}

/** NIST SP 800-63B: a password that is common, holds the user id or repeats one character is refused. */
function refuseWeakPassword(password: string, userId: string): void {
  const problem = passwordProblem(password, userId);
  if (problem) throw new Refusal(400, problem === 'PASSWORD_LENGTH' ? 'VALIDATION_FAILED' : problem, PASSWORD_PROBLEMS[problem]);
}
