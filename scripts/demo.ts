/**
 * `npm run demo`: the whole system at work, from an empty embedded store. Starts the gateway as a real
 * process on ./out/demo-data with a registry simulator, registers the agreement's extension, enrols an
 * operator and a card reader at every one of the 21 Puskesmas, drives a semester's worth of lookups, card
 * reads, balikan (some failing first), refusals and an evaluation through the HTTP API, submits the report,
 * then writes the semester report (PDF, XLSX, CSV) and the Bupati summary (PDF, XLSX) to ./out.
 * The visits are spread over the semester's office days up to now: the gateway's clock is moved to each
 * visit's moment (scripts/demo-clock.ts, preloaded into the demo's gateway only), so the monthly figures
 * look like a real semester's.
 */
import { SingleBar, Presets } from 'cli-progress';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRegistrySimulator, type RegistrySimulator } from '../src/infrastructure/registry/simulator/registry-simulator';
import { semesterOf } from '../src/modules/reporting/semester/semester';
import { gatewayNodeFlags } from '../test/support/processes';
import { aCurrentReport } from '../test/support/current-report';
import { whileProgressing } from '../test/support/until';
import { changedPassword, gatewayClient, signIn, type GatewayCall } from '../test/support/gateway-client';
import { readInitialPassword } from '../src/modules/access/seed/initial-passwords';
import { deathCertificateNumber, momentOf, officeDays, pickDay, semesterStart, type OfficeDay } from './demo-schedule';

const root = resolve(__dirname, '..', '..');
/** Where the documents go (./out, or DEMO_OUT_DIR for the test that runs the demo). */
const out = resolve(process.env.DEMO_OUT_DIR ?? join(root, 'out'));
const dataDir = join(out, 'demo-data');
const ADMIN_PASSWORD = 'demo-dinkes-password';
const PASSWORD = 'demo-operator-password';
/** DEMO_PROGRESS_FILE: one line per step, appended as the demo goes (the test that runs it waits while it grows). */
const progressFile = process.env.DEMO_PROGRESS_FILE;
const step = (line: string) => progressFile && appendFileSync(progressFile, `${line}\n`);

/** A tiny deterministic generator, so two demo runs tell the same story. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

class Gateway {
  readonly call: GatewayCall;

  constructor(readonly url: string) {
    this.call = gatewayClient(url);
  }

  async ok(method: string, path: string, token?: string, body?: unknown): Promise<any> {
    const res = await this.call(method, path, token, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async login(userId: string, password: string): Promise<string> {
    return signIn(this.call, userId, password); // a password an administrator set is changed at first sign-in
  }
}

function startService(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const clock = join(root, 'dist', 'scripts', 'demo-clock.js');
    const child = spawn(process.execPath, [...gatewayNodeFlags(), '--require', clock, join(root, 'dist', 'src', 'main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Every line the gateway writes is kept in out/demo-gateway.log (the privacy scan reads it too).
    const log = createWriteStream(join(out, 'demo-gateway.log'));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    let output = '';
    const listening = (chunk: Buffer) => {
      output += chunk;
      const port = /listening on port (\d+)/.exec(output)?.[1];
      if (port) {
        child.stdout!.off('data', listening);
        resolvePromise({ child, url: `http://127.0.0.1:${port}` });
      }
    };
    child.stdout!.on('data', listening);
    child.on('exit', (code) => reject(new Error(`the gateway stopped (${code}) before listening:\n${output.slice(-2000)}`)));
  });
}

/** Moves the demo gateway's clock (null: back to the real time) and waits until it has. */
function setClock(child: ChildProcess, at: Date | null): Promise<void> {
  const demoClock = at?.toISOString() ?? null;
  return new Promise((resolvePromise) => {
    const answered = (message: { demoClockSet?: string | null }) => {
      if (message?.demoClockSet !== demoClock) return;
      child.off('message', answered);
      resolvePromise();
    };
    child.on('message', answered);
    child.send({ demoClock });
  });
}

async function main(): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const { year, semester } = semesterOf(new Date());
  const days = officeDays(semesterStart(year, semester), new Date());
  if (days.length === 0) throw new Error('no office hours of this semester have passed yet: run the demo later today');
  console.log(`Starting the gateway on an empty embedded store in ${dataDir} (its clock at ${days[0]!.day} 07.00 WIB)…`);
  const simulator: RegistrySimulator = await startRegistrySimulator({ userId: 'demo', password: 'demo-registry-password', balikanToken: 'demo-balikan-token' });
  const { child, url } = await startService({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_LEVEL: 'debug', // everything, for the privacy scan; the "listening on port" line is how the demo learns the port
    INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // No INITIAL_AUDITOR_PASSWORD: Disdukcapil's first auditor gets a one-time password in DATA_DIR/initial-passwords/auditor.
    INITIAL_AUDITOR_PASSWORD: '',
    REGISTRY_URL: simulator.url,
    REGISTRY_USER_ID: 'demo',
    REGISTRY_PASSWORD: 'demo-registry-password',
    BALIKAN_URL: simulator.url,
    BALIKAN_TOKEN: 'demo-balikan-token',
    LOOKUPS_PER_HOUR: '10000',
    SIGN_IN_ATTEMPTS_PER_MINUTE: '1000', // every Puskesmas of the demo signs in from 127.0.0.1
    OPERATOR_DAILY_LIMIT: '40',
    // The clock moves through months: a token lasts the office day, and balikan held up by an outage
    // are not dropped as too old while the demo's weeks pass in seconds.
    TOKEN_TTL_SECONDS: '86400',
    BALIKAN_MAX_AGE_HOURS: '8760',
    BALIKAN_LEASE_SECONDS: '3600',
    DEMO_CLOCK_START: new Date(days[0]!.opens.getTime() - 30 * 60_000).toISOString(),
  });
  const gateway = new Gateway(url);
  step(`gateway on ${url}`);
  const next = random(2025);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  try {
    console.log(`Gateway on ${url} (embedded store in ${dataDir}); registry simulator on ${simulator.url}`);
    let admin = await gateway.login('admin', ADMIN_PASSWORD);
    // Disdukcapil's first auditor, with the one-time password the gateway wrote to its 0600 file.
    const dukcapil = await gateway.login('auditor', readInitialPassword(dataDir, 'auditor')!);

    // The seeded 2022 agreement expired on 15 September 2024: Dinkes proposes the addendum that extends it,
    // and it takes effect when Disdukcapil confirms it.
    const [agreement] = await gateway.ok('GET', '/v1/agreements', admin);
    const proposed = await gateway.ok('POST', `/v1/agreements/${agreement.agreementId}/extensions`, admin, {
      addendumNumber: '473.3/0915.12/IX/2024',
      validUntil: '2027-09-15',
    });
    console.log(`Dinkes proposed addendum 473.3/0915.12/IX/2024 (status still ${proposed.status})`);
    const confirmed = await gateway.ok('POST', `/v1/agreements/${agreement.agreementId}/changes/${proposed.change.changeId}/confirmation`, dukcapil);
    console.log(`Disdukcapil confirmed it: agreement ${confirmed.status} until 15 September 2027`);

    const puskesmas = ((await gateway.ok('GET', '/v1/facilities', admin)) as { facilityId: string; kind: string; code: string; name: string }[]).filter(
      (f) => f.kind === 'PUSKESMAS',
    );
    const sites: { facilityId: string; code: string; name: string; userId: string; readerId: string; token: string }[] = [];
    for (const [i, p] of puskesmas.entries()) {
      const userId = `petugas.${p.code.toLowerCase()}`;
      await gateway.ok('POST', '/v1/operators', admin, { userId, password: PASSWORD, role: 'PUSKESMAS_OPERATOR', facilityId: p.facilityId });
      const { readerId } = await gateway.ok('POST', `/v1/facilities/${p.facilityId}/card-readers`, admin, {
        samSerial: `SAM-KRA-${String(i + 1).padStart(4, '0')}`,
      });
      sites.push({ ...p, userId, readerId, token: await gateway.login(userId, PASSWORD) });
      step(`enrolled ${userId}`);
    }
    // Disdukcapil administers its own people and the Bupati's office accounts.
    await gateway.ok('POST', '/v1/operators', dukcapil, { userId: 'auditor.dukcapil', password: PASSWORD, role: 'DUKCAPIL_AUDITOR' });
    await gateway.ok('POST', '/v1/operators', dukcapil, { userId: 'staf.bupati', password: PASSWORD, role: 'BUPATI_OFFICE' });
    console.log(`Enrolled ${sites.length} Puskesmas operators with a card reader each (Dinkes); an auditor and the Bupati's office (Disdukcapil)`);

    const { samples } = simulator;
    const people = [...samples.found, ...samples.found, ...samples.found, ...samples.outsideRegency, ...samples.deceased, ...samples.notFound];
    // Each visit's office day and moment. Every month gets at least one, so no month's bar is empty;
    // one clerk has an unusually heavy day (more than OPERATOR_DAILY_LIMIT allows).
    const months = [...new Set(days.map((d) => d.day.slice(0, 7)))];
    const heavyDay = days[Math.floor(days.length / 2)]!;
    const visits: { site: (typeof sites)[number]; at: Date; nik: string; byCard: boolean; fingerprint: string }[] = [];
    let dayCount = 0;
    const addVisit = (site: (typeof sites)[number], day: OfficeDay) =>
      visits.push({ site, at: momentOf(day, next()), nik: pick(people), byCard: next() < 0.3, fingerprint: next() < 0.9 ? 'MATCHED' : 'NOT_MATCHED' });
    for (const [i, site] of sites.entries()) {
      const normal = 8 + Math.floor(next() * 20);
      // A Puskesmas sees its patients needing a NIK check a few at a time, on some days of the semester.
      for (let v = 0; v < normal;) {
        const month = months[dayCount++];
        const day = pickDay(month ? days.filter((d) => d.day.startsWith(month)) : days, next());
        for (let k = Math.min(normal - v, 1 + Math.floor(next() * 4)); k > 0; k--, v++) addVisit(site, day);
      }
      if (i === 4) for (let v = 0; v < 40; v++) addVisit(site, heavyDay);
    }
    visits.sort((a, b) => a.at.getTime() - b.at.getTime());
    const counts = { lookups: 0, cardReads: 0, balikan: 0, refusals: 0 };
    const signedIn = new Map<string, number>(sites.map((s) => [s.userId, days[0]!.opens.getTime()]));
    const bloodTypes = ['A', 'B', 'AB', 'O', 'A+', 'B+', 'O+', 'TIDAK TAHU'];
    // The registry has a bad moment early on; the balikan service is down for a stretch mid-semester.
    const registryFault = Math.floor(visits.length * 0.3);
    const balikanDown = [Math.floor(visits.length * 0.45), Math.floor(visits.length * 0.6)] as const;
    const bar = new SingleBar(
      { format: 'Writing the semester [{bar}] {value}/{total} visits | {day}', hideCursor: true, stream: process.stderr },
      Presets.shades_classic,
    );
    bar.start(visits.length, 0, { day: '' });
    for (const [v, visit] of visits.entries()) {
      const { site, at, nik, byCard } = visit;
      await setClock(child, at);
      bar.update(v, { day: at.toISOString().slice(0, 10) });
      step(`visit ${v + 1}/${visits.length} ${at.toISOString().slice(0, 10)}`);
      if (at.getTime() - signedIn.get(site.userId)! > 20 * 3_600_000) {
        site.token = await gateway.login(site.userId, PASSWORD); // a new office day, a new sign-in
        signedIn.set(site.userId, at.getTime());
      }
      if (v === registryFault) simulator.setFault({ mode: 'HTTP_5XX', status: 503 }, 'CALL_NIK');
      if (v === registryFault + 2) simulator.setFault(null, 'CALL_NIK');
      if (v === balikanDown[0]) simulator.setFault({ mode: 'DOWN' }, 'BALIKAN');
      if (v === balikanDown[1]) simulator.setFault(null, 'BALIKAN');
      const res = byCard
        ? await gateway.call('POST', '/v1/access/card-reads', site.token, { readerId: site.readerId, nik, fingerprint: visit.fingerprint })
        : await gateway.call('POST', '/v1/access/nik-lookups', site.token, { nik });
      if (byCard) counts.cardReads++;
      else counts.lookups++;
      if (res.status === 200 && next() < 0.6) {
        // The clerk returns the hospital's data for the patient right away (the same moment of the gateway's clock).
        const values = samples.deceased.includes(nik)
          ? { deathCertificateNumber: deathCertificateNumber(1000 + counts.balikan, at) }
          : { medicalRecordNumber: `RM-${String(100000 + counts.balikan)}`, bloodType: pick(bloodTypes) };
        const answer = await gateway.call('POST', '/v1/balikan', site.token, {
          accessId: res.body.accessId,
          nik,
          verificationToken: res.body.verificationToken,
          ...values,
        });
        if (answer.status === 202) counts.balikan++;
      }
    }
    bar.update(visits.length);
    bar.stop();
    simulator.setFault(null, 'CALL_NIK');
    simulator.setFault(null, 'BALIKAN');

    await setClock(child, null); // the last refusals, the evaluation and the report: now

    // A few requests the rules refuse: another Puskesmas' reader, a clerk reaching for the admin's list.
    for (const site of sites.slice(0, 4)) site.token = await gateway.login(site.userId, PASSWORD);
    await gateway.call('POST', '/v1/access/card-reads', sites[0]!.token, { readerId: sites[1]!.readerId, nik: samples.found[0], fingerprint: 'MATCHED' });
    await gateway.call('GET', '/v1/operators', sites[2]!.token);
    await gateway.call('GET', '/v1/operators', sites[3]!.token);
    counts.refusals = 3;
    console.log(`Drove ${counts.lookups} NIK lookups, ${counts.cardReads} card reads, ${counts.balikan} data balikan and ${counts.refusals} refused requests`);
    admin = await gateway.login('admin', ADMIN_PASSWORD); // the morning's token of 1 July has long expired
    const auditor = await gateway.login('auditor.dukcapil', PASSWORD);
    await gateway.ok('POST', '/v1/evaluations', auditor, {
      kind: 'PERIODIC',
      year,
      semester,
      findings: [
        { obligation: 'BALIKAN', finding: 'PARTIAL', note: 'Sebagian data balikan belum terkirim; layanan balikan sempat tidak tersedia' },
        { obligation: 'CLOSED_NETWORK', finding: 'MET' },
        { obligation: 'CARD_READERS', finding: 'MET' },
        { obligation: 'CONFIDENTIALITY', finding: 'MET', note: 'Tidak ditemukan data kependudukan tersimpan' },
      ],
    });

    // Who signs: each party's administrator records its own head of office (fictitious officials; the NIPs belong to no one).
    await gateway.ok('POST', '/v1/signatories', admin, DEMO_SIGNATORIES.dinkes);
    await gateway.ok('POST', '/v1/signatories', auditor, DEMO_SIGNATORIES.disdukcapil);
    console.log(`Signatories recorded: ${DEMO_SIGNATORIES.dinkes.position} (Dinkes), ${DEMO_SIGNATORIES.disdukcapil.position} (Disdukcapil)`);

    // Let the delivery worker catch up with the backlog the outage left (however slowly, as long as it
    // delivers), then hand the report in.
    const delivered = await whileProgressing(
      () => {
        const { distinct } = simulator.balikan();
        step(`balikan delivered ${distinct}/${counts.balikan}`);
        return { done: distinct >= counts.balikan && { distinct }, progress: distinct };
      },
      { what: 'the balikan backlog delivered', stallMs: 60_000, everyMs: 200 },
    ).then(
      ({ distinct }) => distinct,
      () => simulator.balikan().distinct,
    );
    if (delivered < counts.balikan)
      console.log(`Delivery stalled: ${delivered} of ${counts.balikan} balikan delivered; the report counts the rest as not delivered`);
    // A report waits for the read models; past its wait it answers 503 REPORT_NOT_CURRENT, which a client retries.
    const current = (path: string, token: string, method = 'GET') =>
      aCurrentReport(() => gateway.call(method, path, token), { what: `${method} ${path}` }).then((res) => {
        if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
        step(`${method} ${path}`);
        return res;
      });
    const submission = (await current(`/v1/reports/semester/${year}/${semester}/submission`, admin, 'POST')).body;
    console.log(`Semester report ${semester === 1 ? 'I' : 'II'} ${year} submitted (revision ${submission.revision}), SHA-256 ${submission.sha256}`);

    // The very document handed in, from the archive: anyone can run sha256sum on it.
    const archived = await current(`/v1/reports/semester/${year}/${semester}/submission?format=pdf`, admin);
    writeFileSync(join(out, `laporan-semester-${semester}-${year}-disampaikan.pdf`), archived.bytes);
    console.log(`  wrote ${join(out, `laporan-semester-${semester}-${year}-disampaikan.pdf`)} (the submitted PDF, ${archived.bytes.length} bytes)`);

    // Disdukcapil sends the summary to the Bupati as an official letter: its number is entered when it is issued.
    const letterNumber = `400.12/${semester === 1 ? 215 : 487}/${year}`;
    await gateway.ok('POST', `/v1/reports/bupati/${year}/${semester}/letter`, auditor, { number: letterNumber });
    console.log(`Bupati summary issued by Disdukcapil as letter Nomor ${letterNumber}`);

    const bupati = await gateway.login('staf.bupati', PASSWORD);
    const files: [string, string, string][] = [
      [`/v1/reports/semester/${year}/${semester}?format=pdf`, admin, `laporan-semester-${semester}-${year}.pdf`],
      [`/v1/reports/semester/${year}/${semester}?format=xlsx`, admin, `laporan-semester-${semester}-${year}.xlsx`],
      [`/v1/reports/semester/${year}/${semester}?format=csv`, admin, `laporan-semester-${semester}-${year}.csv`],
      [`/v1/reports/bupati/${year}/${semester}?format=pdf`, bupati, `ringkasan-bupati-${semester}-${year}.pdf`],
      [`/v1/reports/bupati/${year}/${semester}?format=xlsx`, bupati, `ringkasan-bupati-${semester}-${year}.xlsx`],
    ];
    for (const [path, token, name] of files) {
      const res = await current(path, token);
      writeFileSync(join(out, name), res.bytes);
      console.log(`  wrote ${join(out, name)} (${res.bytes.length} bytes)`);
    }
    const compliance = await gateway.ok('GET', '/v1/compliance/obligations', auditor);
    writeFileSync(join(out, 'kepatuhan.json'), JSON.stringify(compliance, null, 2));
    console.log(`  wrote ${join(out, 'kepatuhan.json')} (the compliance view Disdukcapil reads)`);
    console.log(`\nDone. Open ${join(out, `laporan-semester-${semester}-${year}.pdf`)} to see the semester report.`);
    // The store stays: the console shows it (every account below changed its first password as the demo signed it in).
    console.log(`\nSee it in the console: DATA_DIR=${dataDir} npm start, then open http://localhost:3000/ and sign in as`);
    console.log(`  Admin Dinkes         admin / ${changedPassword(ADMIN_PASSWORD)}`);
    console.log(`  Auditor Disdukcapil  auditor.dukcapil / ${changedPassword(PASSWORD)}`);
    console.log(`  Kantor Bupati        staf.bupati / ${changedPassword(PASSWORD)}`);
    console.log(`  Petugas Puskesmas    ${sites[0]!.userId} / ${changedPassword(PASSWORD)} (and petugas.<kode> at every Puskesmas)`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await simulator.stop();
  }
}

/** The heads of both offices, as each party's administrator records them (fictitious; NIPs of the 18-digit form, belonging to no one). */
const DEMO_SIGNATORIES = {
  dinkes: { name: 'dr. Purwati, M.Kes.', nip: '197005121998032004', golongan: 'IV/c', position: 'Kepala Dinas Kesehatan Kabupaten Karanganyar' },
  disdukcapil: {
    name: 'Suryanto, S.Sos., M.M.',
    nip: '196908151994031007',
    golongan: 'IV/b',
    position: 'Kepala Dinas Kependudukan dan Pencatatan Sipil Kabupaten Karanganyar',
  },
} as const;

main().catch((error) => {
  console.error(`Demo failed: ${(error as Error).message}`);
  process.exit(1);
});
