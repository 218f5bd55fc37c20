/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/** What every lane shares. */
const common = {
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  // NestJS 12 ships ESM, and so do packages the Fastify adapter and @fastify/static load (path-to-regexp 9,
  // content-disposition 2; Node 20 requires them, Jest cannot): let swc compile them to CommonJS too. Only
  // the innermost node_modules of a path counts, so a package nested under another one is matched too.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!.*/node_modules/)(?!@nestjs/|path-to-regexp/|content-disposition/)'],
};

/**
 * Two lanes. `unit`: deciders, policies and pure functions (`*.unit.spec.ts`), no database: pg and PGlite
 * resolve to a module that throws, so a unit spec cannot boot one by accident. `integration`: everything
 * else, against one embedded PGlite started in globalSetup. `npm test` runs both; `npm run test:unit` the first.
 */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.unit.spec.ts'],
      moduleNameMapper: {
        '^pg$': '<rootDir>/test/support/no-database.ts',
        '^@electric-sql/pglite(/.*)?$': '<rootDir>/test/support/no-database.ts',
      },
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.spec\\.ts$'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // Every answer the file's tests receive is checked against the OpenAPI document (openapi-harness.ts).
      setupFilesAfterEnv: ['<rootDir>/test/support/openapi-harness.setup.ts'],
    },
  ],
  testTimeout: 120000,
  verbose: true,
  maxWorkers: 2,
};
