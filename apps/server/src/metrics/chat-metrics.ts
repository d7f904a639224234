import { Injectable, Optional } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ErrorCode } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { RoomRepository } from '../membership/application/ports/room.repository';
import { SessionRepository } from '../membership/application/ports/session.repository';
import { RedisStore } from '../store/redis/redis-store';

/** Where a request was refused: an HTTP answer, a Socket.IO handshake, or a `message` ack. */
export type RejectionChannel = 'http' | 'handshake' | 'message';

/**
 * The Prometheus metrics of one server process, in a registry of its own (several apps in one
 * process, as in tests, never share counters). Rooms and sessions are read from the repositories
 * at each scrape, so they cannot drift from the truth; relays and refusals are counted as the
 * driving adapters report them. Nothing here sees a name, an address, a token or a box: labels
 * are error codes and channels only, so the metrics cannot identify anyone.
 */
@Injectable()
export class ChatMetrics {
  readonly registry = new Registry();
  private readonly relayedMessages: Counter;
  private readonly relayedBytes: Counter;
  private readonly rejections: Counter<'code' | 'channel'>;
  private readonly replayed: Counter;
  private readonly missed: Counter;
  private readonly slowConsumers: Counter;
  private readonly joinLockouts: Counter;
  private readonly redisErrors: Counter | undefined;
  /**
   * Relays counted since the last scrape, added to the counters as they are collected: a
   * prom-client inc() allocates and hashes labels, twice per message on the hot path.
   */
  private unscrapedMessages = 0;
  private unscrapedBytes = 0;

  constructor(config: AppConfig, rooms: RoomRepository, sessions: SessionRepository, @Optional() redis?: RedisStore) {
    const registers = [this.registry];
    new Gauge({
      name: 'ciphernest_rooms',
      help: 'Rooms that exist now (each has at least one session).',
      registers,
      async collect() {
        this.set((await rooms.list()).length);
      },
    });
    new Gauge({
      name: 'ciphernest_sessions',
      help: 'Sessions now, by status: online (a socket is attached) or away (within the grace).',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = { online: 0, away: 0 };
        for (const room of await rooms.list()) {
          for (const session of await sessions.inRoom(room.key)) counts[session.status] += 1;
        }
        this.set({ status: 'online' }, counts.online);
        this.set({ status: 'away' }, counts.away);
      },
    });
    this.relayedMessages = new Counter({
      name: 'ciphernest_messages_relayed_total',
      help: 'Messages accepted and relayed to their room (a repeated id is not counted again).',
      registers,
      collect: () => this.flushRelayed(),
    });
    this.relayedBytes = new Counter({
      name: 'ciphernest_relayed_bytes_total',
      help: 'Bytes of encrypted boxes relayed, counted once per message whatever the number of members.',
      registers,
      collect: () => this.flushRelayed(),
    });
    this.rejections = new Counter({
      name: 'ciphernest_rejections_total',
      help: 'Requests refused, by error code (docs/protocol.md) and channel (http, handshake, message).',
      labelNames: ['code', 'channel'],
      registers,
    });
    this.replayed = new Counter({
      name: 'ciphernest_messages_replayed_total',
      help: 'Held messages sent to resuming sockets (docs/protocol.md §5.1), counted per socket.',
      registers,
    });
    this.missed = new Counter({
      name: 'ciphernest_messages_missed_total',
      help: 'Messages a resuming socket should have had that were no longer held (the seqs of its `missed` range).',
      registers,
    });
    this.slowConsumers = new Counter({
      name: 'ciphernest_slow_consumers_total',
      help: 'Sockets closed because more than MAX_BUFFERED_BYTES waited for them (socket.slow_consumer).',
      registers,
    });
    this.joinLockouts = new Counter({
      name: 'ciphernest_join_lockouts_total',
      help: 'Joins refused (RATE_LIMITED) because their address and room had used up RATE_FAILED_JOINS_PER_MIN wrong passwords.',
      registers,
    });
    if (redis) {
      new Gauge({
        name: 'ciphernest_redis_reachable',
        help: 'STORE=redis: 1 while both Redis connections are up and the heartbeat holds, else 0 (/readyz answers 503 then).',
        registers,
        collect() {
          this.set(redis.reachable ? 1 : 0);
        },
      });
      this.redisErrors = new Counter({
        name: 'ciphernest_redis_errors_total',
        help: 'STORE=redis: Redis connection errors and commands that ran out of retries (redis.error).',
        registers,
      });
    }
    // Process metrics, among them nodejs_eventloop_lag_seconds and its percentiles. They start
    // monitors of their own, so only a server that serves /metrics pays for them.
    if (config.metricsToken !== undefined) collectDefaultMetrics({ register: this.registry });
  }

  messageRelayed(bytes: number): void {
    this.unscrapedMessages += 1;
    this.unscrapedBytes += bytes;
  }

  private flushRelayed(): void {
    if (this.unscrapedMessages > 0) this.relayedMessages.inc(this.unscrapedMessages);
    if (this.unscrapedBytes > 0) this.relayedBytes.inc(this.unscrapedBytes);
    this.unscrapedMessages = 0;
    this.unscrapedBytes = 0;
  }

  /** A resume: `replayed` messages sent from the hold, `missed` no longer held. */
  resumed(replayed: number, missed: number): void {
    if (replayed > 0) this.replayed.inc(replayed);
    if (missed > 0) this.missed.inc(missed);
  }

  /** A socket closed as a slow consumer (docs/protocol.md §5). */
  slowConsumer(): void {
    this.slowConsumers.inc();
  }

  /** A join refused because its (address, room) used up its wrong passwords. */
  joinLockedOut(): void {
    this.joinLockouts.inc();
  }

  /** A Redis connection error (counted only with STORE=redis). */
  redisError(): void {
    this.redisErrors?.inc();
  }

  rejected(code: ErrorCode, channel: RejectionChannel): void {
    this.rejections.inc({ code, channel });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format, as Prometheus scrapes it. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
