import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointSigner, type Checkpoint } from '../../src/modules/audit/checkpoint';
import { describeOnEachStorage, isolatedStorage } from '../support/isolated-storage';
import { distPath, runScript, startGateway } from '../support/processes';

const cli = distPath('src', 'cli.js');
const storeSql = distPath('test', 'support', 'store-sql.js');
const PUBLIC_KEY = process.env.TEST_AUDIT_PUBLIC_KEY!;

/**
 * The log a Disdukcapil auditor takes away and checks offline, tampered with in every way we guard against:
 * in the export (a field changed, an event deleted, two swapped, the tail cut, a checkpoint forged) and in
 * the live store underneath the gateway (an event altered, an event deleted). Each time the verifier names
 * the first bad event or checkpoint; untouched, the export verifies.
 */
describeOnEachStorage('Tampering with the audit log', (server) => {
  const isServer = server !== undefined;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  const work = mkdtempSync(join(tmpdir(), 'nik-audit-'));
  const original = join(work, 'original');
  let lines: string[];

  const verify = async (dir: string) => {
    const run = await runScript(cli, ['audit', 'verify', dir, '--public-key', PUBLIC_KEY], {});
    return { code: run.code, line: run.stdout.split('\n')[0]!, failure: run.code === 1 ? JSON.parse(run.stdout.split('\n')[1]!) : null };
  };
  /** A copy of the original export with events.ndjson (and/or checkpoints.json) rewritten. */
  const tampered = (name: string, edit: (lines: string[]) => string[], checkpoints?: (list: Checkpoint[]) => Checkpoint[]) => {
    const dir = join(work, name);
    cpSync(original, dir, { recursive: true });
    writeFileSync(join(dir, 'events.ndjson'), `${edit([...lines]).join('\n')}\n`);
    if (checkpoints) writeFileSync(join(dir, 'checkpoints.json'), JSON.stringify(checkpoints(JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8')))));
    return dir;
  };
  const sql = async (statement: string) => {
    const run = await runScript(storeSql, [statement], env);
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    const storage = await isolatedStorage(isServer ? server : undefined, 'audit');
    cleanup = storage.cleanup;
    env = {
      ...storage.env,
      LOG_LEVEL: 'warn',
      AUDIT_CHECKPOINT_EVENTS: '10',
      INITIAL_ADMIN_PASSWORD: 'audit-dinkes-password',
      ...(isServer ? { BALIKAN_KEY: Buffer.alloc(32, 5).toString('base64'), ACCESS_TOKEN_KEY: Buffer.alloc(32, 6).toString('base64') } : {}),
    };
    // The service seeds the registers; a few sign-ins add to the log. Then it stops: the CLI notarises the rest.
    const { child, exited, url } = await startGateway({ ...env, PORT: '0', LOG_LEVEL: 'info' });
    for (const password of ['wrong-password-1', 'audit-dinkes-password', 'wrong-password-2', 'audit-dinkes-password']) {
      await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'admin', password }),
      });
    }
    child.kill('SIGTERM');
    await exited;
    const exported = await runScript(cli, ['audit', 'export', '--to', original], env);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    lines = readFileSync(join(original, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(40);
  }, 120_000);
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await cleanup?.();
  });

  it('verifies an untouched export with the public key the auditor pinned, and refuses it with another key', async () => {
    const result = await verify(original);
    expect(result.code).toBe(0);
    expect(result.line).toMatch(new RegExp(`^OK: ${lines.length} events and \\d+ signed checkpoints verified; latest checkpoint: tree size ${lines.length},`));
    const stranger = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const wrongKey = await runScript(cli, ['audit', 'verify', original, '--public-key', stranger], {});
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain('is not signed by the given public key');
  });

  it('names the event whose field was changed in the export', async () => {
    const dir = tampered('changed', (l) =>
      l.map((line, i) => (i === 17 ? line.replace(/"schemaVersion":(\d+)/, (_, v) => `"schemaVersion":${Number(v) + 1}`) : line)),
    );
    expect((await verify(dir)).failure).toMatchObject({ kind: 'EVENT', index: 17, message: expect.stringContaining('was altered') });
  });

  it('names the place of an event deleted from the export, and of two events swapped', async () => {
    expect((await verify(tampered('deleted', (l) => l.filter((_, i) => i !== 23)))).failure).toMatchObject({ kind: 'EVENT', index: 23 });
    expect((await verify(tampered('swapped', (l) => [...l.slice(0, 30), l[31]!, l[30]!, ...l.slice(32)]))).failure).toMatchObject({ kind: 'EVENT', index: 30 });
  });

  it('says where an export was cut short, when a signed checkpoint reaches beyond its end', async () => {
    const kept = lines.length - 12;
    const result = await verify(tampered('truncated', (l) => l.slice(0, kept)));
    expect(result.failure).toMatchObject({ kind: 'CHECKPOINT', index: kept, message: expect.stringContaining(`truncated after event #${kept - 1}`) });
  });

  it('names a checkpoint forged with another key', async () => {
    const forger = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
    const dir = tampered(
      'forged',
      (l) => l,
      (list) => list.map((c, i) => (i === 1 ? forger.sign({ ...c, signedAt: new Date().toISOString() }) : c)),
    );
    const forgedSize = (JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8')) as Checkpoint[])[1]!.treeSize;
    expect((await verify(dir)).failure).toMatchObject({
      kind: 'CHECKPOINT',
      treeSize: forgedSize,
      message: expect.stringContaining('not signed by the given public key'),
    });
  });

  it('names what was changed in the live store underneath the gateway: a forged checkpoint, an altered event, a cut tail, two events swapped, a deleted event; a rebuild of the notary refuses the changed log', async () => {
    const id = (i: number) => JSON.parse(lines[i]!).eventId as string;
    const n = lines.length;
    const exportAndVerify = async (name: string) => {
      const dir = join(work, name);
      expect((await runScript(cli, ['audit', 'export', '--to', dir], env)).code).toBe(0);
      return (await verify(dir)).failure;
    };
    const unguarded = (statements: string) => sql(`ALTER TABLE es_events DISABLE TRIGGER USER; ${statements}; ALTER TABLE es_events ENABLE TRIGGER USER`);

    // Each change is made later in the log than the one before it, so each is the first failure when it is made.
    const [signed] = (await sql(`SELECT tree_size::int AS size, root_hash, chain_head, signed_at, signature FROM audit_checkpoints WHERE tree_size = 20`)) as {
      signature: string;
    }[];
    const forged = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey).sign(
      JSON.parse(readFileSync(join(original, 'checkpoints.json'), 'utf8')).find((c: Checkpoint) => c.treeSize === 20),
    );
    await sql(`UPDATE audit_checkpoints SET signature = '${forged.signature}' WHERE tree_size = 20`);
    expect(await exportAndVerify('live-forged')).toMatchObject({
      kind: 'CHECKPOINT',
      treeSize: 20,
      message: expect.stringContaining('not signed by the given public key'),
    });
    await sql(`UPDATE audit_checkpoints SET signature = '${signed!.signature}' WHERE tree_size = 20`);

    await unguarded(`UPDATE es_events SET occurred_at = occurred_at + interval '1 hour' WHERE event_id = '${id(12)}'`);
    expect(await exportAndVerify('live-altered')).toMatchObject({ kind: 'EVENT', index: 12, eventId: id(12), message: expect.stringContaining('was altered') });
    await unguarded(`UPDATE es_events SET occurred_at = occurred_at - interval '1 hour' WHERE event_id = '${id(12)}'`);

    await unguarded(
      `DELETE FROM es_events WHERE event_id IN (${lines
        .slice(n - 5)
        .map((_, k) => `'${id(n - 5 + k)}'`)
        .join(', ')})`,
    );
    expect(await exportAndVerify('live-cut')).toMatchObject({ kind: 'EVENT', index: n - 5, message: expect.stringContaining('no longer in the log') });

    // Two neighbours appended in different transactions trade places in the global order.
    const tx = (await sql(
      `SELECT event_id, transaction_id::text AS t FROM es_events WHERE event_id IN (${lines
        .slice(30, 45)
        .map((l) => `'${JSON.parse(l).eventId}'`)
        .join(', ')})`,
    )) as { event_id: string; t: string }[];
    const txOf = new Map(tx.map((r) => [r.event_id, r.t]));
    const at = [...Array(14).keys()].map((k) => 30 + k).find((i) => txOf.get(id(i)) !== txOf.get(id(i + 1)))!;
    await unguarded(
      `UPDATE es_events SET transaction_id = CASE event_id WHEN '${id(at)}' THEN (SELECT transaction_id FROM es_events WHERE event_id = '${id(at + 1)}') ELSE (SELECT transaction_id FROM es_events WHERE event_id = '${id(at)}') END WHERE event_id IN ('${id(at)}', '${id(at + 1)}')`,
    );
    expect(await exportAndVerify('live-swapped')).toMatchObject({ kind: 'EVENT', index: at });

    await unguarded(`DELETE FROM es_events WHERE event_id = '${id(20)}'`);
    expect(await exportAndVerify('live-deleted')).toMatchObject({ kind: 'EVENT', index: 20, eventId: id(20) });

    // Re-computing the notary's digests from the changed store is held to the checkpoints signed before.
    const rebuild = await runScript(cli, ['projections:rebuild', 'notary'], env);
    expect(rebuild.code).toBe(1);
    expect(rebuild.stderr).toContain('The log differs from the checkpoint signed at tree size 30');
  }, 180_000);
});
