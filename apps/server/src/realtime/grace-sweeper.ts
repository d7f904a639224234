import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { ExpireAwaySessions } from '../membership/application/expire-away-sessions.use-case';
import { MessageReplay } from '../membership/application/ports/message-replay';
import { Clock } from '../shared/clock';
import { ReleaseOrphanedSessions } from '../membership/application/release-orphaned-sessions.use-case';

/**
 * Drives ReleaseOrphanedSessions and ExpireAwaySessions on a short interval, so an away session
 * ends soon after its grace, also when the process that held its socket died. Every process of
 * a shared store sweeps; each session is released and ended once. It also drops held messages
 * once REPLAY_MS has passed (docs/protocol.md §5.1), in idle rooms too.
 */
@Injectable()
export class GraceSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly release: ReleaseOrphanedSessions,
    private readonly expire: ExpireAwaySessions,
    private readonly replays: MessageReplay,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    const interval = Math.max(20, Math.min(250, Math.floor(this.config.limits.disconnectGraceMs / 10)));
    this.timer = setInterval(() => void this.sweep(), interval);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.release.execute();
      await this.expire.execute();
      await this.replays.forgetExpired(this.clock.now());
    } catch (error) {
      this.logger.error({ event: 'sweeper.error', err: error }, 'expiring away sessions failed');
    } finally {
      this.running = false;
    }
  }
}
