import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distPath, runScript } from '../support/processes';

const cli = distPath('src', 'cli.js');
const worker = distPath('test', 'support', 'projection-worker.js');

/** The operator's command line, as a real process on an embedded data directory. */
describe('The operations CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nik-cli-'));
    env = { DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
    expect((await runScript(worker, ['seed', '1200'], env)).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a projection from zero over every event in the store, showing progress', async () => {
    const result = await runScript(cli, ['projections:rebuild', 'event-volume'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/event-volume\s+\[[=\-\u2588\u2591 ]*\] 100% \| 1200\/1200 events/);
    expect(result.stdout).toMatch(/event-volume: 1200 events replayed in/);
  });

  it('lists each projection with how far behind the store it is', async () => {
    const result = await runScript(cli, ['projections:list'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/event-volume.*'0'/); // just rebuilt: 0 events behind
  });

  it('names the projections it knows when asked for one that does not exist', async () => {
    const result = await runScript(cli, ['projections:rebuild', 'nope'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('no projection named "nope"; known: access-registers, event-volume, reporting, notary');
  });
});
