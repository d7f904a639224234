import type { ErrorCode } from '@ciphernest/protocol';

export type CreateRoomError = Extract<ErrorCode, 'ROOM_EXISTS' | 'CAPACITY'>;
export type LookupRoomError = Extract<ErrorCode, 'ROOM_NOT_FOUND'>;
