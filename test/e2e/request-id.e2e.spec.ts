import { randomUUID } from 'node:crypto';
import { ADMIN_PASSWORD, startApp, uniqueUserId, type TestApp } from '../support/app';

/** The request id ties what a request recorded to the request (and to its log line). */
describe('The X-Request-Id a client sends', () => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startApp();
    const admin = await t.login('admin', ADMIN_PASSWORD);
    const userId = uniqueUserId('request-id-auditor');
    await t.http().post('/v1/operators').set('authorization', `Bearer ${admin}`).send({ userId, password: 'request-id-password-1', role: 'DUKCAPIL_AUDITOR' }).expect(201);
    auditor = await t.login(userId, 'request-id-password-1');
  });
  afterAll(async () => t?.close());

  const evaluation = { kind: 'AD_HOC', findings: [{ obligation: 'CONFIDENTIALITY', finding: 'MET' }] };
  const eventsOf = async (evaluationId: string): Promise<{ type: string; correlation_id: string | null }[]> =>
    t.infra.dataSource.query(`SELECT type, correlation_id FROM es_events WHERE stream_id LIKE $1`, [`%${evaluationId}`]);

  it('is the correlation id of the events the request recorded', async () => {
    const requestId = randomUUID();
    const { evaluationId } = (await t.http().post('/v1/evaluations').set('authorization', `Bearer ${auditor}`).set('x-request-id', requestId).send(evaluation).expect(201)).body;
    expect(await eventsOf(evaluationId)).toEqual([{ type: 'EvaluationRecorded', correlation_id: requestId }]);
  });

  it('is replaced by one of the gateway\'s own when it is not a UUID, and the request is served all the same', async () => {
    for (const given of ['not-a-uuid', '3313011209900001', `${randomUUID()}, ${randomUUID()}`]) {
      const res = await t.http().post('/v1/evaluations').set('authorization', `Bearer ${auditor}`).set('x-request-id', given).send(evaluation);
      expect({ given, status: res.status }).toEqual({ given, status: 201 });
      const [event] = await eventsOf(res.body.evaluationId);
      expect(event!.correlation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
