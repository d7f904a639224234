import { Controller, Get, UseGuards, UseInterceptors } from '@nestjs/common';
import type { RoomDirectory } from '@ciphernest/protocol';
import { AppConfig } from '../config/app-config';
import { ListRooms } from '../membership/application/list-rooms.use-case';
import { AddressThrottlerGuard } from './address-throttler.guard';
import { ApiError } from './api-error';
import { RateLimit } from './rate-limit.decorator';
import { OriginGuard } from './origin.guard';
import { ReadableBodyInterceptor } from './readable-body.interceptor';

/**
 * GET /api/rooms, the optional room directory (docs/protocol.md §4): 404 NOT_FOUND unless
 * ROOM_DIRECTORY=true, counted toward the look-up limit either way.
 */
@Controller('api/rooms')
@UseGuards(OriginGuard, AddressThrottlerGuard)
@UseInterceptors(ReadableBodyInterceptor)
export class RoomDirectoryController {
  constructor(
    private readonly listRooms: ListRooms,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @RateLimit('lookups')
  async directory(): Promise<RoomDirectory> {
    if (!this.config.roomDirectory) throw new ApiError('NOT_FOUND');
    return this.listRooms.execute();
  }
}
