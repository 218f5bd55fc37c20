import Ajv from 'ajv';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { REQUIRED_WITH_A_SERVER, SECRET_FILE_SETTINGS, loadConfig, storageMode } from '../../src/infrastructure/config/config';
import { NetworkAllowList } from '../../src/infrastructure/security/network';

/**
 * docker/compose.yml as an operator runs it: no Docker engine runs here, so the file is proven by reading
 * it — against the Compose Specification's own JSON Schema, and against the gateway's own settings loader.
 */

const root = resolve(__dirname, '..', '..');
const composeText = readFileSync(join(root, 'docker', 'compose.yml'), 'utf8');
const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  secrets?: string[];
  ports?: unknown[];
  restart?: string;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks: Record<string, { ipam?: { config?: { subnet?: string }[] }; internal?: boolean } | null>;
  secrets: Record<string, { file?: string }>;
}
// Compose resolves YAML merge keys (<<: *gateway): so does the parser here.
const compose = parse(composeText, { merge: true }) as Compose;

/** The gateway's instances: the services that run the gateway image's own command (the service). */
const gateways = Object.entries(compose.services).filter(([, s]) => s.image === 'nik-gateway:local' && !s.command);

/** Values as Compose interpolates them, with what an operator exports (ALLOWED_NETWORKS) set. */
const OPERATOR = { ALLOWED_NETWORKS: '10.20.0.0/16,10.21.0.0/16' };
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::?[-?]([^}]*))?\}/g, (_m, name: string, fallback?: string) => vars[name] ?? fallback ?? '');
}

/** Every string value in the file, wherever it sits. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** What the Compose Specification's JSON Schema (vendored in test/fixtures/compose-spec) finds wrong in a file. */
function specErrors(file: unknown): unknown[] {
  const schema = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'compose-spec', 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
  delete schema.$schema; // draft-07, which ajv's default export speaks; the URL spelling differs
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  return validate(file) ? [] : (validate.errors ?? ['invalid']);
}

/** A directory holding the secret files docker/make-secrets.sh writes (remove it after use). */
function withSecrets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nik-compose-secrets-'));
  copyFileSync(join(root, 'docker', 'make-secrets.sh'), join(dir, 'make-secrets.sh'));
  execFileSync('sh', [join(dir, 'make-secrets.sh')], { stdio: 'ignore' });
  return dir;
}

/** A gateway's environment as its process sees it: interpolated, the secrets mounted from `secretsDir`. */
function environmentOf(gateway: Service, secretsDir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(gateway.environment ?? {}).map(([name, value]) => [
      name,
      interpolate(String(value), OPERATOR).replace(/^\/run\/secrets\//, `${join(secretsDir, 'secrets')}/`),
    ]),
  );
}

const proxyAddress = () => {
  const networks = compose.services.proxy!.networks as Record<string, { ipv4_address?: string }>;
  return Object.entries(networks).map(([name, n]) => ({ network: name, address: n.ipv4_address! }))[0]!;
};

describe('docker/compose.yml', () => {
  it('is a valid Compose file by the Compose Specification JSON Schema (vendored in test/fixtures/compose-spec)', () => {
    expect(specErrors(compose)).toEqual([]);
  });

  it('runs two gateway instances', () => {
    expect(gateways.map(([name]) => name)).toEqual(['gateway-1', 'gateway-2']);
  });

  it.each(REQUIRED_WITH_A_SERVER.map((either) => [either.join(' or '), either] as const))(
    'sets %s, which the gateway requires on a server, for every gateway instance (itself or as a _FILE)',
    (_names, either) => {
      for (const [, gateway] of gateways) {
        const env = gateway.environment ?? {};
        const set = either.some((name) => env[name] || ((SECRET_FILE_SETTINGS as readonly string[]).includes(name) && env[`${name}_FILE`]));
        expect(set).toBe(true);
      }
    },
  );

  it('is accepted by the gateway’s own settings loader as each instance sees it: a server, the shared keys, the proxy trusted', () => {
    const dir = withSecrets();
    try {
      for (const [, gateway] of gateways) {
        const config = loadConfig(environmentOf(gateway, dir));
        expect(storageMode(config)).toBe('eventstoredb');
        expect(config.allowedNetworks).toEqual(['10.20.0.0/16', '10.21.0.0/16']);
        expect(config.trustProxy).toBe(proxyAddress().address);
        expect(config.registry.url).toBe('http://registry-simulator:7070');
        expect(config.registry.builtinSimulator).toBe(false);
        expect(config.audit.signingKey).toContain('PRIVATE KEY');
        expect(config.initialAdminPassword).toBeDefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('guards every ${VAR} with :? (stop, naming it) or a default, so nothing silently becomes empty', () => {
    const references = stringsIn(compose).flatMap((s) => [...s.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}?/g)]);
    expect(references.length).toBeGreaterThan(0);
    const unguarded = references.filter((m) => !/^\{/.test(m[0].slice(1)) || !/^:?[?-]./.test(m[2]!)).map((m) => m[0]);
    expect(unguarded).toEqual([]);
  });

  it('reads the keys from secret files the secrets script writes, each one a service uses defined', () => {
    const defined = Object.keys(compose.secrets);
    const script = readFileSync(join(root, 'docker', 'make-secrets.sh'), 'utf8');
    for (const [name, secret] of Object.entries(compose.secrets)) {
      expect(secret.file).toBe(`./secrets/${name}`);
      expect(script).toMatch(new RegExp(`^write ${name} `, 'm'));
    }
    for (const [name, service] of Object.entries(compose.services)) {
      for (const used of service.secrets ?? []) expect(defined).toContain(used);
      for (const [setting, value] of Object.entries(service.environment ?? {})) {
        if (!setting.endsWith('_FILE')) continue;
        expect({ service: name, setting, mounted: (service.secrets ?? []).includes(String(value).replace('/run/secrets/', '')) }).toEqual({
          service: name,
          setting,
          mounted: true,
        });
      }
    }
    // No key in plain view: the settings that have a _FILE form are given as files (a connection string
    // without credentials, user@, may stay in view).
    for (const [, gateway] of gateways) {
      const env = gateway.environment ?? {};
      const inPlainView = SECRET_FILE_SETTINGS.filter(
        (name) => env[name] !== undefined && (!name.endsWith('CONNECTION_STRING') || String(env[name]).includes('@')),
      );
      expect(inPlainView).toEqual([]);
    }
  });

  it('publishes a port on the TLS proxy only; the gateways, databases and simulator are reached through it or not at all', () => {
    const publishing = Object.entries(compose.services)
      .filter(([, s]) => (s.ports ?? []).length > 0)
      .map(([name]) => name);
    expect(publishing).toEqual(['proxy']);
    const caddyfile = readFileSync(join(root, 'docker', 'Caddyfile'), 'utf8');
    expect(caddyfile).toMatch(/^\s*tls\s+internal/m);
    for (const [name] of gateways) expect(caddyfile).toContain(`${name}:3000`);
    expect(compose.networks.backend?.internal).toBe(true);
  });

  it('trusts X-Forwarded-For from the proxy’s fixed address alone, on the network the proxy shares with the gateways', () => {
    const { network, address } = proxyAddress();
    const subnet = compose.networks[network]!.ipam!.config![0]!.subnet!;
    expect(new NetworkAllowList([subnet]).allows(address)).toBe(true);
    for (const [, gateway] of gateways) {
      expect(gateway.environment?.TRUST_PROXY).toBe(address);
      expect(gateway.networks).toContain(network);
    }
    // The Docker network is not the closed network: the operator names the client ranges.
    expect(String(gateways[0]![1].environment?.ALLOWED_NETWORKS)).toMatch(/^\$\{ALLOWED_NETWORKS:\?/);
  });

  it('gives every service a restart policy and a health check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, restart: ['always', 'unless-stopped', 'on-failure'].includes(service.restart ?? '') }).toEqual({ name, restart: true });
      const test = service.healthcheck?.test;
      expect({ name, healthcheck: Boolean(test) && !service.healthcheck?.disable && test?.[0] !== 'NONE' }).toEqual({ name, healthcheck: true });
    }
  });

  it('checks a gateway’s health on /health, which fails when the event store or the database cannot be reached', () => {
    for (const [, gateway] of gateways) expect(stringsIn(gateway.healthcheck?.test).join(' ')).toContain('/health');
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
  });

  it('runs the registry simulator as a named service from the gateway image, reachable from the gateways', () => {
    const simulator = compose.services['registry-simulator']!;
    expect(simulator.command).toEqual(['node', 'dist/src/infrastructure/registry/simulator/main.js']);
    expect(existsSync(join(root, 'src', 'infrastructure', 'registry', 'simulator', 'main.ts'))).toBe(true);
    expect(simulator.environment?.REGISTRY_SIMULATOR_HOST).toBe('0.0.0.0');
  });

  it('names the current KurrentDB image, not the retired eventstore/eventstore one', () => {
    const images = Object.values(compose.services).map((s) => s.image ?? '');
    expect(images.filter((i) => i.startsWith('eventstore/'))).toEqual([]);
    expect(images).toContainEqual(expect.stringMatching(/^docker\.kurrent\.io\/kurrent-(latest|lts)\/kurrentdb:\d+\.\d+/));
  });
});

/**
 * Compose's merge of an override file over a base (compose-spec "Merge and override"): mappings merge key by
 * key, the override's scalars win, and sequences of names (networks, volumes, secrets) are joined.
 */
function overlay(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return [...new Set([...base, ...over])];
  if (base && over && typeof base === 'object' && typeof over === 'object' && !Array.isArray(base) && !Array.isArray(over)) {
    const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [key, value] of Object.entries(over)) merged[key] = key in merged ? overlay(merged[key], value) : value;
    return merged;
  }
  return over;
}

describe('docker/compose.cluster.yml: the three-node KurrentDB trial laid over docker/compose.yml', () => {
  const clusterText = readFileSync(join(root, 'docker', 'compose.cluster.yml'), 'utf8');
  const cluster = overlay(compose, parse(clusterText, { merge: true })) as Compose;
  const nodes = Object.entries(cluster.services).filter(([, s]) => (s.image ?? '').includes('/kurrentdb:'));
  const clusterGateways = Object.entries(cluster.services).filter(([, s]) => s.image === 'nik-gateway:local' && !s.command);

  it('the base file alone runs one KurrentDB node, and says so instead of calling itself a cluster', () => {
    expect(Object.values(compose.services).filter((s) => (s.image ?? '').includes('/kurrentdb:'))).toHaveLength(1);
    expect(compose.services.kurrentdb!.environment?.KURRENTDB_CLUSTER_SIZE).toBe(1);
    expect(composeText).toMatch(/ONE node/);
    expect(composeText).not.toMatch(/cluster(ed)? event store/i);
  });

  it('together with the base file is a valid Compose file', () => {
    expect(specErrors(cluster)).toEqual([]);
  });

  it('runs three KurrentDB nodes of one cluster of three, each seeding its gossip with the other two and telling clients its own name', () => {
    expect(nodes.map(([name]) => name).sort()).toEqual(['kurrentdb', 'kurrentdb-2', 'kurrentdb-3']);
    for (const [name, node] of nodes) {
      const env = node.environment ?? {};
      expect({ name, size: env.KURRENTDB_CLUSTER_SIZE, dns: env.KURRENTDB_DISCOVER_VIA_DNS, advertised: env.KURRENTDB_ADVERTISE_HOST_TO_CLIENT_AS }).toEqual({
        name,
        size: 3,
        dns: 'false',
        advertised: name,
      });
      const seeds = String(env.KURRENTDB_GOSSIP_SEED).split(',').sort();
      expect(seeds).toEqual(
        nodes
          .filter(([other]) => other !== name)
          .map(([other]) => `${other}:2113`)
          .sort(),
      );
      expect({ name, projections: env.KURRENTDB_RUN_PROJECTIONS, image: node.image }).toEqual({
        name,
        projections: 'None',
        image: compose.services.kurrentdb!.image,
      });
    }
  });

  it('gives each node its own volume, the internal network only, no published port, a restart policy and a health check', () => {
    const mounts = nodes.map(([, node]) => (node.volumes ?? []).find((v) => v.endsWith(':/var/lib/kurrentdb'))?.split(':')[0]);
    expect(new Set(mounts).size).toBe(3);
    for (const mount of mounts) expect(Object.keys(cluster.volumes ?? {})).toContain(mount);
    for (const [name, node] of nodes) {
      expect({ name, networks: node.networks, ports: node.ports, restart: node.restart }).toEqual({
        name,
        networks: ['backend'],
        ports: undefined,
        restart: 'unless-stopped',
      });
      expect(stringsIn(node.healthcheck?.test).join(' ')).toContain('/health/live');
    }
  });

  it('points every gateway at all three nodes, a connection string the gateway’s own settings loader accepts', () => {
    const dir = withSecrets();
    try {
      expect(clusterGateways.map(([name]) => name)).toEqual(['gateway-1', 'gateway-2']);
      for (const [, gateway] of clusterGateways) {
        const config = loadConfig(environmentOf(gateway, dir));
        expect(storageMode(config)).toBe('eventstoredb');
        expect(config.eventStoreConnectionString).toBe('esdb://kurrentdb:2113,kurrentdb-2:2113,kurrentdb-3:2113?tls=false');
        expect(config.allowedNetworks).toEqual(['10.20.0.0/16', '10.21.0.0/16']); // the base file's settings survive the overlay
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts the first gateway once all three nodes are healthy, and the second after the first', () => {
    const first = cluster.services['gateway-1']!.depends_on ?? {};
    for (const [name] of nodes) expect({ name, condition: first[name]?.condition }).toEqual({ name, condition: 'service_healthy' });
    expect(cluster.services['gateway-2']!.depends_on?.['gateway-1']?.condition).toBe('service_healthy');
  });
});

/** End of life of each Node.js LTS line (nodejs.org/en/about/previous-releases; table as of 7 December 2026). */
const NODE_LTS_END_OF_LIFE: Record<number, string> = {
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
  26: '2029-04-30',
};

describe('docker/Dockerfile', () => {
  const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);

  it('builds on a Node.js LTS line still in support, the same in every stage', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const majors = froms.map((image) => Number(/^node:(\d+)-/.exec(image)?.[1]));
    expect(new Set(majors).size).toBe(1);
    const endOfLife = NODE_LTS_END_OF_LIFE[majors[0]!];
    expect({ image: froms[0], lts: Boolean(endOfLife) }).toEqual({ image: froms[0], lts: true });
    // When this fails, the line has reached its end of life: move the image to the next LTS line.
    expect({ image: froms[0], supportedToday: new Date().toISOString().slice(0, 10) < endOfLife! }).toEqual({ image: froms[0], supportedToday: true });
  });

  it('copies into the final image what the service needs to start: the build, its dependencies, the console and package.json', () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const copied = [...finalStage.matchAll(/^COPY (?:--from=\S+ )?(\S+) (\S+)$/gm)].map((m) => m[1]!.replace(/^\/app\//, ''));
    expect(copied).toEqual(expect.arrayContaining(['node_modules', 'dist', 'console/dist', 'package.json']));
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(finalStage)![1]!) as string[];
    const script = command.at(-1)!;
    expect(script).toBe('dist/src/main.js');
    expect(existsSync(join(root, script.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(finalStage).toMatch(/^USER (?!root)\S+/m);
  });
});
