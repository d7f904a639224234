import { IsString, Matches } from 'class-validator';
import { VERIFIER_PATTERN } from '@ciphernest/protocol';
import { VERIFIER_MESSAGE } from './create-room.dto';
import { IsUsername } from './name-validators';

/** Body of POST /api/rooms/:room/sessions. */
export class JoinRoomDto {
  @IsUsername()
  username!: string;

  @IsString()
  @Matches(VERIFIER_PATTERN, { message: VERIFIER_MESSAGE })
  verifier!: string;
}
