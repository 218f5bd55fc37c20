/**
 * The floor of an audited NIK lookup: the least any gateway must do per lookup, with no framework, as
 * its own process. For each POST: the bearer token checked against an in-memory map, the NIK's shape
 * checked, the registry (the same simulator, started inside this process as the gateway starts it)
 * called over HTTP with a keep-alive agent, its answer read with the gateway's lossless reader (a NIK of
 * provinces 91/92 passes 2^53: a float would corrupt it), ONE prepared INSERT of the event (no personal
 * field) into the event table (its DDL, in a schema of its own) through a `pg` pool of the gateway's size, and the nine
 * fields answered with `Cache-Control: no-store`.
 *
 *   FLOOR_DATABASE_URL=postgres://…   the same server and settings as the gateway
 *   FLOOR_DATA_DIR=/tmp/…             else its own embedded PGlite, through the same socket server
 * Prints one line `floor listening {"url":…,"token":…,"nik":…}` once it serves (the NIK is synthetic).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';
import { schemaDdl } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { parseLossless, readCallNikAnswer } from '../../src/infrastructure/registry/registry-answer';
import { startRegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';

const POOL_SIZE = 10; // the gateway's event-store pool (src/infrastructure/infrastructure.ts)

/** The event table itself (its keys, indexes and immutability triggers), in a schema of the floor's own. */
const TABLE = schemaDdl('"floor"');

const INSERT = `INSERT INTO "floor".es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at, correlation_id)
                VALUES ($1, $2, 0, 'NikLookupPerformed', 1, $3, $4, $5)`;

async function main(): Promise<void> {
  const embedded = process.env.FLOOR_DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: process.env.FLOOR_DATA_DIR! });
  const pool = new Pool({ connectionString: process.env.FLOOR_DATABASE_URL || embedded!.url, max: POOL_SIZE });
  await pool.query(TABLE);
  // Named (prepared once per connection) on a server; PGlite's connections share one session, so there unnamed, as the gateway does.
  const insert = (values: unknown[]) => (embedded ? { text: INSERT, values } : { name: 'floor_insert', text: INSERT, values });

  const simulator = await startRegistrySimulator({ userId: 'floor', password: 'floor' });
  const registryUrl = new URL(`${simulator.url}/dukcapil/get_json/FLOOR/CALL_NIK`);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const callRegistry = (nik: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ NIK: nik, user_id: 'floor', password: 'floor', IP_USER: '127.0.0.1' });
      const req = httpRequest(
        registryUrl,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(text));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const token = randomBytes(24).toString('base64url');
  const sessions = new Map([[token, { operatorId: randomUUID(), facilityId: randomUUID() }]]);

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    response.end(text);
  };
  const readBody = (request: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (text += chunk));
      request.on('end', () => resolve(text));
      request.on('error', reject);
    });

  const server = createServer((request, response) => {
    void (async () => {
      const caller = sessions.get(/^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
      if (!caller) return answer(response, 401, { code: 'UNAUTHENTICATED' });
      const nik = (JSON.parse(await readBody(request)) as { nik?: unknown }).nik;
      if (typeof nik !== 'string' || !/^\d{16}$/.test(nik)) return answer(response, 400, { code: 'NIK_NOT_16_DIGITS' });
      const read = readCallNikAnswer(parseLossless(await callRegistry(nik)));
      const accessId = randomUUID();
      const data = { accessId, facilityId: caller.facilityId, operatorId: caller.operatorId, holderOrigin: 'IN_REGENCY', outcome: read.outcome };
      await pool.query(insert([randomUUID(), `access-${accessId}`, data, new Date().toISOString(), randomUUID()]));
      if (read.outcome === 'FOUND') return answer(response, 200, { accessId, outcome: read.outcome, person: read.person });
      return answer(response, 404, { code: 'NIK_NOT_FOUND', accessId });
    })().catch(() => answer(response, 500, { code: 'INTERNAL' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`floor listening ${JSON.stringify({ url, token, nik: simulator.samples.found[0] })}`);

  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void (async () => {
      await pool.end();
      await simulator.stop();
      await embedded?.stop();
      process.exit(0);
    })();
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
