/**
 * The work of the floor of an audited NIK lookup, without the HTTP server around it: the bearer token
 * checked against an in-memory map, the NIK's shape, the registry (the same simulator, started inside
 * this process as the gateway starts it) called over HTTP with a keep-alive agent, its answer read with
 * the gateway's lossless reader (a NIK of provinces 91/92 passes 2^53: a float would corrupt it), ONE
 * prepared INSERT of the event (no personal field) into the event table (its DDL, in a schema of its own)
 * through a `pg` pool of the gateway's size, and the nine fields to answer. Served by `lookup-floor.ts`
 * (node:http, no framework) and by `nest-floor.ts` (the same work on NestJS and Fastify).
 *
 *   FLOOR_DATABASE_URL=postgres://…   the same server and settings as the gateway
 *   FLOOR_DATA_DIR=/tmp/…             else its own embedded PGlite, through the same socket server
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';
import { schemaDdl } from '../../src/infrastructure/event-store/postgres/postgres-event-store.adapter';
import { parseLossless, readCallNikAnswer } from '../../src/infrastructure/registry/registry-answer';
import { startRegistrySimulator } from '../../src/infrastructure/registry/simulator/registry-simulator';

const POOL_SIZE = 10; // the gateway's event-store pool (src/infrastructure/infrastructure.ts)

export interface FloorCaller {
  readonly operatorId: string;
  readonly facilityId: string;
}

export interface FloorAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface FloorWork {
  /** The one valid bearer token, and a NIK the simulator finds (synthetic). */
  readonly token: string;
  readonly nik: string;
  /** The caller whose `Authorization` header this is, or undefined. */
  caller(authorization: string | undefined): FloorCaller | undefined;
  /** A lookup by a known caller: its answer (a NIK not of 16 digits is a 400, recorded nowhere). */
  lookup(nik: unknown, caller: FloorCaller): Promise<FloorAnswer>;
  /** Prints the line bench/lookup waits for: `floor listening {"url":…,"token":…,"nik":…}`. */
  announce(url: string): void;
  close(): Promise<void>;
}

export async function openFloorWork(schema: string): Promise<FloorWork> {
  const embedded = process.env.FLOOR_DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: process.env.FLOOR_DATA_DIR! });
  const pool = new Pool({ connectionString: process.env.FLOOR_DATABASE_URL || embedded!.url, max: POOL_SIZE });
  await pool.query(schemaDdl(`"${schema}"`));
  const text = `INSERT INTO "${schema}".es_events (event_id, stream_id, revision, type, schema_version, data, occurred_at, correlation_id)
                VALUES ($1, $2, 0, 'NikLookupPerformed', 1, $3, $4, $5)`;
  // Named (prepared once per connection) on a server; PGlite's connections share one session, so there unnamed, as the gateway does.
  const insert = (values: unknown[]) => (embedded ? { text, values } : { name: `${schema}_insert`, text, values });

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
          let answer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (answer += chunk));
          res.on('end', () => resolve(answer));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const token = randomBytes(24).toString('base64url');
  const sessions = new Map([[token, { operatorId: randomUUID(), facilityId: randomUUID() }]]);
  const nik = simulator.samples.found[0]!;

  return {
    token,
    nik,
    caller: (authorization) => sessions.get(/^Bearer (\S+)$/.exec(authorization ?? '')?.[1] ?? ''),
    async lookup(given, caller) {
      if (typeof given !== 'string' || !/^\d{16}$/.test(given)) return { status: 400, body: { code: 'NIK_NOT_16_DIGITS' } };
      const read = readCallNikAnswer(parseLossless(await callRegistry(given)));
      const accessId = randomUUID();
      const data = { accessId, facilityId: caller.facilityId, operatorId: caller.operatorId, holderOrigin: 'IN_REGENCY', outcome: read.outcome };
      await pool.query(insert([randomUUID(), `access-${accessId}`, data, new Date().toISOString(), randomUUID()]));
      if (read.outcome === 'FOUND') return { status: 200, body: { accessId, outcome: read.outcome, person: read.person } };
      return { status: 404, body: { code: 'NIK_NOT_FOUND', accessId } };
    },
    announce: (url) => console.log(`floor listening ${JSON.stringify({ url, token, nik })}`),
    async close() {
      await pool.end();
      await simulator.stop();
      await embedded?.stop();
    },
  };
}
