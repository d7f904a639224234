import { DOCUMENT } from '@angular/common';
import { afterNextRender, ChangeDetectionStrategy, Component, computed, type ElementRef, inject, Injector, input, signal, viewChild } from '@angular/core';

import { closeDialog, openWhile } from './modal-dialog';
import { QrCode } from './qr-code';

/**
 * The invite link of a room on this server: its join page with the room name filled in
 * (`/login?roomname=`). Never the password, nor anything of the session: whoever gets the link
 * still needs the password, which is shared another way.
 */
export function inviteLink(origin: string, room: string): string {
  return `${origin}/login?roomname=${encodeURIComponent(room)}`;
}

type CopyState = 'idle' | 'copied' | 'refused';

let instances = 0;

/**
 * "Copy invite link" and "Show QR code" for the room: the link of {@link inviteLink}, copied
 * with the Clipboard API (where the browser refuses, the link is selected in a read-only field
 * to copy by hand), or shown as a QR code in a modal dialog with the link as text. `panel`
 * adds a heading and the two sentences that the creator's empty room shows: what the link
 * holds, and to share the password another way.
 */
@Component({
  selector: 'app-room-invite',
  imports: [QrCode],
  template: `
    @if (panel()) {
      <h2 [id]="id + '-title'">Invite people</h2>
      <p class="intro">Send them this room's link, or let them scan its QR code. The link holds only the room's name.</p>
    }
    <div class="invite-actions">
      <button type="button" class="secondary small" (click)="copyLink()">Copy invite link</button>
      <button #showButton type="button" class="secondary small" (click)="showing.set(true)">Show QR code</button>
    </div>
    <p class="status" role="status">
      @switch (copy()) {
        @case ('copied') {
          Invite link copied.
        }
        @case ('refused') {
          Copying is not allowed here; the link is selected below, so copy it yourself.
        }
      }
    </p>
    @if (copy() === 'refused') {
      <input #linkField class="link-field" type="text" readonly aria-label="Invite link" [value]="link()" (focus)="selectAll($event)" />
    }
    @if (panel()) {
      <p class="password-note">{{ passwordNote }}</p>
    }
    <dialog #dialog [attr.aria-labelledby]="id + '-dialog-title'" (close)="qrClosed()">
      @if (showing()) {
        <h2 [id]="id + '-dialog-title'">Invite to {{ room() }}</h2>
        <app-qr-code class="qr" [text]="link()" label="QR code of the invite link" />
        <p class="link">{{ link() }}</p>
        <p class="password-note">{{ passwordNote }}</p>
        <div class="dialog-actions">
          <button #closeButton type="button" class="secondary" (click)="dismiss()">Close</button>
        </div>
      }
    </dialog>
  `,
  styles: `
    :host {
      display: block;
    }
    :host(.panel) {
      padding: 0.75rem 1rem;
      border: 1px solid var(--border);
      border-radius: 0.75rem;
      background: var(--surface);
    }
    h2 {
      margin: 0 0 0.25rem;
      font-size: 1.0625rem;
    }
    .intro,
    .password-note {
      margin: 0 0 0.5rem;
      color: var(--muted);
      font-size: 0.875rem;
    }
    .password-note {
      margin: 0.5rem 0 0;
    }
    .invite-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    :host(:not(.panel)) .invite-actions {
      justify-content: flex-end;
    }
    .status {
      margin: 0;
      font-size: 0.8125rem;
    }
    .status:empty {
      display: none;
    }
    .link-field {
      width: 100%;
      margin-top: 0.25rem;
      font-family: var(--mono);
      font-size: 0.8125rem;
    }
    dialog {
      width: min(26rem, 94vw);
      max-height: 94dvh;
      text-align: left;
    }
    dialog h2 {
      margin-bottom: 0.75rem;
    }
    .qr {
      width: min(16rem, 70vw);
      margin: 0 auto 0.75rem;
    }
    .link {
      margin: 0 0 0.5rem;
      font-family: var(--mono);
      font-size: 0.875rem;
      overflow-wrap: anywhere;
    }
    dialog .password-note {
      margin: 0 0 0.75rem;
    }
    .dialog-actions {
      display: flex;
      justify-content: flex-end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.panel]': 'panel()', '[attr.role]': 'panel() ? "region" : null', '[attr.aria-labelledby]': 'panel() ? id + "-title" : null' },
})
export class RoomInvite {
  /** The room's name as the server reported it. */
  readonly room = input.required<string>();
  /** The creator's empty room: a heading and the sentences around the two actions. */
  readonly panel = input(false);

  private readonly document = inject(DOCUMENT);
  private readonly origin = this.document.location.origin;
  private readonly injector = inject(Injector);

  protected readonly id = `room-invite-${++instances}`;
  protected readonly passwordNote =
    'Share the password another way (in person, by phone, or in a different app), never together with the link.';
  protected readonly link = computed(() => inviteLink(this.origin, this.room()));
  protected readonly showing = signal(false);
  private readonly copyState = signal<CopyState>('idle');
  protected readonly copy = this.copyState.asReadonly();

  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly closeButton = viewChild<ElementRef<HTMLButtonElement>>('closeButton');
  private readonly showButton = viewChild.required<ElementRef<HTMLButtonElement>>('showButton');
  private readonly linkField = viewChild<ElementRef<HTMLInputElement>>('linkField');

  constructor() {
    openWhile(this.dialog, this.closeButton, () => this.showing());
  }

  protected async copyLink(): Promise<void> {
    // Cleared first, so that a second copy is announced again.
    this.copyState.set('idle');
    try {
      const clipboard = this.document.defaultView?.navigator.clipboard;
      if (!clipboard) throw new Error('no clipboard');
      await clipboard.writeText(this.link());
      this.copyState.set('copied');
    } catch {
      // An insecure origin, a refused permission or no Clipboard API: copying by hand still works.
      this.copyState.set('refused');
      afterNextRender(() => this.selectLinkField(), { injector: this.injector });
    }
  }

  protected selectAll(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }

  protected dismiss(): void {
    closeDialog(this.dialog().nativeElement);
  }

  protected qrClosed(): void {
    this.showing.set(false);
    this.showButton().nativeElement.focus();
  }

  private selectLinkField(): void {
    const field = this.linkField()?.nativeElement;
    field?.focus();
    field?.select();
  }
}
