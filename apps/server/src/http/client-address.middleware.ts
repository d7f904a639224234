import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { clientAddress } from '../shared/client-address';

export interface AddressedRequest extends IncomingMessage {
  /** PROTOCOL.md §4's client address, computed once per request. */
  clientAddress: string;
}

@Injectable()
export class ClientAddressMiddleware implements NestMiddleware {
  constructor(private readonly config: AppConfig) {}

  use(request: IncomingMessage, _response: ServerResponse, next: () => void): void {
    (request as AddressedRequest).clientAddress = clientAddress(request, this.config.trustProxy);
    next();
  }
}
