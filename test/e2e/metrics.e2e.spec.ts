import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/infrastructure/config/config';
import { Metrics } from '../../src/infrastructure/metrics/metrics';
import type { Projection } from '../../src/infrastructure/projections/projection';
import { CheckpointNotInStoreError, ProjectionRunner } from '../../src/infrastructure/projections/projection-runner';
import { BalikanMetrics } from '../../src/modules/balikan/balikan.metrics';
import { agreementInForce } from '../../src/modules/access/agreements/agreement-in-force';
import { RegistryConnection } from '../../src/infrastructure/registry/registry-connection';
import type { RegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';
import { ADMIN_PASSWORD, AUDITOR_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';
import { until } from '../support/until';
import { AUDITOR_USER_ID, callerOf } from '../support/parties';
import { anAgreementInForce, anOperatorAt, reach, thePuskesmasList } from '../support/fixtures';

type Labels = Record<string, string>;
interface Sample {
  readonly name: string;
  readonly labels: Labels;
  readonly value: number;
}

/** The Prometheus text format read back: one sample per line that is not a comment. */
function parse(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, labelText, value] = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels: Labels = {};
      for (const [, key, raw] of labelText?.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g) ?? []) labels[key!] = raw!;
      return { name: name!, labels, value: Number(value) };
    });
}

/** The value of the one sample with this name and (at least) these labels; undefined when absent. */
function value(samples: Sample[], name: string, labels: Labels = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const PROJECTIONS = ['event-volume', 'access-registers', 'reporting', 'notary'];

/** What the Dinkes operations desk's Prometheus reads from the gateway, and who may read it. */
describe('Metrics for the operations desk (GET /metrics)', () => {
  let t: TestApp;
  let simulator: RegistrySimulator;
  let admin: string;
  let operator: string;
  let operatorId: string;
  let auditor: string;
  let seededAuditor: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const scrape = async (token = admin) => {
    const res = await t.http().get('/metrics').set(auth(token));
    expect(res.status).toBe(200);
    return { text: res.text, samples: parse(res.text), contentType: res.headers['content-type'] as string };
  };
  const lookup = (nik: string) => t.http().post('/v1/access/nik-lookups').set(auth(operator)).send({ nik });

  beforeAll(async () => {
    t = await startApp({ LOOKUPS_PER_HOUR: '1000', REGISTRY_BREAKER_RESET_MS: '3000' });
    simulator = t.app.get(RegistryConnection).simulator!;
    admin = await t.login('admin', ADMIN_PASSWORD);
    // An agreement in force (the shared database may hold only the expired 2022 one).
    const n = randomUUID().slice(0, 8).toUpperCase();
    seededAuditor = await t.login(AUDITOR_USER_ID, AUDITOR_PASSWORD);
    await anAgreementInForce(callerOf(t), admin, seededAuditor, { dukcapilNumber: `MT/${n}/D`, dinkesNumber: `MT/${n}/K` });
    const puskesmas = (await thePuskesmasList(callerOf(t), admin)).find((f) => f.kind === 'PUSKESMAS')!;
    ({ operatorId, token: operator } = await anOperatorAt(reach(t), admin, puskesmas.facilityId, {
      userId: uniqueUserId('metrics'),
      password: 'metrics-password-1',
    }));
    const auditorId = uniqueUserId('metrics-auditor');
    await t
      .http()
      .post('/v1/operators')
      .set(auth(seededAuditor))
      .send({ userId: auditorId, password: 'metrics-password-2', role: 'DUKCAPIL_AUDITOR' })
      .expect(201);
    auditor = await t.login(auditorId, 'metrics-password-2');
  });
  afterAll(async () => {
    simulator?.setFault(null);
    await t?.close();
  });

  it('answers Prometheus text with requests by route template and status, never a raw path', async () => {
    const id = randomUUID();
    const nikInPath = '3313011209900001';
    const before = (await scrape()).samples;
    await t.http().get(`/v1/balikan/${id}`).set(auth(admin)).expect(404);
    await t.http().get(`/v1/people/${nikInPath}`).set(auth(admin)).expect(404);
    const { text, samples, contentType } = await scrape();

    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const byId = { method: 'GET', route: '/v1/balikan/:id', status: '404' };
    expect(value(samples, 'http_requests_total', byId)).toBe((value(before, 'http_requests_total', byId) ?? 0) + 1);
    expect(value(samples, 'http_request_duration_seconds_count', byId)).toBe((value(before, 'http_request_duration_seconds_count', byId) ?? 0) + 1);
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
    expect(value(samples, 'http_requests_total', unmatched)).toBe((value(before, 'http_requests_total', unmatched) ?? 0) + 1);
    // The scrapes themselves are counted too, under their own template.
    expect(value(samples, 'http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
    // Only templates the application defines, and "unmatched": no id, no NIK.
    expect(text).not.toContain(id);
    expect(text).not.toContain(nikInPath);
    for (const s of samples.filter((s) => s.name.startsWith('http_'))) expect(s.labels.route).toMatch(/^(unmatched|\/[A-Za-z0-9/:_-]*)$/);
    // The Node process: memory, heap and event-loop lag.
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(value(samples, name)).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts registry calls by outcome and shows the breaker state', async () => {
    const before = (await scrape()).samples;
    expect((await lookup(simulator.samples.found[0]!)).status).toBe(200);
    expect((await lookup(simulator.samples.deceased[0]!)).status).toBe(200);
    expect((await lookup(simulator.samples.notFound[0]!)).status).toBe(404);
    let { samples } = await scrape();
    let text: string;
    for (const outcome of ['FOUND', 'DECEASED', 'NOT_FOUND']) {
      expect(value(samples, 'registry_calls_total', { outcome })).toBe(value(before, 'registry_calls_total', { outcome })! + 1);
      expect(value(samples, 'registry_call_duration_seconds_count', { outcome })).toBe(value(before, 'registry_call_duration_seconds_count', { outcome })! + 1);
    }
    expect(value(samples, 'registry_calls_total', { outcome: 'BREAKER_OPEN' })).toBe(0); // present before it ever happens
    expect(value(samples, 'registry_breaker_state')).toBe(0);

    const client = t.app.get(RegistryConnection).client;
    simulator.setFault({ mode: 'DOWN' });
    try {
      for (let i = 0; i < 40 && client.breakerState !== 'OPEN'; i++) expect((await lookup(simulator.samples.found[1]!)).body.code).toBe('REGISTRY_UNAVAILABLE');
      expect(client.breakerState).toBe('OPEN');
      const calls = simulator.calls();
      expect((await lookup(simulator.samples.found[1]!)).status).toBe(503); // answered without calling the registry
      expect(simulator.calls()).toBe(calls);
      ({ text, samples } = await scrape());
      expect(value(samples, 'registry_breaker_state')).toBe(2);
      expect(value(samples, 'registry_calls_total', { outcome: 'UNAVAILABLE' })).toBeGreaterThan(
        value(before, 'registry_calls_total', { outcome: 'UNAVAILABLE' })!,
      );
      expect(value(samples, 'registry_calls_total', { outcome: 'BREAKER_OPEN' })).toBeGreaterThanOrEqual(1);
    } finally {
      simulator.setFault(null);
    }
    for (const nik of [simulator.samples.found[0]!, simulator.samples.deceased[0]!, simulator.samples.notFound[0]!]) expect(text).not.toContain(nik);
    // Back to serving once the registry is back (the breaker lets a call through after its reset time).
    await until(async () => (await lookup(simulator.samples.found[2]!)).status === 200, { what: 'registry served again' });
    expect(value((await scrape()).samples, 'registry_breaker_state')).toBe(0);
  });

  it('shows projection lag per projection, the balikan outbox depth and the days left of the agreement in force', async () => {
    const { samples } = await scrape();
    for (const projection of PROJECTIONS) {
      expect(Number.isInteger(value(samples, 'projection_lag_events', { projection }))).toBe(true);
      expect(value(samples, 'projection_lag_events', { projection })).toBeGreaterThanOrEqual(0);
      expect(value(samples, 'projection_lag_seconds', { projection })).toBeGreaterThanOrEqual(0);
    }
    expect(Number.isInteger(value(samples, 'balikan_outbox_depth'))).toBe(true);
    expect(value(samples, 'balikan_outbox_depth')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'balikan_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    // The days left of the agreement the gateway holds in force right now, as every access command sees it
    // (other suites sign and terminate agreements in the shared database, so which one that is varies).
    await until(
      async () => {
        const inForce = await agreementInForce(t.infra.eventStore, t.infra.dataSource, new Date());
        const expected = inForce.status === 'ACTIVE' ? inForce.daysLeft : -1;
        return value((await scrape()).samples, 'agreement_days_left') === expected && expected > 0;
      },
      { what: 'agreement in force seen' },
    );
  });

  it('measures a projection that is behind, and a balikan waiting for hours, by the age of what waits', async () => {
    // The same figures read through this application's store, for a projection that has never run and an
    // outbox whose oldest row is two hours old: the store's very first event is what the first waits for.
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    const db = t.infra.dataSource;
    const dataSource = {
      query: (sql: string, params?: unknown[]) => (/balikan_outbox/.test(sql) ? Promise.resolve([{ depth: '3', oldest: twoHoursAgo }]) : db.query(sql, params)),
    } as typeof db;
    const metrics = new Metrics({ ...t.infra, projections: [{ name: `never-run-${randomUUID()}` } as (typeof t.infra.projections)[number]], dataSource });
    new BalikanMetrics(metrics, dataSource);
    try {
      const [first] = await t.infra.eventStore.readAll({ maxCount: 1 });
      const ageBefore = (Date.now() - first!.occurredAt.getTime()) / 1000;
      const samples = parse(await metrics.render());
      const ageAfter = (Date.now() - first!.occurredAt.getTime()) / 1000;
      const lag = samples.filter((s) => s.name.startsWith('projection_lag_'));
      expect(lag.every((s) => s.labels.projection?.startsWith('never-run-'))).toBe(true);
      expect(value(samples, 'projection_lag_events')).toBeGreaterThan(0);
      expect(ageBefore).toBeGreaterThan(0.5); // the store has been written to since the test run started
      expect(value(samples, 'projection_lag_seconds')).toBeGreaterThanOrEqual(ageBefore - 0.01);
      expect(value(samples, 'projection_lag_seconds')).toBeLessThanOrEqual(ageAfter + 0.01);
      expect(value(samples, 'balikan_outbox_depth')).toBe(3);
      expect(value(samples, 'balikan_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(7200);
      expect(value(samples, 'balikan_outbox_oldest_age_seconds')).toBeLessThanOrEqual((Date.now() - twoHoursAgo.getTime()) / 1000 + 0.01);
    } finally {
      metrics.registry.clear();
    }
  });

  it('shows a projection whose checkpoint is not in this event store as refused until it is rebuilt, and the running ones as not', async () => {
    const { samples } = await scrape();
    expect(PROJECTIONS.map((projection) => value(samples, 'projection_checkpoint_refused', { projection }))).toEqual(PROJECTIONS.map(() => 0));
    // As after a restore from an older backup: a checkpoint past the end of the store.
    const projection: Projection = { name: `restored-${randomUUID()}`, handles: ['*'], apply: async () => undefined, reset: async () => undefined };
    const head = await t.infra.eventStore.headPosition();
    await t.infra.dataSource.query(`INSERT INTO projection_checkpoints (name, commit_position, prepare_position) VALUES ($1, $2, $3)`, [
      projection.name,
      (head.commit + 1000n).toString(),
      '1',
    ]);
    const runner = new ProjectionRunner(t.infra.eventStore, t.infra.dataSource);
    const metrics = new Metrics({ ...t.infra, projections: [projection], runner });
    try {
      await expect(runner.run(projection, { untilCaughtUp: true })).rejects.toBeInstanceOf(CheckpointNotInStoreError);
      expect(value(parse(await metrics.render()), 'projection_checkpoint_refused', { projection: projection.name })).toBe(1);
      expect(await runner.rebuild(projection)).toBe('caught-up');
      expect(value(parse(await metrics.render()), 'projection_checkpoint_refused', { projection: projection.name })).toBe(0);
    } finally {
      metrics.registry.clear();
      await t.infra.dataSource.query(`DELETE FROM projection_checkpoints WHERE name = $1`, [projection.name]);
    }
  });

  it('counts refusals by reason, and the sign-ins that locked an account', async () => {
    const before = (await scrape()).samples;
    expect((await t.http().get('/v1/operators').set(auth(operator))).body.code).toBe('ROLE_NOT_ALLOWED');
    let samples = (await scrape()).samples;
    expect(value(samples, 'access_refusals_total', { reason: 'ROLE_NOT_ALLOWED' })).toBe(
      value(before, 'access_refusals_total', { reason: 'ROLE_NOT_ALLOWED' })! + 1,
    );
    expect(value(samples, 'access_refusals_total', { reason: 'NETWORK_NOT_ALLOWED' })).toBe(0); // every reason has its series

    const userId = uniqueUserId('metrics-locked');
    await t.http().post('/v1/operators').set(auth(seededAuditor)).send({ userId, password: 'metrics-password-3', role: 'DUKCAPIL_AUDITOR' }).expect(201);
    for (let i = 0; i < 5; i++) expect((await t.http().post('/v1/auth/login').send({ userId, password: 'wrong-password-1' })).body.code).toBe('LOGIN_FAILED');
    expect((await t.http().post('/v1/auth/login').send({ userId, password: 'metrics-password-3' })).body.code).toBe('ACCOUNT_LOCKED');
    const { text, samples: after } = await scrape();
    samples = after;
    expect(value(samples, 'operator_lockouts_total')).toBe(value(before, 'operator_lockouts_total')! + 1);
    expect(value(samples, 'access_refusals_total', { reason: 'ACCOUNT_LOCKED' })).toBe(
      value(before, 'access_refusals_total', { reason: 'ACCOUNT_LOCKED' })! + 1,
    );
    expect(text).not.toContain(operatorId);
    expect(text).not.toContain(userId);

    // Guesses at a user id that does not exist lock it like a real one, and count the same.
    const unknown = uniqueUserId('metrics-nobody');
    for (let i = 0; i < 5; i++)
      expect((await t.http().post('/v1/auth/login').send({ userId: unknown, password: 'wrong-password-1' })).body.code).toBe('LOGIN_FAILED');
    expect((await t.http().post('/v1/auth/login').send({ userId: unknown, password: 'wrong-password-1' })).body.code).toBe('ACCOUNT_LOCKED');
    const guessed = (await scrape()).samples;
    expect(value(guessed, 'operator_lockouts_total')).toBe(value(before, 'operator_lockouts_total')! + 2);
    expect((await scrape()).text).not.toContain(unknown);
  });

  it('lets signed-in administrators and auditors scrape, refuses other roles (403) and anonymous scrapes (401)', async () => {
    await scrape(auditor);
    expect((await t.http().get('/metrics')).body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect((await t.http().get('/metrics').set(auth(operator))).body).toMatchObject({ statusCode: 403, code: 'ROLE_NOT_ALLOWED' });
    // Without METRICS_TOKEN there is no scrape token: any other bearer is an unknown session.
    expect(
      (
        await t
          .http()
          .get('/metrics')
          .set(auth(randomBytes(32).toString('hex')))
      ).status,
    ).toBe(401);
  });
});

describe('The static scrape token (METRICS_TOKEN)', () => {
  const token = randomBytes(32).toString('hex');
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ METRICS_TOKEN: token });
  });
  afterAll(async () => t?.close());

  it('refuses anonymous scrapes (401) and accepts the scrape token only on /metrics', async () => {
    const res = await t.http().get('/metrics').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_requests_total');
    expect((await t.http().get('/metrics')).status).toBe(401);
    const wrong = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    expect((await t.http().get('/metrics').set('authorization', `Bearer ${wrong}`)).status).toBe(401);
    expect((await t.http().get('/metrics').set('authorization', token)).status).toBe(401); // not a bearer
    for (const path of ['/v1/agreements', '/v1/operators', '/v1/compliance/refusals']) {
      const elsewhere = await t.http().get(path).set('authorization', `Bearer ${token}`);
      expect({ path, status: elsewhere.status }).toEqual({ path, status: 401 });
    }
    // A signed-in administrator still may.
    const admin = await t.login('admin', ADMIN_PASSWORD);
    expect((await t.http().get('/metrics').set('authorization', `Bearer ${admin}`)).status).toBe(200);
  });

  it('must be at least 32 characters: a shorter one stops the start with a line naming it', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'too-short-a-scrape-token' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'too-short-a-scrape-token' })).toThrow(/^METRICS_TOKEN: /);
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
  });
});
