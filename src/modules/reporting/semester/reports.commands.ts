import { Command } from '@nestjs/cqrs';
import type { Semester } from '../documents/report-data';

export interface ReportSubmitted {
  /** True when this submission recorded a new revision; false when this very document was handed in already. */
  readonly recorded: boolean;
  readonly year: number;
  readonly semester: Semester;
  readonly revision: number;
  readonly sha256: string;
  readonly submittedAt: string;
  readonly dueOn: string;
  readonly onTime: boolean;
}

/** Hand in the semester report of Pasal 9(1) as it reads now, pinned by the SHA-256 of its PDF. */
export class SubmitSemesterReport extends Command<ReportSubmitted> {
  constructor(
    readonly year: number,
    readonly semester: Semester,
    readonly submittedBy: string,
    readonly now: Date,
    readonly correlationId: string | undefined,
  ) {
    super();
  }
}
