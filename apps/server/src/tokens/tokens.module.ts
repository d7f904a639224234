import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TokenService } from './application/ports/token-service';
import { HmacTokenService } from './adapters/hmac-token.service';

/** Session tokens, signed with a secret that is new at every start (or TOKEN_SECRET when shared). */
@Global()
@Module({
  providers: [
    {
      provide: TokenService,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new HmacTokenService(config.tokenSecret === undefined ? undefined : Buffer.from(config.tokenSecret, 'utf8')),
    },
  ],
  exports: [TokenService],
})
export class TokensModule {}
