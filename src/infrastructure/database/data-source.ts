import { DataSource } from 'typeorm';
import { migrations } from './migrations';

/** TypeORM on PostgreSQL (server or embedded) for the read models. Schema changes go through migrations only. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize: options.poolSize ?? 10,
    extra: { connectionTimeoutMillis: 5000 },
  });
}

/** Runs pending migrations; a session advisory lock keeps two starting instances from racing. */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext('nik-gateway:migrations'))`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(hashtext('nik-gateway:migrations'))`).catch(() => undefined);
    await runner.release();
  }
}
