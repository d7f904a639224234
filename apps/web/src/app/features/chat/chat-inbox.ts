import { DestroyRef, Injectable, inject } from '@angular/core';
import { type DecryptedMessage, type E2eEvent, ForgeryError, ReplayError } from '@ciphernest/crypto';

import type { ReceivedMessage } from '../../core/realtime/server-event-streams';
import type { MessageContent } from './chat-entry';
import { ChatCipher } from './chat-cipher';
import { ChatLog } from './chat-log';
import { ChatReceipts } from './chat-receipts';
import { fileContent } from './file-content';
import { ChatTyping } from './chat-typing';
import { mentionsName } from './find-mentions';
import { RoomPresence } from './room-presence';
import { UnreadCounter } from './unread-counter';

/** How often the layer lets go of what it keeps past its bounds (held bodies, old keys: 10 minutes, docs/protocol.md §3.1). */
export const EXPIRE_INTERVAL_MS = 30_000;

/** The line everyone sees when a member's key changes (a new tab, or a relay substituting a key). */
export function keyChangedText(name: string): string {
  return `${name}'s key changed`;
}

/** The line for a message whose signature does not verify under its claimed sender's key. */
export function forgeryText(name: string): string {
  return `A message claiming to be from ${name} failed its signature check and was not shown.`;
}

/**
 * Shows what the others send, in the order the server relayed it, through the end-to-end layer
 * v2 (ChatCipher, docs/protocol.md §3.1). What the layer makes of each box:
 *
 * - a message: its line (in place of its placeholder if it was held); a reply quotes the id it
 *   answers; a reaction changes the reactions of the message it names, and a delete empties the
 *   message it names if (and only if) the delete's sender sent it (docs/protocol.md §3); neither
 *   has a line of its own, and one for a message not in the list changes nothing;
 * - the layer's own boxes ("keys", "chain") and a kind of a later version: no line, the id counts
 *   as seen; a key that changed: a line for everyone, "Bo's key changed";
 * - held (its keys have not come): a placeholder line that the message replaces when they come;
 * - a forgery (a signature that does not verify): a line saying so, nothing shown; a replay: dropped
 *   without a word; anything else that does not open: counted in one line.
 *
 * A message whose id was shown already is dropped before it reaches the layer. A message shown
 * ends its sender's typing and counts as unread while the tab is hidden, as a mention when its
 * text names us (`@name`, for "mentions only" notifications). Each box dealt with
 * moves ChatReceipts on: one read (a message, a layer box, a later kind, a repeat) may be
 * receipted; one refused is only not asked for again; one held is asked for again on a resume
 * until it shows or is given up (a reload keeps no held body).
 *
 * Security: contents are attacker-chosen (any member can seal anything); they leave here as
 * plain strings, object URLs for image elements and files' bytes as application/octet-stream
 * blobs (saved, never opened), never as markup.
 */
@Injectable()
export class ChatInbox {
  private readonly cipher = inject(ChatCipher);
  private readonly log = inject(ChatLog);
  private readonly typing = inject(ChatTyping);
  private readonly unread = inject(UnreadCounter);
  private readonly receipts = inject(ChatReceipts);
  private readonly presence = inject(RoomPresence);
  /** The relayed messages the layer holds, by id: their seq and time, for when they show. */
  private readonly held = new Map<string, ReceivedMessage>();

  constructor() {
    const timer = setInterval(() => this.cipher.enqueue(async (layer, now) => this.applyAll(await layer.expire(now))), EXPIRE_INTERVAL_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  receive(message: ReceivedMessage): void {
    this.cipher.enqueue(async (layer, now) => {
      // A copy of a message the layer holds (replayed on a reconnect): the layer has it already.
      if (this.held.has(message.id)) return;
      if (this.log.hasShown(message.id)) {
        this.receipts.decrypted(message.seq);
        return;
      }
      this.applyAll(await layer.receive({ from: message.from, id: message.id, box: message.box }, now), message);
    });
  }

  /** What the layer made of `relayed` (and of held messages it released), in order. */
  private applyAll(events: readonly E2eEvent[], relayed?: ReceivedMessage): void {
    for (const event of events) {
      const origin = event.id === relayed?.id ? relayed : this.held.get(event.id);
      if (origin !== undefined) this.apply(event, origin);
    }
  }

  private apply(event: E2eEvent, origin: ReceivedMessage): void {
    if (event.type === 'held') {
      this.held.set(event.id, origin);
      this.log.append({ type: 'message', id: event.id, from: event.from, own: false, delivery: 'received', ts: origin.ts, seq: origin.seq, content: { kind: 'held' } });
      this.receipts.held(origin.seq);
      return;
    }
    const wasHeld = this.held.delete(event.id);
    switch (event.type) {
      case 'message':
        if (event.message.kind === 'reaction' || event.message.kind === 'delete') this.act(origin, event.message, wasHeld);
        else this.show(origin, event.message, wasHeld);
        return;
      case 'keys':
        if (event.change === 'changed') this.log.addSystem(keyChangedText(event.from), Date.now());
        this.log.markShown(event.id);
        this.receipts.decrypted(origin.seq);
        return;
      case 'chain':
      case 'ignored':
        this.log.markShown(event.id);
        this.receipts.decrypted(origin.seq);
        return;
      case 'rejected':
        if (wasHeld) this.log.remove(event.id);
        if (event.error instanceof ForgeryError) this.log.addSystem(forgeryText(event.from), Date.now());
        else if (!(event.error instanceof ReplayError)) this.log.countUndecryptable();
        this.receipts.handled(origin.seq);
        return;
    }
  }

  /** A message's line: in place of its placeholder when it was held. */
  private show(origin: ReceivedMessage, opened: Exclude<DecryptedMessage, { kind: 'reaction' | 'delete' }>, wasHeld: boolean): void {
    const { id, from, ts, seq } = origin;
    const replyTo = opened.kind === 'reply' ? { replyTo: opened.to } : {};
    const entry = { type: 'message', id, from, own: false, delivery: 'received', ts, seq, content: this.contentOf(id, opened), ...replyTo } as const;
    if (wasHeld) this.log.replace(entry);
    else this.log.append(entry);
    this.receipts.decrypted(seq);
    this.typing.drop(from);
    this.unread.arrived(entry.content.kind === 'text' && mentionsName(entry.content.text, this.presence.username));
  }

  /** A reaction or a delete from `origin.from` (the layer's signed sender): applied to the message it names, no line of its own. */
  private act(origin: ReceivedMessage, action: Extract<DecryptedMessage, { kind: 'reaction' | 'delete' }>, wasHeld: boolean): void {
    if (wasHeld) this.log.remove(origin.id);
    this.log.markShown(origin.id);
    if (action.kind === 'reaction') this.log.react(action.to, action.emoji, origin.from, action.on);
    else this.log.deleteBy(action.to, origin.from);
    this.receipts.decrypted(origin.seq);
  }

  private contentOf(id: string, opened: Exclude<DecryptedMessage, { kind: 'reaction' | 'delete' }>): MessageContent {
    if (opened.kind === 'text' || opened.kind === 'reply') return { kind: 'text', text: opened.text };
    try {
      if (opened.kind === 'file') return fileContent(opened);
      const url = this.log.imageUrl(id, opened.bytes, opened.mime);
      return { kind: 'image', url, mime: opened.mime, width: opened.width, height: opened.height, name: opened.name };
    } finally {
      // The Blob behind the URL holds its own copy.
      opened.bytes.fill(0);
    }
  }
}
