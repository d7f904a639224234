import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';
import { addressKey, clientAddress } from '../shared/client-address';

export interface AddressedRequest extends IncomingMessage {
  /** docs/protocol.md §4's client address, computed once per request; tokens are bound to it. */
  clientAddress: string;
  /**
   * What every per-address limit counts under: the client address, or for IPv6 its network of
   * IPV6_PREFIX_LENGTH bits (an IPv6 client usually owns a whole /64).
   */
  addressKey: string;
}

@Injectable()
export class ClientAddressMiddleware implements NestMiddleware {
  constructor(private readonly config: AppConfig) {}

  use(request: IncomingMessage, _response: ServerResponse, next: () => void): void {
    const addressed = request as AddressedRequest;
    addressed.clientAddress = clientAddress(request, this.config.trustProxy);
    addressed.addressKey = addressKey(addressed.clientAddress, this.config.perAddress.ipv6PrefixLength);
    next();
  }
}
