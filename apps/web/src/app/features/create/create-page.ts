import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { queryText } from '../../shared/query-text';
import { RoomForm } from '../../shared/room-form/room-form';

/** `/create?username=&roomname=`: make a new room and enter it. */
@Component({
  selector: 'app-create-page',
  imports: [RoomForm, RouterLink],
  template: `
    <h1>Create a room</h1>
    <p class="lead">
      Pick a room name and a password, then share both with the people you want in the room. The room lasts while
      anyone is in it; when the last person leaves, the server forgets it.
    </p>
    <app-room-form mode="create" [roomname]="roomname()" [username]="username()" />
    <p class="muted">Invited to a room? <a routerLink="/login">Join a room</a> instead.</p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CreatePage {
  /** `?roomname=`, bound by the router. */
  readonly roomname = input('', { transform: queryText });
  /** `?username=`, bound by the router. */
  readonly username = input('', { transform: queryText });
}
