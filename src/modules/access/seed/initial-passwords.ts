import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one-time passwords of the first accounts (`admin`, `auditor`): kept in owner-only files under
 * DATA_DIR/initial-passwords/, never in the log or on stdout, so a start that fails after seeding loses
 * nothing. `npm run cli -- admin:reset` / `auditor:reset` writes a new one there.
 */
export const initialPasswordPath = (dataDir: string, userId: string) => join(dataDir, 'initial-passwords', userId);

export function writeInitialPassword(dataDir: string, userId: string, password: string): string {
  const dir = join(dataDir, 'initial-passwords');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // whatever the umask or an earlier mode
  const path = initialPasswordPath(dataDir, userId);
  // Written beside and renamed: the file holds either the old or the new password, never half of one.
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${password}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

export function readInitialPassword(dataDir: string, userId: string): string | undefined {
  try {
    return readFileSync(initialPasswordPath(dataDir, userId), 'utf8').trim();
  } catch {
    return undefined;
  }
}
