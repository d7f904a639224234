import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, type OnInit, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { ROOM_DIRECTORY_ATTRIBUTE, type RoomDirectory } from '@ciphernest/protocol';
import { exhaustMap, filter, from, fromEvent, merge, takeWhile, timer } from 'rxjs';
import { ApiClient } from '../../core/api/api-client';

/** How often the list refreshes while the page is visible. */
export const DIRECTORY_REFRESH_MS = 10_000;

type Rooms = RoomDirectory['rooms'];

/**
 * The room directory, for servers that publish one (`ROOM_DIRECTORY=true`): each room with
 * its member count, refreshed while the page is visible. Renders nothing when the directory
 * is off, and does not even ask when the page the server sent says so.
 */
@Component({
  selector: 'app-open-rooms',
  imports: [RouterLink],
  templateUrl: './open-rooms.html',
  styleUrl: './open-rooms.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OpenRooms implements OnInit {
  private readonly api = inject(ApiClient);
  private readonly document = inject(DOCUMENT);
  private readonly destroyRef = inject(DestroyRef);

  private readonly roomsState = signal<Rooms | undefined>(undefined);
  private readonly staleState = signal(false);

  /** Undefined until the server has answered with a directory. */
  readonly rooms = computed(() => {
    const rooms = this.roomsState();
    return rooms && [...rooms].sort((a, b) => a.name.localeCompare(b.name));
  });
  /** True when the last refresh failed and the list shown may be out of date. */
  readonly stale = this.staleState.asReadonly();

  ngOnInit(): void {
    if (this.document.querySelector('app-root')?.getAttribute(ROOM_DIRECTORY_ATTRIBUTE) === 'off') return;
    const visible = () => this.document.visibilityState !== 'hidden';
    merge(timer(0, DIRECTORY_REFRESH_MS), fromEvent(this.document, 'visibilitychange'))
      .pipe(
        filter(visible),
        exhaustMap(() => from(this.refresh())),
        // A server without a directory will not grow one while this page is open.
        takeWhile((directoryOn) => directoryOn),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe();
  }

  /** Resolves false when the server has no directory. */
  private async refresh(): Promise<boolean> {
    try {
      const directory = await this.api.listRooms();
      if (directory === undefined) {
        this.roomsState.set(undefined);
        return false;
      }
      this.roomsState.set(directory.rooms);
      this.staleState.set(false);
    } catch {
      this.staleState.set(this.roomsState() !== undefined);
    }
    return true;
  }
}
