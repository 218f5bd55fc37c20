import { Pool } from 'pg';

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

  it('never binds one connection\'s parameters to another connection\'s statement', async () => {
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
});
