import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run build:console` (run by `npm ci`) leaves the console: console/dist at the repository's root. */
export function consoleDirectory(): string | undefined {
  // From src/composition (tests) or dist/src/composition (npm start): the repository root is two or three up.
  for (const root of [resolve(__dirname, '..', '..'), resolve(__dirname, '..', '..', '..')]) {
    const dir = join(root, 'console', 'dist');
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/** The console's paths: its page and its hashed files. Public inside the closed network, as /docs is. */
export const isConsolePath = (path: string) => path === '/' || path === '/index.html' || path.startsWith('/assets/');

/**
 * Serves the console at "/" (its page, never stored, so a new build is seen at once) and its hashed files
 * under /assets/ (cached for good: a new build has new names). Without a build, "/" says how to make one.
 */
export async function serveConsole(app: NestFastifyApplication, fastify: FastifyInstance): Promise<void> {
  const dir = consoleDirectory();
  if (!dir) {
    fastify.get('/', (_request, reply) => {
      void reply.code(503).send({ statusCode: 503, code: 'CONSOLE_NOT_BUILT', message: 'The console is not built: run npm run build:console (npm ci does).' });
    });
    return;
  }
  const page = readFileSync(join(dir, 'index.html'));
  // Never kept, not even in the back-forward cache: a page that showed a patient is not restored by "Back".
  const sendPage = (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
  fastify.get('/', sendPage);
  fastify.get('/index.html', sendPage);
  await app.register(fastifyStatic as never, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    dotfiles: 'deny',
    cacheControl: true,
    maxAge: '365d',
    immutable: true,
  });
}
