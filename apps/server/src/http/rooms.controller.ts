import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import {
  checkRoomName,
  checkUsername,
  type ErrorCode,
  type KdfResponse,
  type NameCheck,
  type RoomExistsResponse,
  type SessionGrant,
} from '@ciphernest/protocol';
import { LogAddress } from '../logging/log-address';
import { nameSkeleton } from '../shared/name-skeleton';
import { CreateRoom } from '../membership/application/create-room.use-case';
import { LookupKdf } from '../membership/application/lookup-kdf.use-case';
import type { IssuedSession } from '../membership/application/issue-session';
import { JoinRoom } from '../membership/application/join-room.use-case';
import { AddressThrottlerGuard } from './address-throttler.guard';
import { ApiError } from './api-error';
import type { AddressedRequest } from './client-address.middleware';
import { CreateRoomDto } from './dto/create-room.dto';
import { JoinRoomDto } from './dto/join-room.dto';
import { FailedJoinInterceptor, LimitFailedJoins } from './failed-join.interceptor';
import { OriginGuard } from './origin.guard';
import { RateLimit } from './rate-limit.decorator';
import { ReadableBodyInterceptor } from './readable-body.interceptor';
import type { AddressLimit } from '../membership/domain/address-quota';
import { RoomParamPipe, type RoomRef } from './room-param.pipe';

/** Validated names arrive here already; this re-derives their normal forms, keys and skeletons. */
function normalized(check: NameCheck): { name: string; key: string; skeleton: string } {
  if (!check.ok) throw new ApiError('VALIDATION_FAILED');
  return { name: check.name, key: check.key, skeleton: nameSkeleton(check.name) };
}

/** The client address a new token is bound to, and the key the per-address caps count it under. */
function clientOf(request: AddressedRequest): { address: string; addressKey: string } {
  return { address: request.clientAddress, addressKey: request.addressKey };
}

function toWire(grant: IssuedSession): SessionGrant {
  return { token: grant.token, vault: grant.vault, room: grant.room, members: grant.members };
}

/** The per-address caps answer 429 RATE_LIMITED (docs/protocol.md §4), each saying which. */
const ADDRESS_LIMIT_MESSAGES: Record<AddressLimit, string> = {
  ROOMS_PER_ADDRESS: 'This address holds too many rooms at once; try again once one of them has ended.',
  SESSIONS_PER_ADDRESS: 'This address holds too many sessions at once; leave a room and try again.',
};

function refusal(code: ErrorCode | AddressLimit): ApiError {
  return code === 'ROOMS_PER_ADDRESS' || code === 'SESSIONS_PER_ADDRESS' ? new ApiError('RATE_LIMITED', ADDRESS_LIMIT_MESSAGES[code]) : new ApiError(code);
}

/** Rooms: create, look up the kdf or whether a room exists, join (docs/protocol.md §4). The directory is RoomDirectoryController's. */
@Controller('api/rooms')
@UseGuards(OriginGuard, AddressThrottlerGuard)
@UseInterceptors(FailedJoinInterceptor, ReadableBodyInterceptor)
export class RoomsController {
  constructor(
    private readonly createRoom: CreateRoom,
    private readonly lookupKdf: LookupKdf,
    private readonly joinRoom: JoinRoom,
    private readonly addresses: LogAddress,
    private readonly logger: PinoLogger,
  ) {}

  @Post()
  @RateLimit('creates')
  async create(@Body() body: CreateRoomDto, @Req() request: AddressedRequest): Promise<SessionGrant> {
    const room = normalized(checkRoomName(body.room));
    const username = normalized(checkUsername(body.username));
    const ip = this.addresses.format(request.clientAddress);
    const result = await this.createRoom.execute({ room, username, verifier: body.verifier, kdf: body.kdf, ...clientOf(request) });
    if (!result.ok) {
      this.logger.info({ event: 'room.rejected', room: room.name, user: username.name, ip, reason: result.code }, 'room not created');
      throw refusal(result.code);
    }
    this.logger.info({ event: 'room.created', room: room.name, user: username.name, ip }, 'room created');
    this.logger.info({ event: 'session.created', room: room.name, user: username.name, ip, creator: true }, 'session created');
    return toWire(result.value);
  }

  @Get(':room/kdf')
  @RateLimit('lookups')
  async kdf(@Param('room', RoomParamPipe) room: RoomRef): Promise<KdfResponse> {
    const result = await this.lookupKdf.execute(room.key);
    if (!result.ok) throw new ApiError(result.code);
    return { kdf: result.value };
  }

  /** Whether `kdf` would find the room, always 200: for forms that check a name as it is typed. */
  @Get(':room/exists')
  @RateLimit('lookups')
  async exists(@Param('room', RoomParamPipe) room: RoomRef): Promise<RoomExistsResponse> {
    const result = await this.lookupKdf.execute(room.key);
    return { exists: result.ok };
  }

  @Post(':room/sessions')
  @HttpCode(201)
  @RateLimit('joins')
  @LimitFailedJoins()
  async join(
    @Param('room', RoomParamPipe) room: RoomRef,
    @Body() body: JoinRoomDto,
    @Req() request: AddressedRequest,
  ): Promise<SessionGrant> {
    const username = normalized(checkUsername(body.username));
    const ip = this.addresses.format(request.clientAddress);
    const result = await this.joinRoom.execute({ roomKey: room.key, username, verifier: body.verifier, ...clientOf(request) });
    if (!result.ok) {
      this.logger.info({ event: 'session.rejected', room: room.name, user: username.name, ip, reason: result.code }, 'join refused');
      throw refusal(result.code);
    }
    this.logger.info({ event: 'session.created', room: result.value.room.name, user: username.name, ip, creator: false }, 'session created');
    return toWire(result.value);
  }
}
