import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * The room key's fingerprint, for members to compare among themselves (docs/protocol.md §2). It is a
 * function of the password and the public salt, so it must stay inside the room (issue 11,
 * finding 9): shown until the end-to-end layer v2 replaces it with safety numbers.
 */
@Component({
  selector: 'app-key-fingerprint',
  template: `
    <p class="line">
      <span class="label">Key fingerprint</span>&ngsp;
      <code role="group" aria-label="Key fingerprint">{{ fingerprint() }}</code>
    </p>
    <p class="hint">
      Compare it aloud with the room's members only, in person or on a call among you; if it differs, you are not in the
      same room. Never post it or send it anywhere: whoever learns it can test password guesses offline.
    </p>
  `,
  styles: `
    :host {
      display: block;
    }
    p {
      margin: 0;
    }
    .line {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.25rem 0.5rem;
    }
    .label {
      color: var(--muted);
      font-size: 0.875rem;
    }
    code {
      font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
      font-size: 0.95rem;
      letter-spacing: 0.03em;
      padding: 0.05rem 0.4rem;
      border: 1px solid var(--border);
      border-radius: 0.35rem;
      background: var(--bg);
    }
    .hint {
      color: var(--muted);
      font-size: 0.8125rem;
      margin-top: 0.25rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class KeyFingerprint {
  readonly fingerprint = input.required<string>();
}
