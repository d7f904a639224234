import { createHmac, randomBytes } from 'node:crypto';
import type { AppConfig, LogIpMode } from '../config/app-config';
import type { RedisStore } from '../store/redis/redis-store';

/** One key per process start, so every instance in the process hashes an address alike. */
const PROCESS_KEY = randomBytes(32);

/**
 * How client addresses appear in the log (LOG_IP): as they are, as a keyed hash (one address
 * can be followed but not reversed), or not at all. The key is random and new at every start:
 * of the process, or with STORE=redis of the deployment (made at its cold start and shared by
 * its processes through Redis, RedisStore.logAddressKey), so an admin can follow an address
 * across processes but not across restarts. It never derives from a configured secret: with
 * TOKEN_SECRET behind it, whoever knew that secret could hash all of IPv4 and read every log.
 */
export class LogAddress {
  constructor(
    private readonly mode: LogIpMode,
    private readonly key: Buffer = PROCESS_KEY,
  ) {}

  static forConfig(config: AppConfig, store?: RedisStore): LogAddress {
    return new LogAddress(config.logIp, store?.logAddressKey());
  }

  format(address: string): string | undefined {
    if (this.mode === 'full') return address;
    if (this.mode === 'off') return undefined;
    return `h:${createHmac('sha256', this.key).update(address).digest('hex').slice(0, 16)}`;
  }
}
