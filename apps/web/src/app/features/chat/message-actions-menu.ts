import { DOCUMENT, ChangeDetectionStrategy, Component, DestroyRef, ElementRef, Injector, afterNextRender, inject, input, output, signal, viewChild } from '@angular/core';
import { REACTION_EMOJI, type ReactionEmoji } from '@ciphernest/crypto';

/** What a person can choose in a message's menu. */
export type MessageAction = { kind: 'reply' } | { kind: 'copy' } | { kind: 'react'; emoji: ReactionEmoji } | { kind: 'delete' };

/** Below this many pixels under the button, the menu opens upwards (if there is more room above). */
const ROOM_BELOW = 260;

let menus = 0;

/**
 * A message's "Message actions" button and its menu, after the WAI-ARIA menu button pattern: the
 * button (aria-haspopup="menu", aria-expanded) opens it on click, Enter, Space or Down (first
 * item focused) or Up (last item); in the menu, Up and Down (and Left and Right) move between
 * items, wrapping, Home and End go to the ends, Escape closes it and puts focus back on the
 * button, Tab closes it and moves on; a click or focus outside closes it. Items: Reply, Copy
 * text, a group "React" of one checkbox item per emoji ("React with thumbs up", checked while our
 * reaction is on), Delete for everyone; each shown only when it applies. Choosing one closes the
 * menu, puts focus back on the button and emits it.
 */
@Component({
  selector: 'app-message-actions-menu',
  templateUrl: './message-actions-menu.html',
  styleUrl: './message-actions-menu.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MessageActionsMenu {
  /** Reply and React apply (a message that shows, and of ours one the others have). */
  readonly canRespond = input(false);
  readonly canCopy = input(false);
  readonly canDelete = input(false);
  /** The emoji of our reactions on the message (their items show as checked). */
  readonly reacted = input<readonly ReactionEmoji[]>([]);
  /** The menu lines up with the end of the button's side (our own messages, on the right). */
  readonly alignEnd = input(false);
  /** The message this menu acts on: what the button's description points at. */
  readonly describedBy = input<string | undefined>(undefined);
  readonly chosen = output<MessageAction>();

  protected readonly emoji = REACTION_EMOJI;
  protected readonly menuId = `message-actions-${++menus}`;
  protected readonly open = signal(false);
  protected readonly upward = signal(false);
  private readonly trigger = viewChild.required<ElementRef<HTMLButtonElement>>('trigger');
  private readonly menu = viewChild<ElementRef<HTMLElement>>('menu');
  private readonly host: HTMLElement = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  private readonly closeOnOutsidePointer = (event: Event) => {
    if (!this.host.contains(event.target as Node)) this.close(false);
  };

  constructor() {
    inject(DestroyRef).onDestroy(() => this.document.removeEventListener('pointerdown', this.closeOnOutsidePointer, true));
  }

  /** Puts focus back on the button (after a dialog the menu led to closes). */
  focusButton(): void {
    this.trigger().nativeElement.focus();
  }

  protected toggle(): void {
    if (this.open()) this.close(true);
    else this.show('first');
  }

  protected openFromKeyboard(event: KeyboardEvent): void {
    const focus = event.key === 'ArrowUp' ? 'last' : ['ArrowDown', 'Enter', ' '].includes(event.key) ? 'first' : undefined;
    if (focus === undefined) return;
    // Enter and Space would also click the button, which would close the menu again.
    event.preventDefault();
    this.show(focus);
  }

  protected navigate(event: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(this.document.activeElement as HTMLElement);
    const move = (index: number) => {
      event.preventDefault();
      items[(index + items.length) % items.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        return move(at + 1);
      case 'ArrowUp':
      case 'ArrowLeft':
        return move(at - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(items.length - 1);
      case 'Escape':
        event.preventDefault();
        this.close(true);
        return;
      case 'Tab':
        // The button keeps the place in the tab order; Tab then moves on from it.
        this.close(true);
        return;
    }
  }

  protected closeIfFocusLeft(event: FocusEvent): void {
    const to = event.relatedTarget as Node | null;
    if (to !== null && !this.host.contains(to)) this.close(false);
  }

  protected choose(action: MessageAction): void {
    this.close(true);
    this.chosen.emit(action);
  }

  private show(focus: 'first' | 'last'): void {
    this.upward.set(this.roomBelow() < ROOM_BELOW && this.roomAbove() > this.roomBelow());
    this.open.set(true);
    this.document.addEventListener('pointerdown', this.closeOnOutsidePointer, true);
    // The menu renders with this change; focus its item once it is there.
    afterNextRender(
      () => {
        const items = this.items();
        (focus === 'first' ? items[0] : items[items.length - 1])?.focus();
      },
      { injector: this.injector },
    );
  }

  private close(refocus: boolean): void {
    if (!this.open()) return;
    this.open.set(false);
    this.document.removeEventListener('pointerdown', this.closeOnOutsidePointer, true);
    if (refocus) this.focusButton();
  }

  private items(): HTMLElement[] {
    return Array.from(this.menu()?.nativeElement.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);
  }

  /** Pixels between the button and the bottom of the scrolling list (or the window). */
  private roomBelow(): number {
    return this.bounds().bottom - this.trigger().nativeElement.getBoundingClientRect().bottom;
  }

  private roomAbove(): number {
    return this.trigger().nativeElement.getBoundingClientRect().top - this.bounds().top;
  }

  private bounds(): { top: number; bottom: number } {
    const log = this.host.closest('[role="log"]');
    return log?.getBoundingClientRect() ?? { top: 0, bottom: this.document.defaultView?.innerHeight ?? 0 };
  }
}
