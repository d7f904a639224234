import { checkRoomName } from '@ciphernest/protocol';
import { catchError, concat, distinctUntilChanged, from, map, type Observable, of, switchMap, timer } from 'rxjs';
import { ApiProblem } from '../../core/api/api-problem';

/**
 * What the kdf endpoint says about a room name: `idle` (nothing to ask: empty or invalid),
 * `checking` (waiting for the pause in typing or the answer), `exists`, `free`, or `unknown`
 * (no answer, or a refusal such as a rate limit).
 */
export type AvailabilityState = 'idle' | 'checking' | 'exists' | 'free' | 'unknown';

export interface Availability {
  state: AvailabilityState;
  /** The room name asked about (trimmed, NFC); empty when idle. */
  name: string;
}

export const AVAILABILITY_DEBOUNCE_MS = 400;

const IDLE: Availability = { state: 'idle', name: '' };

/**
 * Asks `lookup` about each room name once typing pauses for `debounceMs`, and only for names
 * that pass docs/protocol.md §1 and whose room key changed. A newer name cancels the older question.
 */
export function roomAvailability(
  names: Observable<string>,
  lookup: (room: string) => Promise<unknown>,
  debounceMs = AVAILABILITY_DEBOUNCE_MS,
): Observable<Availability> {
  return names.pipe(
    map((raw) => checkRoomName(raw)),
    distinctUntilChanged((previous, next) => (previous.ok ? previous.key : '') === (next.ok ? next.key : '')),
    switchMap((check) => {
      if (!check.ok) return of(IDLE);
      const name = check.name;
      const answer = timer(debounceMs).pipe(
        switchMap(() => from(lookup(name))),
        map((): Availability => ({ state: 'exists', name })),
        catchError((error: unknown) =>
          of<Availability>({ state: error instanceof ApiProblem && error.code === 'ROOM_NOT_FOUND' ? 'free' : 'unknown', name }),
        ),
      );
      return concat(of<Availability>({ state: 'checking', name }), answer);
    }),
  );
}
