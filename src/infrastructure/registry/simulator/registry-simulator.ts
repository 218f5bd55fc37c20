import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { LosslessNumber, stringify } from 'lossless-json';
import { generatePopulation, type SimulatedPerson } from './population';

/** What the simulator can be told to do instead of answering normally. */
export type Fault =
  | { mode: 'RESPON'; respon: string } // answer 200 with this RESPON (every error string the real service uses)
  | { mode: 'HTTP_5XX'; status?: number } // any status, in fact: 4xx too
  | { mode: 'REDIRECT' } // 307 to /simulator/captured, which counts what reaches it
  | { mode: 'SLOW'; delayMs: number }
  | { mode: 'HANG' } // never answer: the client's timeout must fire
  | { mode: 'DOWN' } // reset the connection
  | { mode: 'DROP_KEPT_ALIVE' } // reset a call on a connection that already carried one (a kept-alive one closed as the call came)
  | { mode: 'OVERSIZED' } // the person's answer padded to 2 MiB, streamed without content-length: the client must not buffer it all
  | { mode: 'MALFORMED' }; // 200 with a body that is not the envelope

/** Which endpoint a fault applies to. */
export type FaultTarget = 'CALL_NIK' | 'BALIKAN';

export interface SimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly userId?: string;
  readonly password?: string;
  readonly populationSize?: number;
  readonly seed?: number;
  /** Bearer token the data-balikan endpoint expects. */
  readonly balikanToken?: string;
}

export interface RegistrySimulator {
  readonly url: string;
  readonly samples: Samples;
  setFault(fault: Fault | null, target?: FaultTarget): void;
  /** Data balikan received, per reference (Idempotency-Key): a re-sent one counts once in `distinct`. */
  balikan(): { received: number; distinct: number; perReference: Map<string, number> };
  /** CALL_NIK requests received so far. */
  calls(): number;
  /** Requests that followed a REDIRECT fault (must stay 0: the client never follows redirects). */
  captured(): number;
  stop(): Promise<void>;
}

export interface Samples {
  found: string[];
  deceased: string[];
  outsideRegency: string[];
  notFound: string[];
}

/**
 * The population registry's CALL_NIK service as public clients use it, over synthetic people, for
 * development, tests and benchmarks. Faults on demand: POST /simulator/faults, DELETE to clear.
 */
export async function startRegistrySimulator(options: SimulatorOptions = {}): Promise<RegistrySimulator> {
  const people = generatePopulation(options.populationSize ?? 5000, options.seed);
  const byNik = new Map(people.map((p) => [p.nik, p]));
  const samples = pickSamples(people, byNik);
  const credentials = { userId: options.userId ?? 'simulator', password: options.password ?? 'simulator' };
  const faults: Record<FaultTarget, Fault | null> = { CALL_NIK: null, BALIKAN: null };
  const balikanReceived = new Map<string, number>();
  let balikanTotal = 0;
  const balikanToken = options.balikanToken ?? 'simulator-balikan-token';
  let calls = 0;
  let captured = 0;
  const sockets = new Set<Socket>();
  const carriedACall = new WeakSet<Socket>();

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const body = await readBody(request);
    if (request.method === 'GET' && url.pathname === '/simulator/samples') return json(response, 200, samples);
    if (request.method === 'GET' && url.pathname === '/simulator/calls') return json(response, 200, { calls, captured });
    if (url.pathname === '/simulator/captured') {
      captured++;
      return json(response, 200, { content: [{ RESPON: 'Data Tidak Ditemukan' }] });
    }
    if (url.pathname === '/simulator/faults') {
      const target = (url.searchParams.get('target') ?? 'CALL_NIK').toUpperCase() as FaultTarget;
      if (!(target in faults)) return json(response, 400, { message: 'target is CALL_NIK or BALIKAN' });
      if (request.method === 'DELETE') faults[target] = null;
      else if (request.method === 'POST') faults[target] = JSON.parse(body || 'null') as Fault | null;
      return json(response, 200, { target, fault: faults[target] });
    }
    if (request.method === 'GET' && url.pathname === '/simulator/balikan') {
      return json(response, 200, { received: balikanTotal, distinct: balikanReceived.size, perReference: Object.fromEntries(balikanReceived) });
    }
    if (request.method === 'POST' && url.pathname === '/databalikan/api/store') return storeBalikan(body, request, response);
    if (request.method === 'POST' && /^\/dukcapil\/get_json\/[^/]+\/call_nik$/i.test(url.pathname)) {
      calls++;
      return callNik(body, request, response);
    }
    json(response, 404, { message: 'Not Found' });
  }

  /** The data-balikan service: acknowledges {"message":"Success"}; counts deliveries per reference. */
  async function storeBalikan(body: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const current = faults.BALIKAN;
    if (current?.mode === 'DOWN') return void request.socket.destroy();
    if (current?.mode === 'HANG') return;
    if (current?.mode === 'SLOW') await new Promise((resolve) => setTimeout(resolve, current.delayMs));
    if (current?.mode === 'HTTP_5XX') return json(response, current.status ?? 503, { message: 'Service Unavailable' });
    if (current?.mode === 'MALFORMED') return void response.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
    if (current?.mode === 'REDIRECT') return void response.writeHead(307, { location: '/simulator/captured' }).end();
    if (request.headers.authorization !== `Bearer ${balikanToken}`) return json(response, 401, { message: 'Unauthenticated' });
    let input: { nik?: unknown; id_lembaga?: unknown; param?: unknown };
    try {
      input = JSON.parse(body) as typeof input;
    } catch {
      return json(response, 400, { message: 'Bad Request' });
    }
    if (typeof input.nik !== 'string' || !Array.isArray(input.param) || typeof input.id_lembaga !== 'string')
      return json(response, 422, { message: 'Invalid' });
    const reference = String(request.headers['idempotency-key'] ?? '');
    balikanTotal++;
    balikanReceived.set(reference, (balikanReceived.get(reference) ?? 0) + 1);
    return json(response, 200, { message: 'Success' });
  }

  async function callNik(body: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const current = faults.CALL_NIK;
    const keptAlive = carriedACall.has(request.socket);
    carriedACall.add(request.socket);
    if (current?.mode === 'DOWN' || (current?.mode === 'DROP_KEPT_ALIVE' && keptAlive)) return void request.socket.destroy();
    if (current?.mode === 'HANG') return; // the socket stays open, no answer
    if (current?.mode === 'SLOW') await new Promise((resolve) => setTimeout(resolve, current.delayMs));
    if (current?.mode === 'HTTP_5XX') return json(response, current.status ?? 503, { message: 'Service Unavailable' });
    if (current?.mode === 'REDIRECT') return void response.writeHead(307, { location: '/simulator/captured' }).end();
    if (current?.mode === 'MALFORMED') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"content": "not-a-list"');
    if (current?.mode === 'RESPON') return page(response, [{ RESPON: current.respon }]);
    let input: Record<string, unknown>;
    try {
      input = Object.fromEntries(Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => [k.toUpperCase(), v]));
    } catch {
      return page(response, [{ RESPON: 'Parameter Tidak Lengkap' }]);
    }
    if (input.USER_ID !== credentials.userId || input.PASSWORD !== credentials.password) return page(response, [{ RESPON: 'Login Gagal' }]);
    const person = byNik.get(String(input.NIK ?? ''));
    if (!person) return page(response, [{ RESPON: 'Data Tidak Ditemukan' }]);
    if (current?.mode === 'OVERSIZED') return streamOversized(response, answerFor(person));
    return page(response, [answerFor(person)]);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // a fixed port already taken: the caller says which setting to change
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}`,
    samples,
    setFault(next, target = 'CALL_NIK') {
      faults[target] = next;
    },
    balikan: () => ({ received: balikanTotal, distinct: balikanReceived.size, perReference: new Map(balikanReceived) }),
    calls: () => calls,
    captured: () => captured,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The fields the real service sends (more than the nine agreed); NIK and NO_KK as raw JSON numbers. */
function answerFor(p: SimulatedPerson): Record<string, unknown> {
  return {
    NIK: new LosslessNumber(p.nik),
    NO_KK: new LosslessNumber(p.kk),
    NAMA_LGKP: p.name,
    JENIS_KLMIN: p.female ? 'Perempuan' : 'Laki-Laki',
    TMPT_LHR: p.birthPlace,
    TGL_LHR: p.birthDate,
    JENIS_PKRJN: p.occupation,
    STATUS_KAWIN: p.maritalStatus,
    ALAMAT: p.street,
    NO_RT: p.rt,
    NO_RW: p.rw,
    KEL_NAME: p.village,
    KEC_NAME: p.district,
    KAB_NAME: p.regencyName,
    PROP_NAME: p.provinceName,
    ...p.extra,
    ...(p.deceased ? { RESPON: 'Data Ditemukan, Status Meninggal Dunia' } : {}),
  };
}

function page(response: ServerResponse, content: Record<string, unknown>[]): void {
  const body = stringify({
    content,
    lastPage: true,
    numberOfElements: content.length,
    sort: null,
    totalElements: content.length,
    firstPage: true,
    number: 0,
    size: content.length,
  })!;
  response.writeHead(200, { 'content-type': 'application/json' }).end(body);
}

/** A well-formed answer with 2 MiB of padding in one field, written in 64 KiB chunks as the reader takes them. */
function streamOversized(response: ServerResponse, person: Record<string, unknown>): void {
  const [head, tail] = stringify({ content: [{ PADDING: '@', ...person }], lastPage: true, totalElements: 1 })!.split('"@"') as [string, string];
  const chunk = 'x'.repeat(64 * 1024);
  let left = 32;
  const more = (): void => {
    while (left > 0) {
      left--;
      if (!response.write(chunk)) return void response.once('drain', more);
    }
    response.end(`"${tail}`);
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.write(`${head}"`);
  more();
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => {
      data += chunk;
      if (data.length > 64 * 1024) request.destroy();
    });
    request.on('end', () => resolve(data));
    request.on('error', reject);
  });
}

function pickSamples(people: SimulatedPerson[], byNik: Map<string, SimulatedPerson>): Samples {
  const inRegency = (p: SimulatedPerson) => p.nik.startsWith('3313');
  const notFound: string[] = [];
  for (let serial = 9999; notFound.length < 3; serial--) {
    const nik = `331309010190${String(serial).padStart(4, '0')}`; // valid structure, nobody registered
    if (!byNik.has(nik)) notFound.push(nik);
  }
  return {
    found: people
      .filter((p) => !p.deceased && inRegency(p))
      .slice(0, 5)
      .map((p) => p.nik),
    deceased: people
      .filter((p) => p.deceased)
      .slice(0, 3)
      .map((p) => p.nik),
    outsideRegency: [
      ...people.filter((p) => !p.deceased && !inRegency(p) && !/^9[12]/.test(p.nik)).slice(0, 2),
      ...people.filter((p) => !p.deceased && /^9[12]/.test(p.nik)).slice(0, 2),
    ].map((p) => p.nik),
    notFound,
  };
}
