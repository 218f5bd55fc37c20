/**
 * The floor of an audited NIK lookup: the least any gateway must do per lookup (floor-work.ts), with no
 * framework, as its own process: `node:http`, and the answer sent with `Cache-Control: no-store`.
 * Prints one line `floor listening {"url":…,"token":…,"nik":…}` once it serves (the NIK is synthetic).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openFloorWork } from './floor-work';

async function main(): Promise<void> {
  const work = await openFloorWork('floor');
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    response.end(text);
  };
  const readBody = (request: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let text = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (text += chunk));
      request.on('end', () => resolve(text));
      request.on('error', reject);
    });

  const server = createServer((request, response) => {
    void (async () => {
      const caller = work.caller(request.headers.authorization);
      if (!caller) return answer(response, 401, { code: 'UNAUTHENTICATED' });
      const { status, body } = await work.lookup((JSON.parse(await readBody(request)) as { nik?: unknown }).nik, caller);
      answer(response, status, body);
    })().catch(() => answer(response, 500, { code: 'INTERNAL' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  work.announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void work.close().then(() => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
