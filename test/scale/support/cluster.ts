import { ErrorCode, ServerEvent, type PresenceEvent } from '@ciphernest/protocol';
import { RedisServer } from '../../../apps/server/src/testing/redis-server';
import { chatFor, createRoom, expectError, getKdf, joinRoom, type Session } from '../../support/builders';
import { delay, type ChatClient } from '../../support/chat-client';
import { memberEvent } from '../../support/events';
import { ServerProcess, type ServerEnv } from '../../support/server-process';

/**
 * Jest's timeout for hooks and tests that start or stop processes or wait on a heartbeat or a
 * grace (the default 5 s is too short on a loaded 2-core machine).
 */
export const SLOW_MS = 30_000;

/** The TOKEN_SECRET every process of a test deployment shares (at least 32 characters). */
export const TOKEN_SECRET = 'scale-suite token secret, 32+ characters long';

/** The environment of a process of a deployment on `redis` (STORE=redis), with `env` on top. */
export function deploymentEnv(redis: RedisServer, env: ServerEnv = {}): ServerEnv {
  return { STORE: 'redis', REDIS_URL: redis.url, TOKEN_SECRET, ...env };
}

/**
 * Several built server processes sharing one Redis (STORE=redis), as a scaled-out deployment.
 * Processes can be added, stopped (SIGTERM, as a rolling restart does) or killed (SIGKILL).
 */
export class Cluster {
  private readonly processes: ServerProcess[] = [];

  constructor(
    readonly redis: RedisServer,
    readonly env: ServerEnv = {},
  ) {}

  /** Starts `count` more processes, together; resolves once each logged `server.started`. */
  async start(count: number): Promise<ServerProcess[]> {
    const started = await Promise.all(Array.from({ length: count }, () => ServerProcess.start(deploymentEnv(this.redis, this.env))));
    this.processes.push(...started);
    return started;
  }

  /** Every process started and not yet stopped, killed ones included, in the order they started. */
  get nodes(): ServerProcess[] {
    return [...this.processes];
  }

  /** Stops every running process with SIGTERM (each must exit 0 by itself) and forgets them. */
  async stopAll(): Promise<void> {
    const nodes = this.processes.splice(0);
    const statuses = await Promise.all(nodes.map((node) => node.stop('SIGTERM', 10_000)));
    const unclean = nodes.filter((_, n) => statuses[n]!.killed || (statuses[n]!.code !== 0 && statuses[n]!.signal !== 'SIGKILL'));
    if (unclean.length > 0) {
      const tails = unclean.map((node) => node.output().split('\n').slice(-30).join('\n'));
      throw new Error(`processes did not stop cleanly: ${JSON.stringify(statuses)}\n${tails.join('\n---\n')}`);
    }
  }
}

/**
 * One real redis-server for the whole spec file (one per file, so files never share state).
 * Call it at the top of the file, outside any describe: its afterAll must run after those of
 * the blocks whose processes use it.
 */
export function useRedis(): () => RedisServer {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await RedisServer.start();
  }, SLOW_MS);
  afterAll(async () => {
    await redis?.stop();
  }, SLOW_MS);
  return () => {
    if (!redis) throw new Error('the Redis server of this file has not started');
    return redis;
  };
}

/**
 * `count` processes on the file's Redis for the enclosing describe block, stopped with SIGTERM
 * afterwards so the next block's processes start cold (a fresh epoch, nothing left over).
 */
export function useCluster(redis: () => RedisServer, count: number, env: ServerEnv = {}): () => ServerProcess[] {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = new Cluster(redis(), env);
    await cluster.start(count);
  }, SLOW_MS);
  afterAll(async () => {
    await cluster?.stopAll();
  }, SLOW_MS);
  return () => {
    if (!cluster) throw new Error('the processes of this block have not started');
    return cluster.nodes;
  };
}

/** Connects as `session` to `node` and takes the `presence` that follows. */
export async function connectVia(node: ServerProcess, session: Session): Promise<{ client: ChatClient; presence: PresenceEvent }> {
  const client = chatFor(node, session);
  await client.connect();
  return { client, presence: await client.next<PresenceEvent>(ServerEvent.Presence) };
}

export interface SpreadRoom {
  room: string;
  sessions: Session[];
  clients: ChatClient[];
}

/**
 * A room whose members each use their own process: member i is created or joined through
 * `nodes[i]` over HTTP and connects there; each from an address of its own. Every earlier member's
 * `member joined` is taken, so the test starts clean.
 */
export async function setUpSpreadRoom(members: [username: string, node: ServerProcess][], options: { room?: string } = {}): Promise<SpreadRoom> {
  const [[creator, creatorNode], ...others] = members;
  const first = await createRoom(creatorNode, { room: options.room, username: creator });
  const sessions = [first];
  for (const [username, node] of others) sessions.push(await joinRoom(node, first, { username }));
  const clients: ChatClient[] = [];
  for (const [index, session] of sessions.entries()) {
    const { client } = await connectVia(members[index]![1], session);
    for (const earlier of clients) await earlier.next(ServerEvent.Member, memberEvent('joined', session.username));
    clients.push(client);
  }
  return { room: first.room, sessions, clients };
}

/** Polls the kdf look-up on `node` until the room is gone (404 ROOM_NOT_FOUND) or `withinMs` passed. */
export async function roomGone(node: ServerProcess, room: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  let last = await getKdf(node, room);
  while (last.status !== 404 && Date.now() < deadline) {
    await delay(50);
    last = await getKdf(node, room);
  }
  expectError(last, ErrorCode.RoomNotFound);
}
