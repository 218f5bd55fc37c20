import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { handle } from '../../../infrastructure/event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../../../infrastructure/event-store/event-store.port';
import type { Infrastructure } from '../../../infrastructure/infrastructure';
import { INFRASTRUCTURE } from '../../../infrastructure/infrastructure.module';
import { Refusal } from '../../../infrastructure/refusal';
import { renderSemesterReportPdf } from '../documents';
import { ReportingFreshness } from '../read-models/reporting-freshness';
import { reportStream, reportSubmissionDecider } from './report-submission';
import { SubmitSemesterReport, type ReportSubmitted } from './reports.commands';
import { semesterPeriod } from './semester';
import { semesterReport } from './semester-report.query';
import { AUDIT_SIGNER, type AuditSigner } from '../../audit/audit-signer';

@CommandHandler(SubmitSemesterReport)
export class SubmitSemesterReportHandler implements ICommandHandler<SubmitSemesterReport> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: DataSource,
    private readonly freshness: ReportingFreshness,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(AUDIT_SIGNER) private readonly signer: AuditSigner,
  ) {}

  async execute({ year, semester, submittedBy, now, correlationId }: SubmitSemesterReport): Promise<ReportSubmitted> {
    // A submitted report must include every access recorded before it: wait for the read models.
    if (!(await this.freshness.catchUp(10_000))) {
      throw new Refusal(503, 'REPORT_NOT_CURRENT', 'The report figures are still being brought up to date; try again in a minute.', { retryAfter: 5 });
    }
    const report = await semesterReport(this.db.manager, year, semester, now, { signer: this.signer });
    const pdf = await renderSemesterReportPdf(report, this.infra.config.letterheads);
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    // The archive first: a recorded submission always finds its document.
    await this.db.query(`INSERT INTO report_archive (pdf_sha256, year, semester, pdf) VALUES ($1, $2, $3, $4) ON CONFLICT (pdf_sha256) DO NOTHING`, [
      sha256,
      year,
      semester,
      pdf,
    ]);
    const { state, events } = await handle(
      this.store,
      reportStream(year, semester),
      reportSubmissionDecider,
      { year, semester, pdfSha256: sha256, submittedBy },
      { now: () => now, correlationId },
    );
    const latest = state.submissions[state.submissions.length - 1]!;
    return {
      recorded: events.length > 0,
      year,
      semester,
      revision: latest.revision,
      sha256,
      submittedAt: latest.submittedAt.toISOString(),
      dueOn: semesterPeriod(year, semester).dueOn,
      onTime: state.submissions[0]!.onTime,
    };
  }
}
