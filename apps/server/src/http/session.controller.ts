import { Controller, Delete, Headers, HttpCode, Req, UseGuards } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AuthenticateSession } from '../membership/application/authenticate-session.use-case';
import { EndSession } from '../membership/application/end-session.use-case';
import { LogAddress } from '../logging/log-address';
import { ApiError } from './api-error';
import type { AddressedRequest } from './client-address.middleware';
import { bearerToken } from './bearer-token';
import { OriginGuard } from './origin.guard';

/** DELETE /api/session: ends the caller's session at once, as `leave` does. */
@Controller('api/session')
@UseGuards(OriginGuard)
export class SessionController {
  constructor(
    private readonly authenticate: AuthenticateSession,
    private readonly endSession: EndSession,
    private readonly addresses: LogAddress,
    private readonly logger: PinoLogger,
  ) {}

  @Delete()
  @HttpCode(204)
  async end(@Headers('authorization') authorization: string | undefined, @Req() request: AddressedRequest): Promise<void> {
    const token = bearerToken(authorization);
    const session = await this.authenticate.execute(token, request.clientAddress);
    if (!session.ok) {
      this.logger.info({ event: 'session.rejected', ip: this.addresses.format(request.clientAddress), reason: session.code }, 'session end refused');
      throw new ApiError(session.code);
    }
    if (!(await this.endSession.execute(session.value.id, 'left'))) throw new ApiError('SESSION_NOT_FOUND');
  }
}
