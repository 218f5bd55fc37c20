import { Bool, Closed, Day, Int, OneOf, Pattern, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';

/**
 * A semester report handed in (Pasal 9(1)), pinned by the SHA-256 of its PDF. The digest is kept in
 * base64: a hex digest has 16 decimal digits in a row often enough (about 1 in 40) to look like a NIK.
 */
export const SemesterReportSubmitted = defineEvent(
  'SemesterReportSubmitted',
  Closed({
    year: Int(2022, 2100),
    semester: OneOf([1, 2]),
    /** 1 for the first submission, 2 for a corrected one, ... */
    revision: Int(1, 1000),
    pdfSha256: Pattern('^[A-Za-z0-9+/]{43}=$'),
    submittedBy: Uuid(),
    dueOn: Day(),
    onTime: Bool(),
  }),
  { version: 1 },
);

export const reportEvents = [SemesterReportSubmitted] as const;
