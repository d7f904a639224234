import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

@Component({
  selector: 'app-home-page',
  imports: [RouterLink],
  template: `
    <h1>CipherNest</h1>
    <p class="lead">
      Self-hosted, end-to-end encrypted chat rooms: messages are encrypted in your browser,
      and the server relays only ciphertext.
    </p>
    <p class="actions">
      <a class="button" routerLink="/create">Create a room</a>
      <a class="button secondary" routerLink="/login">Join a room</a>
    </p>
  `,
  styles: `
    .lead {
      color: var(--muted);
      margin: 0 0 1.5rem;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
    }
    .button {
      padding: 0.5rem 1rem;
      border: 1px solid var(--accent);
      border-radius: 0.5rem;
      background: var(--accent);
      color: var(--bg);
      text-decoration: none;
    }
    .button.secondary {
      background: transparent;
      color: var(--accent);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HomePage {}
