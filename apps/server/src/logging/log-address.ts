import { createHmac, randomBytes } from 'node:crypto';
import type { AppConfig, LogIpMode } from '../config/app-config';

/** One key per process start, so every instance in the process hashes an address alike. */
const PROCESS_KEY = randomBytes(32);

/**
 * How client addresses appear in the log (LOG_IP): as they are, as a keyed hash (one address
 * can be followed but not reversed), or not at all. The key is new at every start; with
 * STORE=redis it is derived from TOKEN_SECRET, so every process of a deployment hashes an
 * address alike and an admin can follow it across them.
 */
export class LogAddress {
  private readonly key: Buffer;

  constructor(
    private readonly mode: LogIpMode,
    sharedSecret?: string,
  ) {
    this.key = sharedSecret === undefined ? PROCESS_KEY : createHmac('sha256', sharedSecret).update('ciphernest/v1/log-ip').digest();
  }

  static forConfig(config: AppConfig): LogAddress {
    return new LogAddress(config.logIp, config.store === 'redis' ? config.tokenSecret : undefined);
  }

  format(address: string): string | undefined {
    if (this.mode === 'full') return address;
    if (this.mode === 'off') return undefined;
    return `h:${createHmac('sha256', this.key).update(address).digest('hex').slice(0, 16)}`;
  }
}
