import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { whileProgressing, type ProgressOptions } from './until';

/** Compiled files under dist/, whether this module runs from its source (jest) or compiled (scripts). */
const root = __dirname.includes(`${sep}dist${sep}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
export const distPath = (...parts: string[]) => join(root, 'dist', ...parts);

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled script to its end. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * Runs a compiled script to its end while it progresses: its output (and `progressFile`, which it may
 * append a line to at each step; with `cpu`, the CPU time it used, for a script that prints only at its
 * end) must grow at least every `stallMs`. A stalled script is killed, and the failure names what stalled
 * and the last line it printed; a slow one is waited for.
 */
export async function runScriptWhileProgressing(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  { progressFile, cpu = false, ...options }: ProgressOptions & { progressFile?: string; cpu?: boolean },
): Promise<Finished> {
  const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let finished: Finished | null = null;
  let failed: Error | null = null;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.on('error', (error) => (failed = error));
  child.on('exit', (code, signal) => (finished = { code, signal, stdout, stderr }));
  const fileSize = () => {
    try {
      return progressFile ? statSync(progressFile).size : 0;
    } catch {
      return 0; // not written yet
    }
  };
  try {
    return await whileProgressing(
      () => {
        if (failed) throw failed;
        return { done: finished, progress: [stdout.length + stderr.length + fileSize(), cpu ? cpuTicks(child.pid) : 0] };
      },
      { everyMs: 250, ...options },
    );
  } catch (error) {
    if (!finished) child.kill('SIGKILL');
    const last = (progressFile ? readLastLine(progressFile) : '') || `${stdout}${stderr}`.trim().split('\n').pop();
    throw new Error(`${(error as Error).message}; last step: ${last}`, { cause: error });
  }
}

/** User and system CPU time a process used so far, in clock ticks (0 once it is gone). */
function cpuTicks(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function readLastLine(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
  } catch {
    return '';
  }
}

/** Node flags for started children, e.g. CHILD_NODE_ARGS=--cpu-prof to profile the service under a benchmark. */
const childNodeArgs = (process.env.CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * The Node flags `npm start` (and the Docker image) run the gateway with: its heap bound. Tests, the demo
 * and the benchmarks start the gateway with these same flags, so what they prove holds for what operators run.
 */
export function gatewayNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const flags = /\bnode((?: --\S+)*) dist\/src\/main\.js/.exec(scripts.start ?? '');
  if (!flags) throw new Error(`package.json's start script does not run node … dist/src/main.js: ${scripts.start}`);
  return flags[1]!.split(' ').filter(Boolean);
}

/**
 * Starts the gateway as `npm start` does (or with other Node flags) and resolves once it listens, with what
 * tests need from its start-up: its port and URL, and the built-in registry simulator's URL when it runs
 * one (no REGISTRY_URL), so no test reads these out of the log.
 */
export async function startGateway(env: NodeJS.ProcessEnv, nodeFlags = gatewayNodeFlags()) {
  const started = await startUntil(distPath('src', 'main.js'), [], env, /listening on port \d+/, nodeFlags);
  const port = Number(/listening on port (\d+)/.exec(started.output)![1]);
  const simulatorUrl = /"samples":"(http:\/\/127\.0\.0\.1:\d+)\/simulator\/samples"/.exec(started.output)?.[1];
  return { ...started, port, url: `http://127.0.0.1:${port}`, simulatorUrl };
}

/** Starts a compiled script and resolves when a line of its stdout matches; the child keeps running. */
export function startUntil(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  line: RegExp,
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; exited: Promise<Finished>; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...childNodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let matched = false;
    const exited = new Promise<Finished>((done) => child.on('exit', (code, signal) => done({ code, signal, stdout, stderr })));
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (!matched && line.test(stdout)) {
        matched = true;
        resolve({ child, exited, output: stdout });
      }
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    void exited.then((f) => {
      if (!matched) reject(new Error(`process exited (${f.code ?? f.signal}) before printing ${line}: ${f.stderr.slice(-2000)}`));
    });
  });
}

/** The processes whose parent is `pid` and whose command line runs `script`. */
export function childrenRunning(pid: number, script: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
        return ppid === pid && commandLineOf(Number(entry)).includes(script);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}

/**
 * The environment of a jest run started inside this one (npm test, test:stress): this run's own, less what
 * belongs to this run alone: its worker id, and its TEST_ variables (its database, its OpenAPI file, CI's
 * TEST_TOOLS_REQUIRED), which a nested run must neither use nor remove in its teardown.
 */
export function nestedRunEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  delete inherited.JEST_WORKER_ID;
  for (const key of Object.keys(inherited)) if (key.startsWith('TEST_')) delete inherited[key];
  return { ...inherited, ...env };
}

/** A process's command line (its arguments joined by NUL), or '' once it has ended: it may end while we look. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** The state letter of a process (`R` running, `S` sleeping, `Z` ended but not yet reaped), or null once gone. */
export function processState(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0]!;
  } catch {
    return null;
  }
}

/** Whether a process still runs: it exists and has not ended (a zombie has). */
export const isRunning = (pid: number) => ![null, 'Z', 'X'].includes(processState(pid));

/** The running processes of a process group, e.g. everything a command started in its own group started. */
export function processGroup(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const [state, , pgrp] = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);
}
