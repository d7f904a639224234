import { Injectable, type PipeTransform } from '@nestjs/common';
import { checkRoomName } from '@ciphernest/protocol';
import { ApiError } from './api-error';

export interface RoomRef {
  name: string;
  key: string;
}

/** The `:room` path segment (percent-decoded by the router) as a normalised name and key. */
@Injectable()
export class RoomParamPipe implements PipeTransform<string, RoomRef> {
  transform(value: string): RoomRef {
    const check = checkRoomName(value);
    if (!check.ok) throw new ApiError('VALIDATION_FAILED', 'The room name in the path is not valid.');
    return { name: check.name, key: check.key };
  }
}
