import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Any address the app does not know. */
@Component({
  selector: 'app-not-found-page',
  imports: [RouterLink],
  template: `
    <h1>Page not found</h1>
    <p>There is nothing at this address. If someone sent you a link to a room, ask them for the room's name instead.</p>
    <p class="actions">
      <a class="button" routerLink="/">Back to the start page</a>
      <a class="button secondary" routerLink="/login">Join a room</a>
    </p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {}
