import type { ErrorCode } from '@ciphernest/protocol';
import type { AddressLimit } from './address-quota';

export type CreateRoomError = Extract<ErrorCode, 'ROOM_EXISTS' | 'CAPACITY'> | AddressLimit;
export type LookupRoomError = Extract<ErrorCode, 'ROOM_NOT_FOUND'>;
