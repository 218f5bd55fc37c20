import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id with OWASP's m=46 MiB, t=1, p=1 (one of its equivalent recommended settings), one hashing at
 * a time. Measured under the soak: the library's default (64 MiB, four lanes) let concurrent sign-ins
 * push the gateway from 190 MB to peaks of 385 MB; 19 MiB blocks were kept by the allocator's per-thread
 * arenas (a 290 MB plateau). A 46 MiB block is above glibc's mmap threshold, so it is handed back to the
 * system when the hashing ends. Hashes made with other settings still verify.
 */
const OPTIONS = { type: argon2.argon2id, memoryCost: 47_104, timeCost: 1, parallelism: 1 } as const;

/** One hashing at a time, so the memory it takes stays bounded whatever the sign-in rate (each takes ~40 ms). */
const CONCURRENT_HASHINGS = 1;
let running = 0;
let computed = 0;
const waiting: (() => void)[] = [];

async function bounded<T>(work: () => Promise<T>): Promise<T> {
  // A finishing hashing hands its slot straight to the next in line, so the bound always holds.
  if (running >= CONCURRENT_HASHINGS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  computed++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** How many hashings run right now (for the test that holds the bound). */
export const hashingsRunning = () => running;
/** How many hashings this process has computed (tests count the work each sign-in path does). */
export const hashingsComputed = () => computed;

export function hashPassword(password: string): Promise<string> {
  return bounded(() => argon2.hash(password, OPTIONS));
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return bounded(() => argon2.verify(hash, password)).catch(() => false);
}

let dummy: Promise<string> | undefined;
/**
 * A hash made with the same settings as every account's, of a random password nobody knows: a sign-in
 * for a user id that does not exist verifies against it, so it does the same hashing work as a real one.
 */
export function hashOfNothing(): Promise<string> {
  dummy ??= argon2.hash(randomBytes(32).toString('base64url'), OPTIONS);
  return dummy;
}
