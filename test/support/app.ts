import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import request from 'supertest';
import { openInfrastructure, type GatewayInfrastructure } from '../../src/composition/open-infrastructure';
import { loadConfig } from '../../src/infrastructure/config/config';
import { createHttpApp } from '../../src/composition/http-app';
import { takeDeliveryLock } from './delivery-lock';
import { signIn, type GatewayCall } from './gateway-client';
import { recordAnswer } from './openapi-harness';

/** Passwords changed at first sign-in, remembered for every app of this worker (they share one database). */
const passwordsOfTheSharedDatabase = {};

/** The seeded admin's password from INITIAL_ADMIN_PASSWORD; the global setup changes it to ADMIN_PASSWORD at first sign-in. */
export const ADMIN_INITIAL_PASSWORD = 'test-dinkes-initial-1';
export const ADMIN_PASSWORD = 'test-dinkes-password-1';
/** The seeded Disdukcapil auditor's (user id `auditor`), likewise changed by the global setup. */
export const AUDITOR_INITIAL_PASSWORD = 'test-dukcapil-initial-1';
export const AUDITOR_PASSWORD = 'test-dukcapil-password-1';
/** A fixed sealing key for the shared test database (a server-mode URL, so no key file is generated). */
export const TEST_BALIKAN_KEY = Buffer.alloc(32, 7).toString('base64');
/** A fixed key of the lookups' verification tokens (required on a server, as the sealing key is). */
export const TEST_ACCESS_TOKEN_KEY = Buffer.alloc(32, 8).toString('base64');

/** The settings every suite on the shared embedded database starts the application with: its URL and the test keys. */
export const sharedDatabaseSettings = (): NodeJS.ProcessEnv => ({
  DATABASE_URL: process.env.TEST_EMBEDDED_URL,
  BALIKAN_KEY: TEST_BALIKAN_KEY,
  ACCESS_TOKEN_KEY: TEST_ACCESS_TOKEN_KEY,
  AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY,
  REGISTRY_BUILTIN_SIMULATOR: 'true',
});

export interface TestApp {
  app: NestFastifyApplication;
  infra: GatewayInfrastructure;
  http: () => ReturnType<typeof request>;
  /** Signs in; a password change the gateway asks for is made (see signIn in gateway-client.ts). */
  login(userId: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** The real application on the shared embedded database of the test run, as a Puskesmas app would reach it. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  // Only one app of the run delivers balikan at a time (they share the outbox): see delivery-lock.ts.
  const releaseDelivery = env.RUN_BALIKAN_DELIVERY === 'true' ? await takeDeliveryLock() : () => {};
  const { infra, app } = await openApp(env).catch((error: unknown) => {
    releaseDelivery();
    throw error;
  });
  const http = () => recorded(request(app.getHttpServer()));
  const call: GatewayCall = async (method, path, token, body) => {
    let req = http()[method.toLowerCase() as 'get' | 'post'](path);
    if (token) req = req.set('authorization', `Bearer ${token}`);
    const res = await req.send(body as object);
    return { status: res.status, headers: new Headers(), text: res.text, bytes: Buffer.from(res.text ?? ''), body: res.body ?? {} };
  };
  return {
    app,
    infra,
    http,
    login: (userId, password) => signIn(call, userId, password, passwordsOfTheSharedDatabase),
    async close() {
      try {
        await app.close();
        await infra.close();
      } finally {
        releaseDelivery();
      }
    },
  };
}

async function openApp(env: Record<string, string>) {
  const infra = await openInfrastructure(
    loadConfig({
      ...sharedDatabaseSettings(),
      INITIAL_ADMIN_PASSWORD: ADMIN_INITIAL_PASSWORD,
      INITIAL_AUDITOR_PASSWORD: AUDITOR_INITIAL_PASSWORD,
      LOG_LEVEL: 'silent',
      // Every suite signs in from 127.0.0.1, many times: the per-address limit is tested on its own.
      SIGN_IN_ATTEMPTS_PER_MINUTE: '100000',
      // Suites share one database: a suite that delivers says so (and takes the delivery lock).
      RUN_BALIKAN_DELIVERY: 'false',
      // A signed checkpoint every 100 events, so the audit suite soon has several to prove against.
      AUDIT_CHECKPOINT_EVENTS: '100',
      ...env,
    }),
  );
  // Initialised and ready (Fastify's routes are in place) before supertest reaches its server.
  const app = await createHttpApp(infra, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return { infra, app };
}

/**
 * supertest's agent, each answer recorded for the OpenAPI harness (openapi-harness.ts) when it is
 * asserted: supertest's `assert` runs once per request, however the test awaits it (then, end, expect).
 */
function recorded(agent: ReturnType<typeof request>): ReturnType<typeof request> {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const test = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(test instanceof request.Test)) return test;
        // Not in supertest's types, but its one place every answer passes (lib/test.js).
        const asserting = test as unknown as { assert: (error: Error | null, res: request.Response | undefined, fn: unknown) => void };
        const assert = asserting.assert.bind(test);
        const method = property.toUpperCase();
        const path = String(args[0]);
        asserting.assert = (error, res, fn) => {
          if (res) {
            const contentType = res.headers['content-type'] as string | undefined;
            const json = contentType !== undefined && /^application\/([^;]*\+)?json\b/i.test(contentType);
            recordAnswer({
              method,
              path,
              status: res.status,
              contentType,
              hasBody: (res.text ?? '').length > 0 || Buffer.isBuffer(res.body),
              body: json ? res.body : undefined,
            });
          }
          return assert(error, res, fn);
        };
        return test;
      };
    },
  });
}

let counter = 0;
/** A user id unique to this run. */
export const uniqueUserId = (prefix: string) => `${prefix}.${process.pid}.${Date.now() % 100000}.${counter++}`;
