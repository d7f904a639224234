import type { ErrorCode } from '@ciphernest/protocol';
import type { AddressLimit } from './address-quota';

export type JoinRoomError = Extract<ErrorCode, 'ROOM_NOT_FOUND' | 'BAD_CREDENTIALS' | 'USERNAME_TAKEN' | 'ROOM_FULL'> | Extract<AddressLimit, 'SESSIONS_PER_ADDRESS'>;
export type AuthenticationError = Extract<ErrorCode, 'TOKEN_INVALID' | 'SESSION_NOT_FOUND' | 'IP_MISMATCH'>;
