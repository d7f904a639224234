import { createHmac, randomBytes } from 'node:crypto';
import type { LogIpMode } from '../config/app-config';

/**
 * How client addresses appear in the log (LOG_IP): as they are, as a keyed hash (the key is
 * new at every start, so one address can be followed within a run but not reversed), or not at all.
 */
/** One key per process start, so every instance hashes an address alike. */
const PROCESS_KEY = randomBytes(32);

export class LogAddress {
  constructor(private readonly mode: LogIpMode) {}

  format(address: string): string | undefined {
    if (this.mode === 'full') return address;
    if (this.mode === 'off') return undefined;
    return `h:${createHmac('sha256', PROCESS_KEY).update(address).digest('hex').slice(0, 16)}`;
  }
}
