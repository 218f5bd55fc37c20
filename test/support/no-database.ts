// Stands in for `pg` and `@electric-sql/pglite` in the unit lane (jest.config.js): a unit spec that reaches a
// database driver, even through an import, fails here instead of quietly needing the integration lane.
throw new Error(
  'unit specs need no database: this spec (or something it imports) loads a database driver; name it *.spec.ts to run it in the integration lane',
);
