/**
 * `npm run demo`: the whole system at work, from an empty embedded store. Starts the gateway as a real
 * process on ./out/demo-data with a registry simulator, registers the agreement's extension, enrols an
 * operator and a card reader at every one of the 21 Puskesmas, drives a semester's worth of lookups, card
 * reads, balikan (some failing first), refusals and an evaluation through the HTTP API, submits the report,
 * then writes the semester report (PDF, XLSX, CSV) and the Bupati summary (PDF, XLSX) to ./out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRegistrySimulator, type RegistrySimulator } from '../src/infrastructure/registry/simulator/registry-simulator';
import { semesterOf } from '../src/modules/reporting/semester/semester';
import { gatewayNodeFlags } from '../test/support/processes';
import { changedPassword, gatewayClient, signIn, type GatewayCall } from '../test/support/gateway-client';
import { readInitialPassword } from '../src/modules/access/seed/initial-passwords';

const root = resolve(__dirname, '..', '..');
/** Where the documents go (./out, or DEMO_OUT_DIR for the test that runs the demo). */
const out = resolve(process.env.DEMO_OUT_DIR ?? join(root, 'out'));
const dataDir = join(out, 'demo-data');
const ADMIN_PASSWORD = 'demo-dinkes-password';
const PASSWORD = 'demo-operator-password';

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
    const child = spawn(process.execPath, [...gatewayNodeFlags(), join(root, 'dist', 'src', 'main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
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

async function main(): Promise<void> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
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
  });
  const gateway = new Gateway(url);
  const next = random(2025);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  try {
    console.log(`Gateway on ${url} (embedded store in ${dataDir}); registry simulator on ${simulator.url}`);
    const admin = await gateway.login('admin', ADMIN_PASSWORD);
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
    const sites = [];
    for (const [i, p] of puskesmas.entries()) {
      const userId = `petugas.${p.code.toLowerCase()}`;
      await gateway.ok('POST', '/v1/operators', admin, { userId, password: PASSWORD, role: 'PUSKESMAS_OPERATOR', facilityId: p.facilityId });
      const { readerId } = await gateway.ok('POST', `/v1/facilities/${p.facilityId}/card-readers`, admin, {
        samSerial: `SAM-KRA-${String(i + 1).padStart(4, '0')}`,
      });
      sites.push({ ...p, userId, readerId, token: await gateway.login(userId, PASSWORD) });
    }
    // Disdukcapil administers its own people and the Bupati's office accounts.
    await gateway.ok('POST', '/v1/operators', dukcapil, { userId: 'auditor.dukcapil', password: PASSWORD, role: 'DUKCAPIL_AUDITOR' });
    await gateway.ok('POST', '/v1/operators', dukcapil, { userId: 'staf.bupati', password: PASSWORD, role: 'BUPATI_OFFICE' });
    console.log(`Enrolled ${sites.length} Puskesmas operators with a card reader each (Dinkes); an auditor and the Bupati's office (Disdukcapil)`);

    const { samples } = simulator;
    const people = [...samples.found, ...samples.found, ...samples.found, ...samples.outsideRegency, ...samples.deceased, ...samples.notFound];
    const counts = { lookups: 0, cardReads: 0, balikan: 0, refusals: 0 };
    const balikanFor: { token: string; accessId: string; nik: string; verificationToken: string }[] = [];
    for (const [i, site] of sites.entries()) {
      // Busier Puskesmas (the town ones) see more patients; one clerk has an unusually heavy day.
      const visits = 8 + Math.floor(next() * 20) + (i === 4 ? 40 : 0);
      for (let v = 0; v < visits; v++) {
        const nik = pick(people);
        const byCard = next() < 0.3;
        if (i === 7 && v === 3) simulator.setFault({ mode: 'HTTP_5XX', status: 503 }, 'CALL_NIK'); // the registry has a bad moment
        if (i === 7 && v === 5) simulator.setFault(null, 'CALL_NIK');
        const res = byCard
          ? await gateway.call('POST', '/v1/access/card-reads', site.token, {
              readerId: site.readerId,
              nik,
              fingerprint: next() < 0.9 ? 'MATCHED' : 'NOT_MATCHED',
            })
          : await gateway.call('POST', '/v1/access/nik-lookups', site.token, { nik });
        if (byCard) counts.cardReads++;
        else counts.lookups++;
        if (res.status === 200 && next() < 0.6)
          balikanFor.push({ token: site.token, accessId: res.body.accessId, nik, verificationToken: res.body.verificationToken });
      }
    }
    simulator.setFault(null, 'CALL_NIK');

    // A few requests the rules refuse: another Puskesmas' reader, a clerk reaching for the admin's list.
    await gateway.call('POST', '/v1/access/card-reads', sites[0]!.token, { readerId: sites[1]!.readerId, nik: samples.found[0], fingerprint: 'MATCHED' });
    await gateway.call('GET', '/v1/operators', sites[2]!.token);
    await gateway.call('GET', '/v1/operators', sites[3]!.token);
    counts.refusals = 3;

    // Data balikan: the registry's balikan service is down for the first part, then recovers.
    simulator.setFault({ mode: 'DOWN' }, 'BALIKAN');
    const bloodTypes = ['A', 'B', 'AB', 'O', 'A+', 'B+', 'O+', 'TIDAK TAHU'];
    for (const [i, b] of balikanFor.entries()) {
      if (i === Math.floor(balikanFor.length / 2)) simulator.setFault(null, 'BALIKAN');
      const values = samples.deceased.includes(b.nik)
        ? { deathCertificateNumber: `474.3/${1000 + i}/KRA/2025` }
        : { medicalRecordNumber: `RM-${String(100000 + i)}`, bloodType: pick(bloodTypes) };
      const res = await gateway.call('POST', '/v1/balikan', b.token, { accessId: b.accessId, nik: b.nik, verificationToken: b.verificationToken, ...values });
      if (res.status === 202) counts.balikan++;
    }
    simulator.setFault(null, 'BALIKAN');
    console.log(`Drove ${counts.lookups} NIK lookups, ${counts.cardReads} card reads, ${counts.balikan} data balikan and ${counts.refusals} refused requests`);

    const auditor = await gateway.login('auditor.dukcapil', PASSWORD);
    const { year, semester } = semesterOf(new Date());
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

    // Let the delivery worker catch up with the backlog the outage left, then hand the report in.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && simulator.balikan().distinct < counts.balikan) await new Promise((r) => setTimeout(r, 200));
    const submission = await gateway.ok('POST', `/v1/reports/semester/${year}/${semester}/submission`, admin);
    console.log(`Semester report ${semester === 1 ? 'I' : 'II'} ${year} submitted (revision ${submission.revision}), SHA-256 ${submission.sha256}`);

    // The very document handed in, from the archive: anyone can run sha256sum on it.
    const archived = await gateway.call('GET', `/v1/reports/semester/${year}/${semester}/submission?format=pdf`, admin);
    writeFileSync(join(out, `laporan-semester-${semester}-${year}-disampaikan.pdf`), archived.bytes);
    console.log(`  wrote ${join(out, `laporan-semester-${semester}-${year}-disampaikan.pdf`)} (the submitted PDF, ${archived.bytes.length} bytes)`);

    const bupati = await gateway.login('staf.bupati', PASSWORD);
    const files: [string, string, string][] = [
      [`/v1/reports/semester/${year}/${semester}?format=pdf`, admin, `laporan-semester-${semester}-${year}.pdf`],
      [`/v1/reports/semester/${year}/${semester}?format=xlsx`, admin, `laporan-semester-${semester}-${year}.xlsx`],
      [`/v1/reports/semester/${year}/${semester}?format=csv`, admin, `laporan-semester-${semester}-${year}.csv`],
      [`/v1/reports/bupati/${year}/${semester}?format=pdf`, bupati, `ringkasan-bupati-${semester}-${year}.pdf`],
      [`/v1/reports/bupati/${year}/${semester}?format=xlsx`, bupati, `ringkasan-bupati-${semester}-${year}.xlsx`],
    ];
    for (const [path, token, name] of files) {
      const res = await gateway.call('GET', path, token);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
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

main().catch((error) => {
  console.error(`Demo failed: ${(error as Error).message}`);
  process.exit(1);
});
