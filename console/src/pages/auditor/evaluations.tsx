import { useEffect, useState } from 'preact/hooks';
import { api, answer } from '../../api/client';
import { Field, Form, Notice, Problem, Section, SelectField, useAction, waktu } from '../../ui/kit';
import type { Evaluation, Finding } from './answers';
import { EVALUATION_KINDS, FINDINGS, OBLIGATIONS, findingBadge, type ObligationCode } from './labels';
import { semesterName, semestersSoFar } from './semester';

const NOTE_MAX = 280;
type Kind = keyof typeof EVALUATION_KINDS;
type Judged = Record<ObligationCode, { finding: Finding | ''; note: string }>;
const unjudged = (): Judged => Object.fromEntries(OBLIGATIONS.map(([code]) => [code, { finding: '', note: '' }])) as Judged;

/** Evaluasi (Pasal 9(2)-(3)): what Disdukcapil found, recorded once and never edited; a correction is a new evaluation. */
export function EvaluationsPage() {
  const [list, setList] = useState<Evaluation[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const reload = () =>
    answer<Evaluation[]>(api.GET('/v1/evaluations')).then(
      (l) => setList(l),
      (e) => setListError(e),
    );
  useEffect(() => void reload(), []);
  return (
    <>
      <RecordEvaluation onRecorded={reload} />
      <Section title="Evaluasi yang tercatat">
        <Problem error={listError} />
        {list && list.length === 0 && <p>Belum ada evaluasi yang tercatat.</p>}
        {list && list.length > 0 && <EvaluationTable evaluations={[...list].reverse()} />}
      </Section>
    </>
  );
}

/** The evaluations, newest first, each finding with its note. Shared with the Bupati's summary. */
export function EvaluationTable({ evaluations }: { evaluations: readonly Evaluation[] }) {
  return (
    <table data-view="evaluations">
      <caption class="sr-only">Evaluasi dan temuannya</caption>
      <thead>
        <tr>
          <th scope="col">Dicatat</th>
          <th scope="col">Jenis dan periode</th>
          <th scope="col">Temuan</th>
        </tr>
      </thead>
      <tbody>
        {evaluations.map((e) => (
          <tr key={e.evaluationId} data-evaluation={e.evaluationId}>
            <td>{waktu(e.recordedAt)}</td>
            <td>
              {EVALUATION_KINDS[e.kind]}
              {e.year !== undefined && e.semester !== undefined && <>, {semesterName({ year: e.year, semester: e.semester })}</>}
            </td>
            <td>
              <ul class="findings">
                {e.findings.map((f) => (
                  <li key={f.obligation}>
                    <span class={`badge ${findingBadge[f.finding]}`}>{FINDINGS[f.finding]}</span> {f.label}
                    {f.note && <div class="fine">Catatan: {f.note}</div>}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RecordEvaluation({ onRecorded }: { onRecorded: () => void }) {
  const semesters = semestersSoFar();
  const [kind, setKind] = useState<Kind>('PERIODIC');
  const [period, setPeriod] = useState(`${semesters[0]!.year}-${semesters[0]!.semester}`);
  const [judged, setJudged] = useState<Judged>(unjudged);
  const [nothingJudged, setNothingJudged] = useState(false);
  const [recorded, setRecorded] = useState<string | null>(null);
  const { busy, error, run } = useAction(async () => {
    const findings = OBLIGATIONS.flatMap(([code]) => {
      const { finding, note } = judged[code];
      return finding ? [{ obligation: code, finding, ...(note.trim() ? { note: note.trim() } : {}) }] : [];
    });
    setNothingJudged(findings.length === 0);
    if (findings.length === 0) return;
    const [year, semester] = period ? period.split('-').map(Number) : [];
    const body = { kind, ...(year ? { year, semester: semester as 1 | 2 } : {}), findings };
    const { evaluationId } = await answer<{ evaluationId: string }>(api.POST('/v1/evaluations', { body }));
    setRecorded(evaluationId);
    setJudged(unjudged());
    onRecorded();
  });
  const periodOptions = [
    ...(kind === 'AD_HOC' ? [['', '— tidak terkait semester —'] as const] : []),
    ...semesters.map((s) => [`${s.year}-${s.semester}`, semesterName(s)] as const),
  ];
  const set = (code: ObligationCode, change: Partial<Judged[ObligationCode]>) => setJudged({ ...judged, [code]: { ...judged[code], ...change } });

  return (
    <Section title="Catat evaluasi">
      <Form
        onSubmit={() => {
          setRecorded(null);
          void run();
        }}
      >
        <div class="grid-2">
          <SelectField
            label="Jenis evaluasi"
            options={Object.entries(EVALUATION_KINDS)}
            value={kind}
            onChange={(e) => {
              const next = e.currentTarget.value as Kind;
              setKind(next);
              if (next === 'PERIODIC' && !period) setPeriod(`${semesters[0]!.year}-${semesters[0]!.semester}`);
            }}
          />
          <SelectField label="Semester yang dievaluasi" options={periodOptions} value={period} onChange={(e) => setPeriod(e.currentTarget.value)} />
        </div>
        <p class="fine">
          Nilai kewajiban yang dievaluasi saja; yang dibiarkan “tidak dinilai” tidak dicatat. Catatan singkat (paling banyak {NOTE_MAX} karakter) tanpa data
          pribadi: jangan menulis NIK, nomor KK, atau nama penduduk.
        </p>
        {OBLIGATIONS.map(([code, label]) => (
          <fieldset key={code} class="obligation">
            <legend>{label}</legend>
            <div class="grid-2">
              <SelectField
                id={`temuan-${code}`}
                label="Temuan"
                options={[['', '— tidak dinilai —'], ...Object.entries(FINDINGS)]}
                value={judged[code].finding}
                onChange={(e) => set(code, { finding: e.currentTarget.value as Finding | '' })}
              />
              <Field
                id={`catatan-${code}`}
                label="Catatan"
                value={judged[code].note}
                maxLength={NOTE_MAX}
                onInput={(e) => set(code, { note: e.currentTarget.value })}
              />
            </div>
          </fieldset>
        ))}
        {nothingJudged && (
          <p class="problem" role="alert">
            Pilih temuan untuk setidaknya satu kewajiban.
          </p>
        )}
        <Problem error={error} />
        {recorded && (
          <Notice>
            Evaluasi tercatat (nomor <code>{recorded}</code>). Evaluasi tidak dapat diubah; koreksi dicatat sebagai evaluasi baru.
          </Notice>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Mencatat…' : 'Catat evaluasi'}
          </button>
        </div>
      </Form>
    </Section>
  );
}
