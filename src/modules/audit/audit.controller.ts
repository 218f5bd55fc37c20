import { Type } from '@sinclair/typebox';
import { ApiAnswer } from '../../infrastructure/http/answer-schema';
import {
  CheckpointSchema,
  ConsistencyProofSchema,
  EntriesProofSchema,
  InclusionProofSchema,
  PublicKeySchema,
  RequestedCheckpointSchema,
} from './audit.answers';
import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { UuidParam } from '../../infrastructure/http/validation';
import { Refusals } from '../../infrastructure/http/refusals';
import { Allow } from '../access/auth/access-rule';
import type { AuthenticatedRequest } from '../access/auth/access.guard';
import { GetAuditPublicKey, ListCheckpoints, ProveConsistency, ProveEntries, ProveInclusion } from './audit.queries';
import { RequestCheckpoint } from './request-checkpoint';

const SIZE = /^[1-9][0-9]{0,14}$/;

export class CheckpointsQuery {
  @ApiPropertyOptional({ description: 'Only checkpoints of at least this tree size' })
  @IsOptional()
  @Matches(SIZE, { message: 'fromSize must be a positive whole number' })
  fromSize?: string;
}

export class ProofQuery {
  @ApiPropertyOptional({ description: 'Prove to this signed checkpoint (its tree size); default: the first that covers the event' })
  @IsOptional()
  @Matches(SIZE, { message: 'treeSize must be a positive whole number' })
  treeSize?: string;
}

export class ConsistencyQuery {
  @ApiPropertyOptional({ description: 'Tree size of the earlier checkpoint' })
  @Matches(SIZE, { message: 'from must be the tree size of a checkpoint' })
  from!: string;

  @ApiPropertyOptional({ description: 'Tree size of the later checkpoint' })
  @Matches(SIZE, { message: 'to must be the tree size of a checkpoint' })
  to!: string;
}

/**
 * The verifiable log for Disdukcapil's supervision (Pasal 4(1)(a), 9): signed checkpoints over every event,
 * RFC 9162 inclusion and consistency proofs, and the public key they verify with.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly commandBus: CommandBus,
  ) {}

  @Get('checkpoints')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Signed checkpoints (tree size, Merkle root, chain head, time; Ed25519), oldest first' })
  @ApiAnswer(Type.Array(CheckpointSchema), { description: 'Signed checkpoints, oldest first' })
  async list(@Query() query: CheckpointsQuery) {
    return this.queryBus.execute(new ListCheckpoints(query.fromSize ? Number(query.fromSize) : 0));
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Allow('DUKCAPIL_AUDITOR')
  @ApiOperation({
    summary: 'Sign a checkpoint now over everything notarised so far; the latest again when nothing new was logged (then never rate-limited)',
  })
  @ApiAnswer(RequestedCheckpointSchema, { description: 'The checkpoint signed now, or the latest when nothing new was logged' })
  @Refusals({ 409: ['LOG_EMPTY'], 429: [['CHECKPOINT_RATE_LIMITED', 'the latest checkpoint is younger than AUDIT_CHECKPOINT_REQUEST_SECONDS']] })
  async requestCheckpoint() {
    return this.commandBus.execute(new RequestCheckpoint());
  }

  @Get('entries/:id')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({
    summary:
      'The log entries of an access (accessId: every event of it), of a balikan (balikanId) or one event (any event id: kind EVENT), each exactly as hashed (canonical JCS text and its fields) with its RFC 9162 inclusion proof to one signed checkpoint',
  })
  @ApiAnswer(EntriesProofSchema, { description: 'Every entry of the access, balikan or event, each with its inclusion proof to one checkpoint' })
  @Refusals({
    404: [
      ['EVENT_NOT_NOTARISED', 'no access, balikan or event with this id'],
      ['CHECKPOINT_NOT_FOUND', 'no checkpoint of that treeSize'],
    ],
    409: [
      ['NOT_YET_NOTARISED', 'ask again in seconds'],
      ['NOT_YET_CHECKPOINTED', 'request a checkpoint'],
    ],
    422: ['CHECKPOINT_TOO_SMALL'],
    503: [['ENTRY_NOT_LOCATED', 'an event notarised before its stream was recorded (EventStoreDB until the notary is rebuilt)']],
  })
  async entries(@Param('id', UuidParam) id: string, @Query() query: ProofQuery, @Req() request: AuthenticatedRequest) {
    return this.queryBus.execute(new ProveEntries(request.caller!, id, query.treeSize ? Number(query.treeSize) : undefined));
  }

  @Get('proofs/:eventId')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({
    summary: 'Inclusion proof of one event to a signed checkpoint (RFC 9162), by its leaf hash only; GET /v1/audit/entries/{eventId} adds the entry as hashed',
  })
  @ApiAnswer(InclusionProofSchema, { description: 'The inclusion proof' })
  @Refusals({
    404: ['EVENT_NOT_NOTARISED', ['CHECKPOINT_NOT_FOUND', 'no checkpoint of that treeSize']],
    409: ['NOT_YET_CHECKPOINTED'],
    422: ['CHECKPOINT_TOO_SMALL'],
  })
  async proof(@Param('eventId', UuidParam) eventId: string, @Query() query: ProofQuery) {
    return this.queryBus.execute(new ProveInclusion(eventId, query.treeSize ? Number(query.treeSize) : undefined));
  }

  @Get('consistency')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'Consistency proof between two signed checkpoints: the earlier log is a prefix of the later (RFC 9162)' })
  @ApiAnswer(ConsistencyProofSchema, { description: 'The consistency proof' })
  @Refusals({ 400: [['RANGE_INVALID', 'from is larger than to']], 404: ['CHECKPOINT_NOT_FOUND'] })
  async consistency(@Query() query: ConsistencyQuery) {
    return this.queryBus.execute(new ProveConsistency(Number(query.from), Number(query.to)));
  }

  @Get('public-key')
  @Allow('DUKCAPIL_AUDITOR', 'DINKES_ADMIN')
  @ApiOperation({ summary: 'The Ed25519 public key checkpoints verify with (pin it once; verify exports with it)' })
  @ApiAnswer(PublicKeySchema, { description: 'The public key' })
  async publicKey() {
    return this.queryBus.execute(new GetAuditPublicKey());
  }
}
