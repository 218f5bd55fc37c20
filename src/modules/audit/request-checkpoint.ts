import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import type { Infrastructure } from '../../infrastructure/infrastructure';
import { INFRASTRUCTURE } from '../../infrastructure/infrastructure.module';
import { Refusal } from '../../infrastructure/refusal';
import { latestCheckpoint } from './audit-log.query';
import { AUDIT_SIGNER, type AuditSigner } from './audit-signer';
import type { Checkpoint } from './checkpoint';
import { checkpointNow } from './notary.projection';

/** An auditor asks for a checkpoint over everything notarised so far, instead of waiting for the next periodic one. */
export class RequestCheckpoint extends Command<{ checkpoint: Checkpoint; created: boolean }> {
  constructor(readonly now: Date = new Date()) {
    super();
  }
}

/**
 * At most one checkpoint per interval on request, whoever asks and on whichever instance: the stored
 * checkpoints are the clock, so any checkpoint (periodic or requested) counts.
 */
@CommandHandler(RequestCheckpoint)
export class RequestCheckpointHandler implements ICommandHandler<RequestCheckpoint> {
  private readonly intervalMs: number;

  constructor(
    private readonly db: DataSource,
    @Inject(AUDIT_SIGNER) private readonly auditSigner: AuditSigner,
    @Inject(INFRASTRUCTURE) infra: Pick<Infrastructure, 'config'>,
  ) {
    this.intervalMs = infra.config.audit.requestedCheckpointSeconds * 1000;
  }

  async execute({ now }: RequestCheckpoint): Promise<{ checkpoint: Checkpoint; created: boolean }> {
    const [latest, [head]] = await Promise.all([
      latestCheckpoint(this.db),
      this.db.query(`SELECT coalesce(max(leaf_index) + 1, 0)::int AS size FROM audit_leaves`) as Promise<{ size: number }[]>,
    ]);
    // Nothing new since the latest: the same checkpoint again (idempotent, never rate-limited).
    if (latest && latest.treeSize >= head!.size) return { checkpoint: latest, created: false };
    if (!latest && head!.size === 0) throw new Refusal(409, 'LOG_EMPTY', 'Nothing has been notarised yet.');
    const age = latest ? now.getTime() - new Date(latest.signedAt).getTime() : Infinity;
    if (age < this.intervalMs) {
      const retryAfter = Math.max(1, Math.ceil((this.intervalMs - age) / 1000));
      throw new Refusal(429, 'CHECKPOINT_RATE_LIMITED', `A checkpoint was signed moments ago; ask again in ${retryAfter} s.`, { retryAfter });
    }
    await checkpointNow(this.db, this.auditSigner(), now);
    const checkpoint = (await latestCheckpoint(this.db))!;
    return { checkpoint, created: checkpoint.signedAt === now.toISOString() };
  }
}
