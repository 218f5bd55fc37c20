import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PARAMTYPES_METADATA, PATH_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { startApp, type TestApp } from '../support/app';
import { servedRoutes } from '../../src/composition/http-app';

/**
 * Every route of the gateway only maps HTTP to one command or one query: a state-changing route builds a
 * command and hands it to the CommandBus, a read hands a query to the QueryBus, and a handler registered
 * beside the decider or the read model does the work. The routes are read from the running application
 * (the controllers' metadata, checked against the Express router), so a new route is covered at once.
 */

/** Routes that are not the domain's: exempt, each with its reason. */
const OPERATIONAL: Record<string, string> = {
  HealthController: 'the readiness probe pings the event store and the database; there is no read model behind it',
  MetricsController: 'the Prometheus scrape reads counters kept in process memory, not a read model',
};
/** Served by SwaggerModule, not by a controller: the OpenAPI document (/docs-json) and swagger-ui (/docs). */
/** The API document and the console's static page and files: not controllers' routes. */
const OPERATIONAL_PATHS = /^(\/docs|\/$|\/index\.html$|\/assets\/)/;

/** What a controller may take besides the two buses: pure helpers only (no I/O, no state), each with its reason. */
const PURE_HELPERS = new Map<Type<unknown>, string>([]);

// The keys @CommandHandler and @QueryHandler store the handled class under (@nestjs/cqrs does not export them).
const COMMAND_HANDLER_METADATA = '__commandHandler__';
const QUERY_HANDLER_METADATA = '__queryHandler__';
const WRITES = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

interface Route {
  readonly controller: string;
  readonly method: string;
  readonly verb: string;
  readonly path: string;
}

describe('Every route dispatches a command or a query, and nothing else', () => {
  let t: TestApp;
  let controllers: Type<unknown>[];
  const commands = new Set<string>();
  const queries = new Set<string>();

  beforeAll(async () => {
    t = await startApp();
    const modules = [...t.app.get(ModulesContainer).values()];
    controllers = [...new Set(modules.flatMap((m) => [...m.controllers.values()].map((w) => w.metatype as Type<unknown>)))];
    for (const wrapper of modules.flatMap((m) => [...m.providers.values()])) {
      const type = wrapper.metatype as Type<unknown> | null;
      if (!type || typeof type !== 'function') continue;
      const command = Reflect.getMetadata(COMMAND_HANDLER_METADATA, type) as Type<unknown> | undefined;
      const query = Reflect.getMetadata(QUERY_HANDLER_METADATA, type) as Type<unknown> | undefined;
      if (command) commands.add(command.name);
      if (query) queries.add(query.name);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const routesOf = (controller: Type<unknown>): Route[] => {
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype)
      .filter(
        (name) =>
          name !== 'constructor' && typeof prototype[name] === 'function' && Reflect.getMetadata(PATH_METADATA, prototype[name] as object) !== undefined,
      )
      .map((name) => {
        const handler = prototype[name] as object;
        const path = `/${[prefix, String(Reflect.getMetadata(PATH_METADATA, handler))].join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
        return { controller: controller.name, method: name, verb: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!, path };
      });
  };

  /** What is wrong with a controller, one line per problem naming the controller and, for a route, its method. */
  const problemsOf = (controller: Type<unknown>): string[] => {
    const problems: string[] = [];
    const types = [...((Reflect.getMetadata(PARAMTYPES_METADATA, controller) as unknown[] | undefined) ?? [])];
    for (const { index, param } of (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, controller) as { index: number; param: unknown }[] | undefined) ?? [])
      types[index] = param;
    types.forEach((type, i) => {
      if (type === CommandBus || type === QueryBus || PURE_HELPERS.has(type as Type<unknown>)) return;
      const name = typeof type === 'function' ? type.name : String(type);
      problems.push(
        `${controller.name}: constructor parameter ${i} is ${name}; a controller takes only the CommandBus, the QueryBus and the pure helpers listed in PURE_HELPERS`,
      );
    });
    for (const route of routesOf(controller)) {
      const where = `${route.controller}.${route.method} (${route.verb} ${route.path})`;
      const source = String((controller.prototype as Record<string, unknown>)[route.method]);
      const write = WRITES.has(route.verb);
      const [bus, registered, kind] = write ? (['commandBus', commands, 'command'] as const) : (['queryBus', queries, 'query'] as const);
      // Compiled code may reach the class through its module (`new module_1.SubmitBalikan(`).
      const dispatched = [...source.matchAll(new RegExp(`\\b${bus}\\.execute\\(\\s*new\\s+(?:[\\w$]+\\.)*([\\w$]+)\\(`, 'g'))].map((m) => m[1]!);
      if (dispatched.length === 0) problems.push(`${where}: does not dispatch a ${kind} (expected this.${bus}.execute(new X(...)))`);
      for (const name of dispatched.filter((n) => !registered.has(n)))
        problems.push(`${where}: dispatches ${name}, which has no registered @${write ? 'CommandHandler' : 'QueryHandler'}`);
      if (!write && /\bcommandBus\b/.test(source)) problems.push(`${where}: a read must not dispatch a command`);
    }
    return problems;
  };

  it('finds the handlers registered on the buses (the metadata keys it reads still hold)', () => {
    expect(commands.size).toBeGreaterThan(0);
    expect(queries.size).toBeGreaterThan(0);
  });

  it('serves no route but the methods of its controllers and the API document', () => {
    const declared = new Set(controllers.flatMap(routesOf).map((r) => `${r.verb} ${r.path}`));
    const served = servedRoutes(t.app).filter((route) => !OPERATIONAL_PATHS.test(route.split(' ')[1]!));
    expect(served.length).toBeGreaterThan(0);
    expect(served.filter((route) => !declared.has(route))).toEqual([]);
  });

  it('has every controller take only the buses, every change dispatch a command and every read dispatch a query, each with its handler', () => {
    const checked = controllers.filter((c) => !(c.name in OPERATIONAL));
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.flatMap(problemsOf)).toEqual([]);
  });

  it('exempts only operational controllers that exist', () => {
    const names = new Set(controllers.map((c) => c.name));
    expect(Object.keys(OPERATIONAL).filter((name) => !names.has(name))).toEqual([]);
  });
});
