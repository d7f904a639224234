import type { Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisStore } from '../store/redis/redis-store';
import { HmacTokenService } from './adapters/hmac-token.service';
import { TokenService } from './application/ports/token-service';

/**
 * Session tokens, signed with a secret that is new at every start; with STORE=redis, one
 * derived from TOKEN_SECRET and the deployment's epoch, so that every process verifies every
 * token and a cold start of the whole deployment still voids them all.
 */
export const tokenProviders: Provider[] = [
  {
    provide: TokenService,
    inject: [AppConfig, { token: RedisStore, optional: true }],
    useFactory: (config: AppConfig, store: RedisStore | undefined) => {
      if (store && config.tokenSecret !== undefined) return new HmacTokenService(store.tokenSecret(config.tokenSecret));
      return new HmacTokenService(config.tokenSecret === undefined ? undefined : Buffer.from(config.tokenSecret, 'utf8'));
    },
  },
];
