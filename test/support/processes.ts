import { spawn, type ChildProcess } from 'node:child_process';
import { join, sep } from 'node:path';

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

/** Node flags for started children, e.g. CHILD_NODE_ARGS=--cpu-prof to profile the service under a benchmark. */
const childNodeArgs = (process.env.CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** Starts a compiled script and resolves when a line of its stdout matches; the child keeps running. */
export function startUntil(script: string, args: string[], env: NodeJS.ProcessEnv, line: RegExp): Promise<{ child: ChildProcess; exited: Promise<Finished>; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...childNodeArgs, script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
