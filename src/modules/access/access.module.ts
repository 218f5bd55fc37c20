import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { StartupError, type Infrastructure } from '../../infrastructure/infrastructure';
import { EVENT_STORE, type EventStore } from '../../infrastructure/event-store/event-store.port';
import { INFRASTRUCTURE, LOGGER } from '../../infrastructure/infrastructure.module';
import { AccessGuard } from './auth/access.guard';
import { NETWORK_ALLOW_LIST, NetworkCheck } from './network/network-check';
import { NetworkAllowList } from '../../infrastructure/security/network';
import { AgreementsController } from './agreements/agreements.controller';
import { AuthController } from './auth/auth.controller';
import { DenialRecorder } from './denials/denial-recorder';
import { FacilitiesController } from './facilities/facilities.controller';
import { OperatorAccounts } from './operators/accounts';
import { OperatorsController } from './operators/operators.controller';
import { OPERATOR_COMMAND_HANDLERS } from './operators/operators.handlers';
import { OPERATOR_QUERY_HANDLERS } from './operators/operators.queries';
import { AUTH_PROVIDERS } from './auth/auth.handlers';
import { seedRegisters } from './seed/seed';
import { LookupsController } from './lookups/lookups.controller';
import { RegistryConnection } from '../../infrastructure/registry/registry-connection';
import { AgreementsView } from './agreements/agreements.view';
import { AGREEMENT_COMMAND_HANDLERS } from './agreements/agreements.handlers';
import { AGREEMENT_QUERY_HANDLERS } from './agreements/agreements.queries';
import { FACILITY_COMMAND_HANDLERS } from './facilities/facilities.handlers';
import { FACILITY_QUERY_HANDLERS } from './facilities/facilities.queries';
import { AccessContextLoader } from './lookups/access-context';
import { HourlyQuota } from './lookups/hourly-quota';
import { PerformAccessHandler } from './lookups/lookups.handlers';
import { Metrics } from '../../infrastructure/metrics/metrics';
import { embeddedKey, parseKey } from '../../infrastructure/security/sealing';
import { AccessTokens } from './lookups/access-token';
import { REFUSAL_LISTENER } from '../../infrastructure/refusal';
import { AccessMetrics } from './access.metrics';
import { REGISTER_FRESHNESS, type RegisterFreshness } from './register-freshness';
import { RegisterStates } from './register-states';

/** Seeds the registers and the first administrator on the first start of an empty store. */
@Injectable()
export class RegisterSeeder implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly accounts: OperatorAccounts,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    private readonly agreements: AgreementsView,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { dataDir, initialAdminPassword, initialAuditorPassword } = this.infra.config;
    await seedRegisters(this.store, this.accounts, this.logger, { dataDir, initialAdminPassword, initialAuditorPassword });
    // The seeded agreement (2022-2024) has expired: say so at every start until an extension is registered.
    const { agreement, status, daysLeft } = await this.agreements.inForce(new Date());
    if (status === 'ACTIVE') {
      this.logger.info({ status, daysLeft, validUntil: agreement!.validUntil }, 'agreement in force');
    } else {
      this.logger.warn(
        { status, validUntil: agreement?.validUntil },
        `No agreement in force (${status}): every access command is refused until one party proposes an extension (POST /v1/agreements/{id}/extensions) and the other confirms it (see README).`,
      );
    }
  }
}

@Module({
  controllers: [AuthController, AgreementsController, FacilitiesController, OperatorsController, LookupsController],
  providers: [
    {
      provide: RegistryConnection,
      inject: [INFRASTRUCTURE, LOGGER, Metrics],
      useFactory: async (infra: Infrastructure, logger: Logger, metrics: Metrics) => {
        const connection = await RegistryConnection.open(infra.config.registry, logger, (call) => metrics.registryCall(call));
        metrics.watchBreaker(() => connection.client.breakerState);
        return connection;
      },
    },
    {
      // The key of the verification tokens: configured on a server (every instance the same), a 0600 file on the embedded default.
      provide: AccessTokens,
      inject: [INFRASTRUCTURE, LOGGER],
      useFactory: (infra: Infrastructure, logger: Logger) => {
        const { key, previousKey } = infra.config.accessToken;
        if (key) return new AccessTokens(parseKey(key), previousKey ? [parseKey(previousKey)] : []);
        if (infra.mode !== 'embedded') {
          throw new StartupError(
            'ACCESS_TOKEN_KEY',
            'is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING (openssl rand -base64 32); the embedded mode generates one',
          );
        }
        try {
          const { key: generated, path, created } = embeddedKey(infra.config.dataDir, 'access-token.key');
          if (created) logger.warn({ path }, 'generated the access-token key (mode 0600)');
          return new AccessTokens(generated);
        } catch (error) {
          throw new StartupError('ACCESS_TOKEN_KEY', (error as Error).message);
        }
      },
    },
    {
      provide: REGISTER_FRESHNESS,
      inject: [INFRASTRUCTURE],
      useFactory: (infra: Infrastructure): RegisterFreshness => ({ recheckMs: infra.config.registerRecheckMs }),
    },
    RegisterStates,
    {
      provide: OperatorAccounts,
      inject: [DataSource, REGISTER_FRESHNESS],
      useFactory: (db: DataSource, freshness: RegisterFreshness) => new OperatorAccounts(db, freshness),
    },
    AccessMetrics,
    {
      provide: DenialRecorder,
      inject: [EVENT_STORE, AccessMetrics],
      useFactory: (store: EventStore, metrics: AccessMetrics) => new DenialRecorder(store, (reason) => metrics.refusal(reason)),
    },
    { provide: NETWORK_ALLOW_LIST, inject: [INFRASTRUCTURE], useFactory: (infra: Infrastructure) => new NetworkAllowList(infra.config.allowedNetworks) },
    { provide: REFUSAL_LISTENER, useExisting: DenialRecorder },
    NetworkCheck,
    { provide: APP_GUARD, useClass: AccessGuard },
    RegisterSeeder,
    AgreementsView,
    AccessContextLoader,
    HourlyQuota,
    PerformAccessHandler,
    ...AGREEMENT_COMMAND_HANDLERS,
    ...AGREEMENT_QUERY_HANDLERS,
    ...FACILITY_COMMAND_HANDLERS,
    ...FACILITY_QUERY_HANDLERS,
    ...OPERATOR_COMMAND_HANDLERS,
    ...OPERATOR_QUERY_HANDLERS,
    ...AUTH_PROVIDERS,
  ],
  exports: [AgreementsView, REFUSAL_LISTENER, AccessTokens, OperatorAccounts, DenialRecorder, NetworkCheck, RegistryConnection],
})
export class AccessModule {}
