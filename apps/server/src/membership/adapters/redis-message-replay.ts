import type { Redis } from 'ioredis';
import { redisKeys } from '../../store/redis/redis-keys';
import { MessageReplay, type Replay, type ResumeRequest } from '../application/ports/message-replay';

/** MessageReplay with Redis (STORE=redis). Interim: holds nothing yet, so a resume reports every seq it asks for as missed. */
export class RedisMessageReplay extends MessageReplay {
  constructor(private readonly commands: Redis) {
    super();
  }

  async replay(request: ResumeRequest, _now: number): Promise<Replay | undefined> {
    const upTo = await this.latestSeq(request.roomKey);
    if (upTo === undefined) return undefined;
    if (request.resume === undefined) return { messages: [], upTo };
    const from = Math.max(Math.min(request.resume, upTo), request.sinceSeq) + 1;
    return from <= upTo ? { missed: { from, to: upTo }, messages: [], upTo } : { messages: [], upTo };
  }

  async latestSeq(roomKey: string): Promise<number | undefined> {
    const seq = await this.commands.hget(redisKeys.room(roomKey), 'seq');
    return seq === null ? undefined : Number(seq);
  }

  forgetExpired(): void {
    // Nothing is held yet.
  }
}
