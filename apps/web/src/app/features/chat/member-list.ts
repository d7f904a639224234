import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import type { E2eMember, Verification } from '@ciphernest/crypto';
import type { Member } from '@ciphernest/protocol';

/** A member's verification as the list words it (E2E.md: not verified, verified by me, key changed). */
export const VERIFICATION_TEXT: Record<Verification, string> = {
  unverified: 'not verified',
  verified: 'verified by you',
  'key-changed': 'key changed',
};

/**
 * Who is in the room, online or away, with the creator marked, and for each other member what
 * the end-to-end layer says of it (docs/protocol.md §3.1): its verification in words (not by
 * colour alone) and a "Verify" button (named "Verify" and the member's name) that asks for the
 * pair's safety number. While the connection is down the list is not current: it is greyed,
 * says so ("connection lost"), and shows no one's status. A name too long for the row is cut
 * with an ellipsis on its one line; the whole name stays in its title and in the row's text.
 */
@Component({
  selector: 'app-member-list',
  template: `
    <h2>In this room <span class="count">({{ members().length }})</span></h2>
    @if (stale(); as why) {
      <p class="stale-note" id="members-stale">{{ why }}</p>
    }
    <ul aria-label="Members" [class.stale]="!!stale()" [attr.aria-describedby]="stale() ? 'members-stale' : null">
      @for (member of members(); track member.name) {
        <li [class.away]="member.status === 'away'">
          <span class="dot" aria-hidden="true"></span>
          <span class="who">
            <span class="name" [title]="member.name">{{ member.name }}</span>&ngsp;
            @if (member.name === me()) {
              <span class="tag">(you)</span>&ngsp;
            }
            @if (member.creator) {
              <span class="tag">creator</span>&ngsp;
            }
          </span>
          <span class="state">
            @if (!stale()) {
              <span class="status">{{ member.status }}</span>&ngsp;
            }
            @if (member.name !== me()) {
              @if (verificationOf(member.name); as verification) {
                <span class="trust" [class.verified]="verification === 'verified'" [class.changed]="verification === 'key-changed'">{{
                  verificationText[verification]
                }}</span>&ngsp;
              }
            }
          </span>
          @if (member.name !== me()) {
            <button type="button" class="verify secondary small" (click)="verify.emit(member.name)">
              Verify<span class="visually-hidden">&ngsp;{{ member.name }}</span>
            </button>
          }
        </li>
      }
    </ul>
  `,
  styles: `
    :host {
      display: block;
    }
    h2 {
      margin: 0 0 0.5rem;
      font-size: 0.875rem;
      font-weight: 600;
      color: var(--muted);
    }
    ul {
      display: grid;
      gap: 0.5rem;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    /* One row per member: the name on one line (cut with an ellipsis, whole in its title and
       its text), status and verification under it, Verify beside both; a long name never
       makes a row taller. */
    li {
      display: grid;
      grid-template-columns: auto minmax(0, 1fr) auto;
      align-items: center;
      column-gap: 0.4rem;
    }
    .who {
      display: flex;
      grid-area: 1 / 2;
      align-items: center;
      gap: 0.35rem;
      min-width: 0;
    }
    .state {
      grid-area: 2 / 2;
      line-height: 1.3;
    }
    .state:empty {
      display: none;
    }
    .dot {
      grid-area: 1 / 1;
      width: 0.55rem;
      height: 0.55rem;
      border-radius: 50%;
      background: var(--accent);
    }
    .away .dot {
      background: transparent;
      border: 2px solid var(--muted);
    }
    .name {
      overflow: hidden;
      font-weight: 600;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .away .name {
      font-weight: 400;
    }
    .tag,
    .status {
      font-size: 0.75rem;
      color: var(--muted);
    }
    .tag {
      flex: none;
      padding: 0 0.35rem;
      border: 1px solid var(--border);
      border-radius: 1rem;
    }
    .trust {
      font-size: 0.75rem;
      color: var(--muted);
    }
    .trust.verified {
      color: var(--accent);
    }
    .trust.changed {
      color: var(--warn);
      font-weight: 600;
    }
    .verify {
      grid-area: 1 / 3 / span 2;
      padding: 0.05rem 0.5rem;
      font-size: 0.75rem;
    }
    .stale-note {
      margin: 0 0 0.5rem;
      font-size: 0.75rem;
      color: var(--muted);
    }
    /* Greyed, yet as legible as any muted text (no opacity, which would fail contrast). */
    ul.stale .name {
      font-weight: 400;
      color: var(--muted);
    }
    ul.stale .dot {
      background: transparent;
      border: 2px dashed var(--muted);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MemberList {
  readonly members = input.required<readonly Member[]>();
  /** Our own username, marked "(you)". */
  readonly me = input('');
  /** Why the list is not current (the connection is down), or undefined while it is. */
  readonly stale = input<string | undefined>(undefined);
  /** The other members as the end-to-end layer knows them. */
  readonly trust = input<readonly E2eMember[]>([]);
  /** "Verify" on a member: its name. */
  readonly verify = output<string>();

  protected readonly verificationText = VERIFICATION_TEXT;
  private readonly verifications = computed(() => new Map(this.trust().map((member) => [member.name, member.verification])));

  protected verificationOf(name: string): Verification | undefined {
    return this.verifications().get(name);
  }
}
