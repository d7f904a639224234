import { checkRoomName } from '@ciphernest/protocol';
import { catchError, concat, distinctUntilChanged, from, map, type Observable, of, switchMap, timer } from 'rxjs';
import { ApiProblem } from '../../core/api/api-problem';
import { RoomCheckBudget } from './room-check-budget';

/**
 * What the existence check says about a room name: `idle` (nothing to ask: empty or invalid),
 * `checking` (waiting for the pause in typing, the check budget, or the answer), `exists`,
 * `free`, or `unknown` (no answer, or a refusal such as a rate limit).
 */
export type AvailabilityState = 'idle' | 'checking' | 'exists' | 'free' | 'unknown';

export interface Availability {
  state: AvailabilityState;
  /** The room name asked about (trimmed, NFC); empty when idle. */
  name: string;
}

export const AVAILABILITY_DEBOUNCE_MS = 400;

/** How long checks stop after a refusal that named no Retry-After. */
const PAUSE_AFTER_REFUSAL_MS = 60_000;

const IDLE: Availability = { state: 'idle', name: '' };

export interface AvailabilityOptions {
  debounceMs?: number;
  /** Spreads checks so that they never reach the server's look-up limit. */
  budget?: RoomCheckBudget;
}

/**
 * Asks `exists` about each room name once typing pauses for `debounceMs` (longer if the
 * budget is spent), and only for names that pass docs/protocol.md §1 and whose room key
 * changed. A newer name cancels the older question. `exists` answers true or false (the
 * `GET /api/rooms/:room/exists` route answers 200 either way); a refusal counts as `unknown`,
 * and a rate limit pauses the budget for its Retry-After.
 */
export function roomAvailability(
  names: Observable<string>,
  exists: (room: string) => Promise<boolean>,
  { debounceMs = AVAILABILITY_DEBOUNCE_MS, budget = new RoomCheckBudget() }: AvailabilityOptions = {},
): Observable<Availability> {
  return names.pipe(
    map((raw) => checkRoomName(raw)),
    distinctUntilChanged((previous, next) => (previous.ok ? previous.key : '') === (next.ok ? next.key : '')),
    switchMap((check) => {
      if (!check.ok) return of(IDLE);
      const name = check.name;
      const answer = timer(debounceMs).pipe(
        switchMap(() => {
          const wait = budget.waitMs(Date.now());
          return wait > 0 ? timer(wait) : of(0);
        }),
        switchMap(() => {
          budget.take(Date.now());
          return from(exists(name));
        }),
        map((found): Availability => ({ state: found ? 'exists' : 'free', name })),
        catchError((error: unknown) => {
          if (error instanceof ApiProblem && error.code === 'RATE_LIMITED') {
            budget.pause(Date.now(), (error.retryAfterSeconds ?? 0) * 1000 || PAUSE_AFTER_REFUSAL_MS);
          }
          return of<Availability>({ state: 'unknown', name });
        }),
      );
      return concat(of<Availability>({ state: 'checking', name }), answer);
    }),
  );
}
