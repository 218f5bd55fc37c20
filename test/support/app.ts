import type { INestApplication } from '@nestjs/common';
import pino from 'pino';
import request from 'supertest';
import { openInfrastructure, type Infrastructure } from '../../src/infrastructure/bootstrap';
import { loadConfig } from '../../src/infrastructure/config/config';
import { createHttpApp } from '../../src/http-app';

export const ADMIN_PASSWORD = 'test-admin-password-1';
/** The seeded Disdukcapil auditor's (user id `auditor`). */
export const AUDITOR_PASSWORD = 'test-auditor-password-1';
/** A fixed sealing key for the shared test database (a server-mode URL, so no key file is generated). */
export const TEST_BALIKAN_KEY = Buffer.alloc(32, 7).toString('base64');
/** A fixed key of the lookups' verification tokens (required on a server, as the sealing key is). */
export const TEST_ACCESS_TOKEN_KEY = Buffer.alloc(32, 8).toString('base64');

export interface TestApp {
  app: INestApplication;
  infra: Infrastructure;
  http: () => ReturnType<typeof request>;
  login(userId: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** The real application on the shared embedded database of the test run, as a Puskesmas app would reach it. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const infra = await openInfrastructure(
    loadConfig({ DATABASE_URL: process.env.TEST_EMBEDDED_URL, BALIKAN_KEY: TEST_BALIKAN_KEY, ACCESS_TOKEN_KEY: TEST_ACCESS_TOKEN_KEY, AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY, INITIAL_ADMIN_PASSWORD: ADMIN_PASSWORD, INITIAL_AUDITOR_PASSWORD: AUDITOR_PASSWORD, LOG_LEVEL: 'silent',
      // Suites share one database: only the balikan suite delivers, to its own simulator.
      RUN_BALIKAN_DELIVERY: 'false',
      // A signed checkpoint every 100 events, so the audit suite soon has several to prove against.
      AUDIT_CHECKPOINT_EVENTS: '100',
      ...env }),
  );
  const app = await createHttpApp(infra, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  await app.init();
  const http = () => request(app.getHttpServer());
  return {
    app,
    infra,
    http,
    async login(userId, password) {
      const res = await http().post('/v1/auth/login').send({ userId, password });
      if (res.status !== 200) throw new Error(`login ${userId}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.accessToken as string;
    },
    async close() {
      await app.close();
      await infra.close();
    },
  };
}

/** Polls a condition that a background projection makes true; fails after 10 s. */
export async function until(condition: () => Promise<boolean>, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let counter = 0;
/** A user id unique to this run. */
export const uniqueUserId = (prefix: string) => `${prefix}.${process.pid}.${Date.now() % 100000}.${counter++}`;
