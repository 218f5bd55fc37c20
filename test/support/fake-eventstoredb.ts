import { randomUUID } from 'node:crypto';
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { GossipService } from '@eventstore/db-client/generated/gossip_grpc_pb';
import { ClusterInfo, EndPoint, MemberInfo } from '@eventstore/db-client/generated/gossip_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';

/**
 * One EventStoreDB node played in-process over a real socket, for testing the adapter at the client boundary:
 * the real `@eventstore/db-client` talks gRPC to it with the service definitions the client itself ships, so
 * the requests it encodes, the answers it decodes and the errors it raises (from the trailers' `exception`
 * key, as a real node sends them) are the client's own.
 *
 * What it plays: Streams.Append (client streaming) and Streams.Read (server streaming) over an in-memory log
 * (revisions, $all positions, stream-not-found, forwards/backwards, maxCount, end of stream, expected
 * revision checks answered as WrongExpectedVersion, the 1 MiB maximum append size); a follower that answers
 * not-leader naming its leader to appends and to reads that require the leader; per-call scripts (fail with
 * a server exception, stall until the call is cancelled or its deadline passes, answer and keep the call
 * open); a record of every call (method, metadata, deadline, whether it was cancelled).
 *
 * Also: Gossip.Read (the members of `cluster`, each in its role, or a scripted failure: discovery for the
 * multi-node connection string), and ServerFeatures listing BatchAppend when asked to (`advertiseBatchAppend`;
 * by default it answers UNIMPLEMENTED, as a server before 21.10 did, so the client appends through
 * Streams.Append). BatchAppend calls are recorded and refused.
 *
 * What it does not play: subscriptions, filtered reads, link resolution, deletes, BatchAppend itself,
 * authentication, and the server's own timing (elections, replication lag) beyond what a test scripts.
 */

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export type FakeMethod = 'append' | 'read' | 'serverFeatures' | 'batchAppend' | 'gossip';

/** A server exception, as EventStoreDB encodes it in the trailers (`exception` key and its companions). */
export type FakeFailure = 'not-leader' | 'maximum-append-size-exceeded' | 'unavailable' | 'deadline-exceeded' | 'internal' | 'cancelled' | 'aborted';

export interface CallScript {
  /** Answer with this server exception instead of doing the work. */
  readonly fail?: FakeFailure;
  /** For `fail: 'not-leader'`: the leader the answer names (defaults to the node's configured leader). */
  readonly leader?: Endpoint;
  /** Never answer: the call ends only when the client cancels it or its deadline passes. */
  readonly stall?: boolean;
  /** Reads: send the events, then keep the call open (no end of stream) until the client cancels it. */
  readonly keepOpen?: boolean;
  /** Appends and reads: do nothing of the call (work or failure) before this settles: a stall the test ends. */
  readonly holdUntil?: Promise<unknown>;
}

export interface RecordedCall {
  readonly method: FakeMethod;
  /** Request metadata, e.g. `requires-leader`, `connection-name`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The call's deadline as the server sees it, in ms since the epoch (Infinity when the client set none). */
  readonly deadline: Date | number;
  /** Reads: the stream read, or `$all`. Appends: the stream appended to (known once its header arrived). */
  stream?: string;
  /** True once the client cancelled the call (or its deadline passed) before the server ended it. */
  cancelled: boolean;
  /** True once the server ended the call (answered, failed or finished streaming). */
  ended: boolean;
  /** What the server answered: 'ok', a failure name, or a gRPC status name. */
  outcome?: string;
}

export interface FakeEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly created: bigint;
}

/** The log a node serves; followers may share their leader's (a replicated copy, caught up). */
export class FakeLog {
  readonly events: FakeEvent[] = [];
  private nextPosition = 1000n;

  revisionOf(stream: string): bigint | undefined {
    let last: bigint | undefined;
    for (const e of this.events) if (e.stream === stream) last = e.revision;
    return last;
  }

  write(stream: string, proposed: ReadonlyArray<Omit<FakeEvent, 'stream' | 'revision' | 'position' | 'created'>>): FakeEvent[] {
    let revision = this.revisionOf(stream) ?? -1n;
    const written: FakeEvent[] = [];
    for (const p of proposed) {
      revision += 1n;
      const event: FakeEvent = {
        ...p,
        stream,
        revision,
        position: this.nextPosition,
        // .NET ticks (100 ns since the epoch), as the server sends `created`.
        created: BigInt(Date.now()) * 10_000n,
      };
      // Positions are byte offsets in a real log: advance by (roughly) the record's size.
      this.nextPosition += BigInt(128 + p.data.length + p.metadata.length + p.type.length);
      this.events.push(event);
      written.push(event);
    }
    return written;
  }
}

export interface FakeNodeOptions {
  /** A follower answers not-leader to appends and to reads with `requires-leader: true`. */
  readonly role?: 'leader' | 'follower';
  /** The leader a follower names. */
  readonly leader?: Endpoint;
  /** Share a log (a follower with a replicated copy); a fresh one by default. */
  readonly log?: FakeLog;
  /** The server's maximum append size in bytes (EventStoreDB's default: 1 MiB). */
  readonly maxAppendSize?: number;
  /**
   * Serve ServerFeatures as a 21.10+ server does, listing Streams.BatchAppend among its methods (by default
   * it answers UNIMPLEMENTED, as an older server did). BatchAppend itself is only recorded and refused.
   */
  readonly advertiseBatchAppend?: boolean;
}

export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

export class FakeEventStoreDbNode {
  readonly log: FakeLog;
  readonly calls: RecordedCall[] = [];
  role: 'leader' | 'follower';
  leader: Endpoint | undefined;
  readonly maxAppendSize: number;
  private readonly scripts = new Map<FakeMethod, CallScript[]>();
  /** The members Gossip.Read lists (this node alone by default), each in its current role, alive. */
  cluster: FakeEventStoreDbNode[] | undefined;
  /** While set, every Gossip.Read fails with this (e.g. 'unavailable': no member can answer gossip). */
  gossipFailure: FakeFailure | undefined;
  private readonly advertiseBatchAppend: boolean;
  private readonly defaults = new Map<FakeMethod, CallScript>();
  private server: Server | undefined;
  private port = 0;

  private constructor(options: FakeNodeOptions) {
    this.log = options.log ?? new FakeLog();
    this.role = options.role ?? 'leader';
    this.leader = options.leader;
    this.maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
    this.advertiseBatchAppend = options.advertiseBatchAppend ?? false;
  }

  /** A discovery (gossip) connection string over the given seeds: the client asks them for the members. */
  static discoveryConnectionString(seeds: readonly FakeEventStoreDbNode[], options = 'maxDiscoverAttempts=1&discoveryInterval=10'): string {
    return `esdb://${seeds.map((n) => `${n.endpoint.address}:${n.endpoint.port}`).join(',')}?tls=false&${options}`;
  }

  /** Starts a node on an ephemeral port of 127.0.0.1. Close it in afterAll. */
  static async start(options: FakeNodeOptions = {}): Promise<FakeEventStoreDbNode> {
    const node = new FakeEventStoreDbNode(options);
    await node.listen();
    return node;
  }

  readonly instanceId = randomUUID();

  get endpoint(): Endpoint {
    return { address: '127.0.0.1', port: this.port };
  }

  /** What the adapter is given: one node, no TLS (the fake speaks plain HTTP/2). */
  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Scripts the next call of `method` (scripts queue up, one per call, in order). */
  next(method: FakeMethod, script: CallScript): this {
    const queue = this.scripts.get(method) ?? [];
    queue.push(script);
    this.scripts.set(method, queue);
    return this;
  }

  /** Scripts every call of `method` not scripted by `next` (e.g. a stalled node); `undefined` ends it. */
  always(method: FakeMethod, script: CallScript | undefined): this {
    if (script) this.defaults.set(method, script);
    else this.defaults.delete(method);
    return this;
  }

  callsOf(method: FakeMethod): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Appends events straight into the log (a given state), as another writer would have. */
  seed(stream: string, events: ReadonlyArray<{ type: string; data: unknown; metadata?: unknown }>): FakeEvent[] {
    return this.log.write(
      stream,
      events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        contentType: 'application/json',
        data: Buffer.from(JSON.stringify(e.data)),
        metadata: Buffer.from(e.metadata === undefined ? '' : JSON.stringify(e.metadata)),
      })),
    );
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // forceShutdown: stalled calls must not keep the test process alive.
    server.forceShutdown();
  }

  private async listen(): Promise<void> {
    const server = new Server();
    server.addService(StreamsService, {
      read: (call: ServerWritableStream<ReadReq, ReadResp>) => this.read(call),
      append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => this.append(call, callback),
      delete: unimplemented,
      tombstone: unimplemented,
      batchAppend: (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
        // Recorded (a test asserts it is never used), then refused: the fake does not play BatchAppend.
        const recorded = this.record('batchAppend', call);
        recorded.ended = true;
        recorded.outcome = 'UNIMPLEMENTED';
        call.emit('error', { code: status.UNIMPLEMENTED, details: 'BatchAppend is not played by the fake node', metadata: new Metadata() });
      },
    });
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) => {
        this.record('serverFeatures', call);
        // Without it, a server without the ServerFeatures service: the client then appends through Streams.Append.
        if (!this.advertiseBatchAppend) return callback({ code: status.UNIMPLEMENTED, details: 'ServerFeatures is not played by the fake node' });
        const methods = new SupportedMethods().setEventStoreServerVersion('23.10.0');
        for (const name of ['read', 'append', 'batchappend', 'delete', 'tombstone']) {
          methods.addMethods(new SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName(name));
        }
        callback(null, methods);
      },
    });
    server.addService(GossipService, {
      read: (call: ServerUnaryCall<Empty, ClusterInfo>, callback: sendUnaryData<ClusterInfo>) => {
        const recorded = this.record('gossip', call);
        recorded.ended = true;
        if (this.gossipFailure) {
          recorded.outcome = this.gossipFailure;
          return callback(this.failure(this.gossipFailure, {}));
        }
        recorded.outcome = 'ok';
        const members = (this.cluster ?? [this]).map((node) =>
          new MemberInfo()
            .setInstanceId(new UUID().setString(node.instanceId))
            .setTimeStamp(String(Date.now()))
            .setState(node.role === 'leader' ? MemberInfo.VNodeState.LEADER : MemberInfo.VNodeState.FOLLOWER)
            .setIsAlive(true)
            .setHttpEndPoint(new EndPoint().setAddress(node.endpoint.address).setPort(node.endpoint.port)),
        );
        callback(null, new ClusterInfo().setMembersList(members));
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
  }

  private record(
    method: FakeMethod,
    call: { metadata: Metadata; getDeadline(): Date | number; on(event: 'cancelled', listener: () => void): unknown },
  ): RecordedCall {
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.metadata.getMap())) metadata[key] = value.toString();
    const recorded: RecordedCall = { method, metadata, deadline: Number(call.getDeadline()), cancelled: false, ended: false };
    call.on('cancelled', () => {
      if (!recorded.ended) recorded.cancelled = true;
    });
    this.calls.push(recorded);
    return recorded;
  }

  private scriptFor(method: FakeMethod): CallScript {
    return this.scripts.get(method)?.shift() ?? this.defaults.get(method) ?? {};
  }

  /** The trailers of a server exception, keyed as EventStoreDB keys them (the client's CommandError reads them). */
  private failure(failure: FakeFailure, script: CallScript): { code: status; details: string; metadata: Metadata } {
    const metadata = new Metadata();
    switch (failure) {
      case 'not-leader': {
        const leader = script.leader ?? this.leader;
        if (!leader) throw new Error('fake node: not-leader needs a leader endpoint');
        metadata.set('exception', 'not-leader');
        metadata.set('leader-endpoint-host', leader.address);
        metadata.set('leader-endpoint-port', String(leader.port));
        return { code: status.NOT_FOUND, details: 'Leader info available', metadata };
      }
      case 'maximum-append-size-exceeded':
        metadata.set('exception', 'maximum-append-size-exceeded');
        metadata.set('maximum-append-size', String(this.maxAppendSize));
        return { code: status.INVALID_ARGUMENT, details: `Maximum Append Size of ${this.maxAppendSize} Exceeded.`, metadata };
      case 'unavailable':
        return { code: status.UNAVAILABLE, details: 'Server Is Not Ready', metadata };
      case 'deadline-exceeded':
        return { code: status.DEADLINE_EXCEEDED, details: 'Deadline Exceeded', metadata };
      case 'internal':
        // No `exception` key: a failure the client has no type for (it raises UnknownError).
        return { code: status.INTERNAL, details: 'Unexpected server failure', metadata };
      case 'cancelled':
        // The server cancelling a call (e.g. a node shutting down), not the client.
        return { code: status.CANCELLED, details: 'Cancelled by the server', metadata };
      case 'aborted':
        // A commit, prepare or forward timeout on the server (RpcExceptions.Timeout): the write may still commit.
        return { code: status.ABORTED, details: 'Operation timed out: Commit timed out.', metadata };
    }
  }

  private read(call: ServerWritableStream<ReadReq, ReadResp>): void {
    const recorded = this.record('read', call);
    const script = this.scriptFor('read');
    if (script.holdUntil) void script.holdUntil.then(() => this.serveRead(call, recorded, script));
    else this.serveRead(call, recorded, script);
  }

  private serveRead(call: ServerWritableStream<ReadReq, ReadResp>, recorded: RecordedCall, script: CallScript): void {
    const options = call.request.getOptions();
    const streamOptions = options?.getStream();
    recorded.stream = streamOptions ? Buffer.from(streamOptions.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8') : '$all';
    const finish = (outcome: string, error?: { code: status; details: string; metadata: Metadata }) => {
      if (recorded.cancelled) return;
      recorded.ended = true;
      recorded.outcome = outcome;
      if (error) call.emit('error', error);
      else call.end();
    };
    if (script.stall) return;
    if (script.fail) return finish(script.fail, this.failure(script.fail, script));
    if (this.role === 'follower' && recorded.metadata['requires-leader'] === 'true') {
      return finish('not-leader', this.failure('not-leader', script));
    }
    if (!options) return finish('INVALID_ARGUMENT', { code: status.INVALID_ARGUMENT, details: 'no options', metadata: new Metadata() });

    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const count = BigInt(options.getCount() || '0');
    let selected: FakeEvent[];
    if (streamOptions) {
      const stream = recorded.stream;
      const events = this.log.events.filter((e) => e.stream === stream);
      if (events.length === 0) {
        const notFound = new ReadResp.StreamNotFound();
        const identifier = new StreamIdentifier();
        identifier.setStreamName(Buffer.from(stream, 'utf8'));
        notFound.setStreamIdentifier(identifier);
        call.write(new ReadResp().setStreamNotFound(notFound));
        return finish('stream-not-found');
      }
      if (streamOptions.hasRevision()) {
        const from = BigInt(streamOptions.getRevision());
        selected = backwards ? events.filter((e) => e.revision <= from).reverse() : events.filter((e) => e.revision >= from);
      } else if (streamOptions.hasEnd()) {
        selected = backwards ? [...events].reverse() : [];
      } else {
        selected = backwards ? [] : events;
      }
    } else {
      const all = options.getAll()!;
      const events = this.log.events;
      if (all.hasPosition()) {
        const from = BigInt(all.getPosition()!.getCommitPosition());
        // Forwards from a position includes the event at it; backwards reads what lies before it.
        selected = backwards ? events.filter((e) => e.position < from).reverse() : events.filter((e) => e.position >= from);
      } else if (all.hasEnd()) {
        selected = backwards ? [...events].reverse() : [];
      } else {
        selected = backwards ? [] : events;
      }
    }
    for (const event of selected.slice(0, Number(count < BigInt(Number.MAX_SAFE_INTEGER) ? count : BigInt(Number.MAX_SAFE_INTEGER)))) {
      call.write(new ReadResp().setEvent(toReadEvent(event)));
    }
    if (script.keepOpen) return;
    finish('ok');
  }

  private append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
    const recorded = this.record('append', call);
    const script = this.scriptFor('append');
    let header: AppendReq.Options | undefined;
    const proposed: Array<Omit<FakeEvent, 'stream' | 'revision' | 'position' | 'created'>> = [];
    let size = 0;
    let done = false;
    const answer = (outcome: string, error: { code: status; details: string; metadata: Metadata } | null, response?: AppendResp) => {
      if (done || recorded.cancelled) return;
      done = true;
      recorded.ended = true;
      recorded.outcome = outcome;
      if (error) callback(error);
      else callback(null, response);
    };
    call.on('data', (message: AppendReq) => {
      if (done) return;
      if (message.hasOptions()) {
        header = message.getOptions()!;
        recorded.stream = Buffer.from(header.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
        return;
      }
      const p = message.getProposedMessage();
      if (!p) return;
      const type = p.getMetadataMap().get('type') ?? '';
      const data = p.getData_asU8();
      const metadata = p.getCustomMetadata_asU8();
      // The server measures what it will write (data, metadata, type) and refuses as soon as the total
      // passes its maximum, before the client has finished sending.
      size += data.length + metadata.length + Buffer.byteLength(type) * 2;
      if (size > this.maxAppendSize && !script.stall) {
        answer('maximum-append-size-exceeded', this.failure('maximum-append-size-exceeded', script));
        return;
      }
      proposed.push({
        id: p.getId()!.getString(),
        type,
        contentType: p.getMetadataMap().get('content-type') ?? 'application/octet-stream',
        data,
        metadata,
      });
    });
    call.on('end', () => {
      if (script.holdUntil) void script.holdUntil.then(settle);
      else settle();
    });
    const settle = () => {
      if (done || script.stall) return;
      if (script.fail) return answer(script.fail, this.failure(script.fail, script));
      if (this.role === 'follower') return answer('not-leader', this.failure('not-leader', script));
      if (!header) return answer('INVALID_ARGUMENT', { code: status.INVALID_ARGUMENT, details: 'no options', metadata: new Metadata() });
      const stream = recorded.stream!;
      const current = this.log.revisionOf(stream);
      const expected = header.getExpectedStreamRevisionCase();
      const Case = AppendReq.Options.ExpectedStreamRevisionCase;
      const matches =
        expected === Case.ANY ||
        (expected === Case.NO_STREAM && current === undefined) ||
        (expected === Case.STREAM_EXISTS && current !== undefined) ||
        (expected === Case.REVISION && current !== undefined && BigInt(header.getRevision()) === current);
      if (!matches) {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (current === undefined) wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentRevision(current.toString());
        if (expected === Case.REVISION) wrong.setExpectedRevision(header.getRevision());
        else if (expected === Case.NO_STREAM) wrong.setExpectedNoStream(new Empty());
        else if (expected === Case.STREAM_EXISTS) wrong.setExpectedStreamExists(new Empty());
        else wrong.setExpectedAny(new Empty());
        return answer('wrong-expected-version', null, new AppendResp().setWrongExpectedVersion(wrong));
      }
      const written = this.log.write(stream, proposed);
      const last = written.at(-1);
      const success = new AppendResp.Success();
      const revision = last?.revision ?? current;
      if (revision === undefined) success.setNoStream(new Empty());
      else success.setCurrentRevision(revision.toString());
      if (last) {
        const position = new AppendResp.Position();
        position.setCommitPosition(last.position.toString());
        position.setPreparePosition(last.position.toString());
        success.setPosition(position);
      } else success.setNoPosition(new Empty());
      answer('ok', null, new AppendResp().setSuccess(success));
    };
  }
}

function unimplemented(_call: unknown, callback?: sendUnaryData<unknown>): void {
  callback?.({ code: status.UNIMPLEMENTED, details: 'not played by the fake node' });
}

function toReadEvent(event: FakeEvent): ReadResp.ReadEvent {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(event.id);
  recorded.setId(id);
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(event.stream, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(event.revision.toString());
  recorded.setCommitPosition(event.position.toString());
  recorded.setPreparePosition(event.position.toString());
  recorded.getMetadataMap().set('type', event.type);
  recorded.getMetadataMap().set('content-type', event.contentType);
  recorded.getMetadataMap().set('created', event.created.toString());
  recorded.setData(event.data);
  recorded.setCustomMetadata(event.metadata);
  const read = new ReadResp.ReadEvent();
  read.setEvent(recorded);
  read.setCommitPosition(event.position.toString());
  return read;
}
