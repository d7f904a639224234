import { IsString, Matches } from 'class-validator';
import { VERIFIER_PATTERN, type Kdf } from '@ciphernest/protocol';
import { IsAcceptableKdf, IsRoomName, IsUsername } from './name-validators';

export const VERIFIER_MESSAGE = 'verifier must be base64url (no padding) of 32 bytes';

/** Body of POST /api/rooms. The kdf is checked as a whole, unknown fields included. */
export class CreateRoomDto {
  @IsRoomName()
  room!: string;

  @IsUsername()
  username!: string;

  @IsString()
  @Matches(VERIFIER_PATTERN, { message: VERIFIER_MESSAGE })
  verifier!: string;

  @IsAcceptableKdf()
  kdf!: Kdf;
}
