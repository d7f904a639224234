import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { queryText } from '../../shared/query-text';
import { RoomForm } from '../../shared/room-form/room-form';

/** `/login?username=&roomname=`: join an existing room. */
@Component({
  selector: 'app-login-page',
  imports: [RoomForm, RouterLink],
  template: `
    <h1>Join a room</h1>
    <p class="lead">
      Enter the room's name and password as they were shared with you, and the name you want the others to see.
    </p>
    <app-room-form mode="join" [roomname]="roomname()" [username]="username()" />
    <p class="muted">No room yet? <a routerLink="/create">Create a room</a>.</p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginPage {
  /** `?roomname=`, bound by the router. */
  readonly roomname = input('', { transform: queryText });
  /** `?username=`, bound by the router. */
  readonly username = input('', { transform: queryText });
}
