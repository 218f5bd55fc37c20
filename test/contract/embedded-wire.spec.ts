import { connect, type Socket } from 'node:net';
import { Client, Pool } from 'pg';

/**
 * The embedded server serves every connection on one PGlite session. These are the guarantees the rest
 * of the code relies on when several pooled connections talk to it at once.
 */
describe('The embedded PostgreSQL server under concurrent connections', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = new Pool({ connectionString: process.env.TEST_EMBEDDED_URL, max: 8 });
  });
  afterAll(() => pool.end());

  it("never binds one connection's parameters to another connection's statement", async () => {
    const big = 'x'.repeat(200_000); // spans many TCP chunks, so a sequence arrives in pieces
    const queries = Array.from({ length: 400 }, async (_, i) => {
      if (i % 2 === 0) {
        const { rows } = await pool.query('SELECT length($1::text) AS n, $2::int AS i', [big, i]);
        expect(rows[0]).toEqual({ n: 200_000, i });
      } else {
        const { rows } = await pool.query('SELECT $1::int + $2::int + $3::int AS s', [i, 1, 2]);
        expect(rows[0]).toEqual({ s: i + 3 });
      }
    });
    await Promise.all(queries);
  });

  it('keeps concurrent transactions apart (no lost update)', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS wire_counter (id int PRIMARY KEY, n int NOT NULL)');
    await pool.query('INSERT INTO wire_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0');
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT n FROM wire_counter WHERE id = 1 FOR UPDATE');
          await client.query('UPDATE wire_counter SET n = $1 WHERE id = 1', [rows[0].n + 1]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }),
    );
    const { rows } = await pool.query('SELECT n FROM wire_counter WHERE id = 1');
    expect(rows[0].n).toBe(40);
  });

  it('rolls back and moves on when a connection dies inside a transaction', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS wire_orphans (n int)');
    const client = new Client({ connectionString: process.env.TEST_EMBEDDED_URL });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO wire_orphans VALUES (1)');
    (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    // Everyone else can still work, and the orphan's insert never happened.
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM wire_orphans');
    expect(rows[0].n).toBe(0);
  }, 15_000);

  it('moves on when a connection dies in the middle of a protocol sequence (Parse sent, no Sync)', async () => {
    const url = new URL(process.env.TEST_EMBEDDED_URL!);
    const socket = connect(`${decodeURIComponent(url.hostname)}/.s.PGSQL.${url.port}`); // the embedded server's Unix socket
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const ready = waitFor(socket, 'Z'.charCodeAt(0));
    socket.write(startupMessage('postgres', 'postgres'));
    await ready;
    const parsed = waitFor(socket, '1'.charCodeAt(0)); // ParseComplete: the session is now mid-sequence for this connection
    socket.write(message('P', Buffer.concat([cstring(''), cstring('SELECT $1::int'), Buffer.from([0, 0])])));
    socket.write(message('H', Buffer.alloc(0)));
    await parsed;
    socket.destroy();
    const { rows } = await pool.query('SELECT $1::int + $2::int AS s', [40, 2]);
    expect(rows[0].s).toBe(42);
  }, 15_000);
});

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function startupMessage(user: string, database: string): Buffer {
  const body = Buffer.concat([cstring('user'), cstring(user), cstring('database'), cstring(database), Buffer.from([0])]);
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
}

/** Resolves once a backend message of the given type has arrived. */
function waitFor(socket: Socket, type: number): Promise<void> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5) {
        const length = buffer.readInt32BE(1);
        if (buffer.length < length + 1) break;
        if (buffer[0] === type) {
          socket.off('data', onData);
          return resolve();
        }
        buffer = buffer.subarray(length + 1);
      }
    };
    socket.on('data', onData);
  });
}
