import { Clock } from '../shared/clock';

/** A clock that moves only when a test moves it. */
export class ManualClock extends Clock {
  constructor(private current = Date.UTC(2025, 0, 1)) {
    super();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }

  set(at: number): void {
    this.current = at;
  }
}
