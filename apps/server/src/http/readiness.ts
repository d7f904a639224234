import { Injectable, Optional } from '@nestjs/common';
import type { UnreadyReason } from '@ciphernest/protocol';
import { RedisStore } from '../store/redis/redis-store';

export type ReadinessCheck = { ready: true } | { ready: false; reason: UnreadyReason };

/**
 * Whether this process should get traffic (GET /readyz), as opposed to whether it lives
 * (GET /livez). Not ready while it starts (main.ts marks it serving once it listens: its store was
 * ready before the port opened), from SIGTERM on (main.ts marks it stopping before any socket
 * closes), and with STORE=redis whenever Redis cannot be used (RedisStore.reachable).
 */
@Injectable()
export class Readiness {
  private phase: 'starting' | 'serving' | 'stopping' = 'starting';

  constructor(@Optional() private readonly redis?: RedisStore) {}

  /** The server listens; from now on only stopping or the store can make it unready. */
  serving(): void {
    if (this.phase === 'starting') this.phase = 'serving';
  }

  /** SIGTERM (or a lapsed heartbeat): unready for good. */
  stopping(): void {
    this.phase = 'stopping';
  }

  check(): ReadinessCheck {
    if (this.phase !== 'serving') return { ready: false, reason: this.phase };
    if (this.redis && !this.redis.reachable) return { ready: false, reason: 'store-unreachable' };
    return { ready: true };
  }
}
