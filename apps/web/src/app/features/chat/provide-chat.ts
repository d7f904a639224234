import type { Provider } from '@angular/core';

import { ChatConnection } from '../../core/realtime/chat-connection';
import { ChatActions } from './chat-actions';
import { ChatAttachments } from './chat-attachments';
import { ChatCipher } from './chat-cipher';
import { ChatDelivery } from './chat-delivery';
import { ChatInbox } from './chat-inbox';
import { ChatLog } from './chat-log';
import { ChatNotifier } from './chat-notifier';
import { ChatOutbox } from './chat-outbox';
import { ChatReceipts } from './chat-receipts';
import { ChatStore } from './chat-store';
import { ChatTyping } from './chat-typing';
import { ChatWire } from './chat-wire';
import { ConversationKeeper } from './conversation-keeper';
import { ObjectUrlRegistry } from './object-url-registry';
import { RoomPresence } from './room-presence';
import { UnreadCounter } from './unread-counter';

/**
 * Everything one open chat holds, provided together in the injector ActiveChat makes for it so
 * that they live and go with the chat: the connection, ChatStore and the parts it composes. A spec may follow these with
 * providers of its own for the same tokens (a later provider wins).
 */
export function provideChat(): Provider[] {
  return [ChatConnection, ChatNotifier, ChatStore, ChatCipher, ChatLog, ObjectUrlRegistry, RoomPresence, ChatInbox, ChatOutbox, ChatTyping, UnreadCounter, ChatReceipts, ChatDelivery, ConversationKeeper, ChatWire, ChatAttachments, ChatActions];
}
