import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NetworkAllowList } from '../security/network';
import { parseKey } from '../security/sealing';
import { PASSWORD_PROBLEMS, passwordProblem } from '../security/password-policy';
import { parseSigningKey } from '../security/signing-key';
import { LetterheadSettingError, loadLetterheads, type Letterheads } from './letterheads';

export type StorageMode = 'embedded' | 'postgres' | 'eventstoredb';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** Embedded PGlite data and generated secrets live here. */
  readonly dataDir: string;
  /** PostgreSQL server for events (unless EventStoreDB) and read models; absent means embedded PGlite. */
  readonly databaseUrl?: string;
  /** EventStoreDB for events. */
  readonly eventStoreConnectionString?: string;
  /** How long an EventStoreDB read may take before it is cancelled (the client sets no deadline on reads). */
  readonly eventStoreReadTimeoutMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Whether projections run inside this process (a dedicated worker can take them instead). */
  readonly runProjections: boolean;
  /** Whether the service (main.ts) runs its projections in a child process it forks, off the request thread. */
  readonly projectionWorker: boolean;
  /** Whether this process delivers waiting balikan (any number of instances may; rows are leased). */
  readonly runBalikanDelivery: boolean;
  /** The closed network: CIDRs requests may come from (every route but /health). */
  readonly allowedNetworks: readonly string[];
  /** HTTPS on the gateway's port (TLS_CERT_FILE and TLS_KEY_FILE); absent: plain HTTP, for a TLS-terminating proxy on the same host. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Express "trust proxy": false unless the proxies in front of the gateway are named (addresses, CIDRs, loopback). */
  readonly trustProxy: string | false;
  /** Lifetime of a login token. */
  readonly tokenTtlSeconds: number;
  /** A static bearer token a Prometheus scraper may present on GET /metrics (and nowhere else); absent: signed-in admins and auditors only. */
  readonly metricsToken?: string;
  /** Password of the first DINKES_ADMIN on an empty store; absent: a random one in DATA_DIR/initial-passwords/admin (0600). */
  readonly initialAdminPassword?: string;
  /** Password of the first DUKCAPIL_AUDITOR (user id `auditor`); absent: a random one in DATA_DIR/initial-passwords/auditor. */
  readonly initialAuditorPassword?: string;
  /** The population registry; no url: the built-in simulator runs in-process (embedded default, or REGISTRY_BUILTIN_SIMULATOR=true). */
  readonly registry: {
    readonly url?: string;
    /** No url and the simulator chosen: said out loud with a server, never assumed. */
    readonly builtinSimulator: boolean;
    /** Loopback port of the built-in simulator; 0: any free port (named in the start-up log). */
    readonly builtinSimulatorPort: number;
    readonly instansi: string;
    readonly userId: string;
    readonly password: string;
    readonly ipUser: string;
    readonly timeoutMs: number;
    readonly breakerResetMs: number;
  };
  /** Lookups and card reads per operator per hour (against bulk harvesting). */
  readonly lookupsPerHour: number;
  /**
   * How old the register state a request decides on may be (agreements, Puskesmas, card readers, operators,
   * sessions), in ms: changes made in this process count at once, changes made by another process within this.
   */
  readonly registerRecheckMs: number;
  /**
   * base64 HMAC key of the verification tokens that bind a balikan to the NIK its access looked up;
   * absent in the embedded mode: generated under DATA_DIR. `previous` still verifies (rotation window).
   */
  readonly accessToken: { readonly key?: string; readonly previousKey?: string };
  /** Sign-in: attempts per client address per minute, and how many sign-ins may wait for the password hashing at once. */
  readonly signIn: { readonly attemptsPerMinute: number; readonly maxWaiting: number };
  /** Signed checkpoints of the audit log. */
  readonly audit: {
    /** Ed25519 private key (PEM or base64 PKCS#8 DER); absent: generated under DATA_DIR. */
    readonly signingKey?: string;
    readonly checkpointEveryEvents: number;
    readonly checkpointEveryMinutes: number;
    /** POST /v1/audit/checkpoints signs at most one checkpoint per this many seconds (any checkpoint counts). */
    readonly requestedCheckpointSeconds: number;
  };
  /** An operator's day with more accesses than this is flagged as unusual in the compliance views. */
  readonly operatorDailyLimit: number;
  /** A card read whose fingerprint check was not performed: refused (default) or allowed. */
  readonly fingerprintNotPerformed: 'refuse' | 'allow';
  /** The registry's data-balikan service; absent: the built-in simulator's. */
  readonly balikan: {
    readonly url?: string;
    readonly token: string;
    readonly idLembaga: string;
    readonly namaLembaga: string;
    readonly paramKeys: { readonly medicalRecordNumber: string; readonly bloodType: string; readonly deathCertificateNumber: string };
    /** base64 AES-256 key sealing waiting balikan; absent in the embedded mode: generated under DATA_DIR. */
    readonly key?: string;
    /** After this long undelivered, a balikan is purged and marked ABANDONED. */
    readonly maxAgeMs: number;
    /** How long a claimed row stays with the instance delivering it (a crashed instance's rows return after this). */
    readonly leaseSeconds: number;
  };
  /** The kop surat of Dinkes and Disdukcapil on the documents, and the coat of arms beside it. */
  readonly letterheads: Letterheads;
}

/** A setting is wrong: start-up stops with one line naming it. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
  }
}

export function storageMode(config: AppConfig): StorageMode {
  if (config.eventStoreConnectionString) return 'eventstoredb';
  return config.databaseUrl ? 'postgres' : 'embedded';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Secrets a deployment may pass as files (Compose and Kubernetes secrets): `<NAME>_FILE` names a file whose
 * content, trimmed, is the value of `<NAME>`. Setting both is refused: which one wins would be a guess.
 */
export const SECRET_FILE_SETTINGS = [
  'DATABASE_URL',
  'EVENTSTORE_CONNECTION_STRING',
  'BALIKAN_KEY',
  'BALIKAN_TOKEN',
  'ACCESS_TOKEN_KEY',
  'ACCESS_TOKEN_KEY_PREVIOUS',
  'AUDIT_SIGNING_KEY',
  'INITIAL_ADMIN_PASSWORD',
  'INITIAL_AUDITOR_PASSWORD',
  'REGISTRY_PASSWORD',
  'METRICS_TOKEN',
] as const;

/**
 * What a gateway on a server (DATABASE_URL or EVENTSTORE_CONNECTION_STRING) refuses to start without: keys
 * every instance must share, and a registry said out loud (the real one, or the built-in simulator for a
 * trial). `[A, B]` means either. The compose test checks the deployment files against this list.
 */
export const REQUIRED_WITH_A_SERVER: readonly (readonly string[])[] = [
  ['DATABASE_URL'],
  ['BALIKAN_KEY'],
  ['ACCESS_TOKEN_KEY'],
  ['AUDIT_SIGNING_KEY'],
  ['REGISTRY_URL', 'REGISTRY_BUILTIN_SIMULATOR'],
];

const REQUIRED_WHY: Record<string, string> = {
  DATABASE_URL: 'the read models live on a PostgreSQL server',
  BALIKAN_KEY: 'every instance seals waiting balikan with the same key (openssl rand -base64 32); the embedded mode generates one',
  ACCESS_TOKEN_KEY: 'every instance verifies the same tokens (openssl rand -base64 32); the embedded mode generates one',
  AUDIT_SIGNING_KEY: 'every instance signs checkpoints with the same key (openssl genpkey -algorithm ed25519); the embedded mode generates one',
  // With a server the gateway serves real people: synthetic ones must be chosen, never a default.
  REGISTRY_URL: "the population registry's URL, or REGISTRY_BUILTIN_SIMULATOR=true for a trial with synthetic people",
};

function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const name of SECRET_FILE_SETTINGS) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) throw new ConfigError(`${name}_FILE`, `and ${name} are both set: set one of them`);
    let content: string;
    try {
      content = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE`, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!content) throw new ConfigError(`${name}_FILE`, `${file} is empty`);
    resolved[name] = content;
  }
  return resolved;
}

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = withSecretFiles(rawEnv);
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const databaseUrl = optionalUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'a postgres:// URL');
  const eventStoreConnectionString = eventStoreConnection(env.EVENTSTORE_CONNECTION_STRING);
  const logLevel = (env.LOG_LEVEL ?? 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const runProjections = (env.RUN_PROJECTIONS ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(runProjections)) throw new ConfigError('RUN_PROJECTIONS', 'must be true or false');
  const projectionWorker = (env.PROJECTION_WORKER ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(projectionWorker)) throw new ConfigError('PROJECTION_WORKER', 'must be true or false');
  const allowedNetworks = (env.ALLOWED_NETWORKS ?? '127.0.0.0/8,::1/128')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  try {
    new NetworkAllowList(allowedNetworks);
  } catch (error) {
    throw new ConfigError('ALLOWED_NETWORKS', (error as Error).message);
  }
  if (allowedNetworks.length === 0) throw new ConfigError('ALLOWED_NETWORKS', 'must list at least one CIDR');
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  const tls = parseTls(env.TLS_CERT_FILE, env.TLS_KEY_FILE);
  const initialAdminPassword = env.INITIAL_ADMIN_PASSWORD || undefined;
  const initialProblem = initialAdminPassword === undefined ? null : passwordProblem(initialAdminPassword, 'admin');
  if (initialProblem) throw new ConfigError('INITIAL_ADMIN_PASSWORD', `${PASSWORD_PROBLEMS[initialProblem]} (${initialProblem}; the user id is "admin")`);
  const initialAuditorPassword = env.INITIAL_AUDITOR_PASSWORD || undefined;
  const auditorProblem = initialAuditorPassword === undefined ? null : passwordProblem(initialAuditorPassword, 'auditor');
  if (auditorProblem) throw new ConfigError('INITIAL_AUDITOR_PASSWORD', `${PASSWORD_PROBLEMS[auditorProblem]} (${auditorProblem}; the user id is "auditor")`);
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{32,256}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN', 'must be 32 to 256 visible ASCII characters, no spaces (e.g. openssl rand -hex 32)');
  }
  const registryUrl = optionalUrl(env, 'REGISTRY_URL', ['http:', 'https:'], 'an http:// URL of the registry service');
  if (registryUrl && !(env.REGISTRY_USER_ID && env.REGISTRY_PASSWORD)) {
    throw new ConfigError('REGISTRY_USER_ID', 'REGISTRY_USER_ID and REGISTRY_PASSWORD are required with REGISTRY_URL');
  }
  const builtinSimulator = (env.REGISTRY_BUILTIN_SIMULATOR ?? '').toLowerCase();
  if (!['', 'true', 'false'].includes(builtinSimulator)) throw new ConfigError('REGISTRY_BUILTIN_SIMULATOR', 'must be true or false');
  const onAServer = Boolean(databaseUrl || eventStoreConnectionString);
  if (onAServer) {
    for (const either of REQUIRED_WITH_A_SERVER) {
      if (either.some((name) => env[name])) continue;
      throw new ConfigError(either[0]!, `is required with DATABASE_URL or EVENTSTORE_CONNECTION_STRING: ${REQUIRED_WHY[either[0]!]}`);
    }
  }
  const fingerprintNotPerformed = (env.FINGERPRINT_NOT_PERFORMED ?? 'refuse') as 'refuse' | 'allow';
  if (!['refuse', 'allow'].includes(fingerprintNotPerformed)) throw new ConfigError('FINGERPRINT_NOT_PERFORMED', 'must be refuse or allow');
  const balikanUrl = optionalUrl(env, 'BALIKAN_URL', ['http:', 'https:'], 'an http:// URL of the data-balikan service');
  if (balikanUrl && !env.BALIKAN_TOKEN) throw new ConfigError('BALIKAN_TOKEN', 'is required with BALIKAN_URL');
  const auditSigningKey = env.AUDIT_SIGNING_KEY || undefined;
  if (auditSigningKey) {
    try {
      parseSigningKey(auditSigningKey);
    } catch (error) {
      throw new ConfigError('AUDIT_SIGNING_KEY', `must be an Ed25519 private key, PEM or base64 PKCS#8 (${(error as Error).message.split('\n')[0]})`);
    }
  }
  const balikanKey = env.BALIKAN_KEY || undefined;
  if (balikanKey) {
    try {
      parseKey(balikanKey);
    } catch (error) {
      throw new ConfigError('BALIKAN_KEY', (error as Error).message);
    }
  }
  const accessTokenKey = env.ACCESS_TOKEN_KEY || undefined;
  const accessTokenKeyPrevious = env.ACCESS_TOKEN_KEY_PREVIOUS || undefined;
  for (const [setting, value] of [
    ['ACCESS_TOKEN_KEY', accessTokenKey],
    ['ACCESS_TOKEN_KEY_PREVIOUS', accessTokenKeyPrevious],
  ] as const) {
    if (!value) continue;
    try {
      parseKey(value);
    } catch (error) {
      throw new ConfigError(setting, (error as Error).message);
    }
  }
  if (accessTokenKeyPrevious && !accessTokenKey) throw new ConfigError('ACCESS_TOKEN_KEY_PREVIOUS', 'is only used next to ACCESS_TOKEN_KEY (the new key)');
  let letterheads: Letterheads;
  try {
    letterheads = loadLetterheads(env);
  } catch (error) {
    if (error instanceof LetterheadSettingError) throw new ConfigError(error.setting, error.message);
    throw error;
  }
  return {
    letterheads,
    accessToken: { key: accessTokenKey, previousKey: accessTokenKeyPrevious },
    balikan: {
      url: balikanUrl,
      token: env.BALIKAN_TOKEN ?? 'simulator-balikan-token',
      idLembaga: env.BALIKAN_ID_LEMBAGA ?? 'DINKES-3313',
      namaLembaga: env.BALIKAN_NAMA_LEMBAGA ?? 'Dinas Kesehatan Kabupaten Karanganyar',
      paramKeys: {
        medicalRecordNumber: env.BALIKAN_PARAM_MEDICAL_RECORD ?? 'NO_RM',
        bloodType: env.BALIKAN_PARAM_BLOOD_TYPE ?? 'GOL_DARAH',
        deathCertificateNumber: env.BALIKAN_PARAM_DEATH_CERTIFICATE ?? 'NO_SKK',
      },
      key: balikanKey,
      maxAgeMs: integer(env, 'BALIKAN_MAX_AGE_HOURS', 168, 1, 24 * 365) * 3_600_000,
      leaseSeconds: integer(env, 'BALIKAN_LEASE_SECONDS', 60, 1, 3600),
    },
    registry: {
      url: registryUrl,
      builtinSimulator: !registryUrl && (builtinSimulator === 'true' || !onAServer),
      builtinSimulatorPort: integer(env, 'REGISTRY_BUILTIN_SIMULATOR_PORT', 0, 0, 65535),
      instansi: env.REGISTRY_INSTANSI ?? 'DINKES_KARANGANYAR',
      userId: env.REGISTRY_USER_ID ?? 'simulator',
      password: env.REGISTRY_PASSWORD ?? 'simulator',
      ipUser: env.REGISTRY_IP_USER ?? '127.0.0.1',
      timeoutMs: integer(env, 'REGISTRY_TIMEOUT_MS', 5000, 100, 60_000),
      breakerResetMs: integer(env, 'REGISTRY_BREAKER_RESET_MS', 15_000, 100, 600_000),
    },
    lookupsPerHour: integer(env, 'LOOKUPS_PER_HOUR', 300, 1, 100_000),
    // At most 1 s: a termination, suspension, revocation or retirement counts on every instance within a second.
    registerRecheckMs: integer(env, 'REGISTER_RECHECK_MS', 250, 0, 1000),
    signIn: {
      attemptsPerMinute: integer(env, 'SIGN_IN_ATTEMPTS_PER_MINUTE', 10, 1, 100_000),
      maxWaiting: integer(env, 'SIGN_IN_MAX_WAITING', 16, 1, 10_000),
    },
    operatorDailyLimit: integer(env, 'OPERATOR_DAILY_LIMIT', 150, 1, 1_000_000),
    audit: {
      signingKey: auditSigningKey,
      checkpointEveryEvents: integer(env, 'AUDIT_CHECKPOINT_EVENTS', 1000, 1, 10_000_000),
      checkpointEveryMinutes: integer(env, 'AUDIT_CHECKPOINT_MINUTES', 60, 1, 7 * 24 * 60),
      requestedCheckpointSeconds: integer(env, 'AUDIT_CHECKPOINT_REQUEST_SECONDS', 60, 0, 24 * 3600),
    },
    fingerprintNotPerformed,
    allowedNetworks,
    trustProxy,
    ...(tls ? { tls } : {}),
    tokenTtlSeconds: integer(env, 'TOKEN_TTL_SECONDS', 900, 60, 86_400),
    metricsToken,
    initialAdminPassword,
    initialAuditorPassword,
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    databaseUrl,
    eventStoreConnectionString,
    eventStoreReadTimeoutMs: integer(env, 'EVENTSTORE_READ_TIMEOUT_MS', 10_000, 100, 600_000),
    logLevel,
    runProjections: runProjections === 'true',
    projectionWorker: projectionWorker === 'true',
    runBalikanDelivery: (env.RUN_BALIKAN_DELIVERY ?? 'true').toLowerCase() !== 'false',
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}`);
  return value;
}

function optionalUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[], what: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a valid URL; expected ${what}`);
  }
  if (!protocols.includes(url.protocol) || !url.hostname) throw new ConfigError(name, `must be ${what}`);
  return raw;
}

const EVENTSTORE_FORMS = 'esdb://host:2113 (several nodes: esdb://n1:2113,n2:2113,n3:2113) or esdb+discover://cluster-dns:2113, options after "?"';

/**
 * Read with the EventStoreDB client's own parser, which is what will connect: `new URL()` refuses the
 * multi-node form the docs give, and accepted `kurrentdb://`, which this client cannot read.
 */
function eventStoreConnection(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let options: ReturnType<typeof parseConnectionString>;
  try {
    options = parseConnectionString(raw);
  } catch (error) {
    // The parser's message quotes the text it stopped at, which may be a password: only its position.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', `cannot be read${position ? ` (at character ${position})` : ''}; expected ${EVENTSTORE_FORMS}`);
  }
  // With it, a failed append answers instead of throwing, and the adapter's optimistic concurrency would pass silently.
  if (options.throwOnAppendFailure === false) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must not set throwOnAppendFailure=false: the gateway relies on a refused append throwing');
  }
  return raw;
}

/**
 * A connection URL fit for a log line: host, port and database, never the user or password. An EventStoreDB
 * connection string is read with its client's parser (`new URL()` refuses the multi-node form): its hosts.
 */
export function describeUrl(raw: string): string {
  if (/^esdb(\+discover)?:\/\//i.test(raw)) {
    try {
      const { dnsDiscover, hosts } = parseConnectionString(raw);
      return `${dnsDiscover ? 'esdb+discover' : 'esdb'}://${hosts.map((host) => `${host.address}:${host.port}`).join(',')}`;
    } catch {
      return '<invalid url>';
    }
  }
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/**
 * TLS_CERT_FILE and TLS_KEY_FILE, both or neither: a PEM certificate (chain) and its private key. The key
 * file must not be writable by the group nor readable by others (0600, or 0640 for an ssl-cert group).
 */
function parseTls(certFile: string | undefined, keyFile: string | undefined): { certFile: string; keyFile: string } | undefined {
  if (!certFile && !keyFile) return undefined;
  if (!certFile)
    throw new ConfigError('TLS_CERT_FILE', 'is required with TLS_KEY_FILE: set both (HTTPS) or neither (plain HTTP behind a TLS proxy on the same host)');
  if (!keyFile)
    throw new ConfigError('TLS_KEY_FILE', 'is required with TLS_CERT_FILE: set both (HTTPS) or neither (plain HTTP behind a TLS proxy on the same host)');
  const read = (name: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(name, `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };
  try {
    new X509Certificate(read('TLS_CERT_FILE', certFile));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('TLS_CERT_FILE', `${certFile} is not a PEM certificate`);
  }
  const key = read('TLS_KEY_FILE', keyFile);
  if ((statSync(keyFile).mode & 0o037) !== 0) throw new ConfigError('TLS_KEY_FILE', `${keyFile} is readable by others or writable by its group; chmod 600 it`);
  try {
    createPrivateKey(key);
  } catch {
    throw new ConfigError('TLS_KEY_FILE', `${keyFile} is not a PEM private key`);
  }
  return { certFile: resolve(certFile), keyFile: resolve(keyFile) };
}

/**
 * TRUST_PROXY: unset or "false" trusts no proxy (X-Forwarded-For ignored); otherwise a comma-separated
 * list of the proxies' addresses or CIDRs, or "loopback" (a proxy on the same host). Never a hop count nor
 * "true": either trusts whoever connects, so a client reaching the gateway directly would choose its own
 * address in X-Forwarded-For and walk into the closed network. Nor "uniquelocal"/"linklocal": the
 * Puskesmas themselves are on private addresses, and none of them is a proxy.
 */
function parseTrustProxy(raw: string | undefined): string | false {
  if (!raw || raw === 'false') return false;
  const entries = raw.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (entry === 'loopback') continue;
    if (/^\d+$/.test(entry) || entry === 'true') {
      throw new ConfigError(
        'TRUST_PROXY',
        `must list the proxies' addresses or CIDRs (or loopback), not "${entry}": a hop count or "true" lets any client choose its address with X-Forwarded-For`,
      );
    }
    try {
      new NetworkAllowList([entry]);
    } catch {
      throw new ConfigError('TRUST_PROXY', `"${entry}" is not an address, CIDR or loopback`);
    }
  }
  return raw;
}
