import type { ImageMime } from '@ciphernest/crypto';

/** Where one of our own messages stands; `received` is everyone else's. */
export type Delivery = 'pending' | 'delivered' | 'failed' | 'received';

export type MessageContent =
  | { kind: 'text'; text: string }
  | { kind: 'image'; url: string; mime: ImageMime; width?: number; height?: number };

export interface MessageEntry {
  type: 'message';
  /** The message id of docs/protocol.md §3; also the list's track key. */
  id: string;
  from: string;
  own: boolean;
  delivery: Delivery;
  /** Server time in ms since the epoch; absent while pending or failed. */
  ts?: number;
  /** The sentence shown beside a failed message. */
  error?: string;
  content: MessageContent;
}

export interface SystemEntry {
  type: 'system';
  id: string;
  text: string;
  /** ms since the epoch */
  at: number;
}

/** One line of the message list. */
export type ChatEntry = MessageEntry | SystemEntry;

/** A short status or refusal shown beside the composer. */
export interface ChatNotice {
  tone: 'info' | 'error';
  text: string;
}
