import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

import type { NotifyMode } from './chat-notifier';

/**
 * Which messages notify while the tab is hidden: a select named "Notify me" with Off, All
 * messages and Mentions only (a message whose text has `@` and our name).
 */
@Component({
  selector: 'app-notification-setting',
  template: `
    <label for="notify-mode">Notify me</label>
    <select id="notify-mode" [value]="mode()" (change)="pick($event)">
      <option value="off">Off</option>
      <option value="all">All messages</option>
      <option value="mentions">Mentions only</option>
    </select>
  `,
  styles: `
    :host {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
      font-size: 0.9375rem;
    }
    label {
      color: var(--muted);
    }
    select {
      min-height: 2.25rem;
      padding: 0.25rem 0.5rem;
      border: 1px solid var(--field-border);
      border-radius: var(--radius);
      background: var(--surface);
      color: var(--text);
      font: inherit;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationSetting {
  readonly mode = input<NotifyMode>('off');
  readonly modeChange = output<NotifyMode>();

  protected pick(event: Event): void {
    this.modeChange.emit((event.target as HTMLSelectElement).value as NotifyMode);
  }
}
