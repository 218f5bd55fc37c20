import { SelectField } from '../../ui/kit';

/** A semester of Pasal 9(1): I is January–June, II is July–December, in WIB. */
export interface Period {
  readonly year: number;
  readonly semester: 1 | 2;
}

/** Today's semester on the WIB wall clock (UTC+7, no daylight saving), whatever the browser's time zone. */
export function currentSemester(now = new Date()): Period {
  const wib = new Date(now.getTime() + 7 * 3_600_000);
  return { year: wib.getUTCFullYear(), semester: wib.getUTCMonth() < 6 ? 1 : 2 };
}

/** First and last day of a semester, YYYY-MM-DD. */
export const periodOf = ({ year, semester }: Period) =>
  semester === 1 ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };

export const semesterName = ({ year, semester }: Period) => `Semester ${semester === 1 ? 'I' : 'II'} ${year}`;

/** Every semester since the agreement was signed (September 2022), newest first. */
export function semestersSoFar(now = new Date()): Period[] {
  const current = currentSemester(now);
  const all: Period[] = [];
  for (let year = current.year; year >= 2022; year--)
    for (const semester of [2, 1] as const) {
      if (year === current.year && semester > current.semester) continue;
      if (year === 2022 && semester === 1) continue;
      all.push({ year, semester });
    }
  return all;
}

const keyOf = (p: Period) => `${p.year}-${p.semester}`;

export function SemesterPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const options = semestersSoFar().map((p) => [keyOf(p), semesterName(p)] as const);
  return (
    <SelectField
      label="Semester"
      options={options}
      value={keyOf(value)}
      onChange={(e) => {
        const [year, semester] = e.currentTarget.value.split('-').map(Number);
        onChange({ year: year!, semester: semester as 1 | 2 });
      }}
    />
  );
}
