import { createHash } from 'node:crypto';
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './until';

/**
 * Suites share one database, and a delivery worker claims whatever outbox row is ready: a second suite's
 * worker would send the first suite's balikan to its own simulator. So at most one app per test run
 * delivers at a time: a lock file per run (named after the shared database), held while the app is up,
 * taken over when the process that held it is gone. Re-entrant within one jest worker.
 */
let held = 0;

function lockPath() {
  const run = createHash('sha256')
    .update(process.env.TEST_EMBEDDED_URL ?? 'default')
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `nik-test-delivery-${run}.lock`);
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryTake(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch {
    const holder = Number(readFileSync(path, { encoding: 'utf8', flag: 'a+' }) || 0);
    if (holder && !alive(holder)) rmSync(path, { force: true }); // the holder died: take it on the next try
    return false;
  }
}

/** Waits (up to 10 minutes: the other delivering suite runs to its end) for the run's delivery lock. */
export async function takeDeliveryLock(): Promise<() => void> {
  const path = lockPath();
  if (held === 0) await until(() => tryTake(path), { what: 'the other delivering suite to finish (delivery lock)', timeoutMs: 600_000, everyMs: 200 });
  held++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--held === 0) rmSync(path, { force: true });
  };
}
