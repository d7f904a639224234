import type { ImageMime, ReactionEmoji } from '@ciphernest/crypto';

/**
 * Where one of our own messages stands: `pending` until its ack, `sent` after it, `delivered`
 * once every member present at the ack has a receipt for it (docs/protocol.md §5.2), `failed`
 * when it was refused or the session ended first. `received` is everyone else's.
 */
export type Delivery = 'pending' | 'sent' | 'delivered' | 'failed' | 'received';

/** Of the members present when one of our messages was acknowledged, who has it and who not yet. */
export interface Reach {
  delivered: readonly string[];
  waiting: readonly string[];
}

export type MessageContent =
  | { kind: 'text'; text: string }
  /** `name`: the one its sender gave, if any (the viewer's "Save image" uses it). */
  | { kind: 'image'; url: string; mime: ImageMime; width?: number; height?: number; name?: string }
  /** An image whose bytes were not kept across a reload (over ConversationKeeper's byte budget). */
  | { kind: 'image-not-kept'; mime: ImageMime; width?: number; height?: number }
  /**
   * A file (docs/protocol.md §3): never shown or opened, only saved. `blob` holds its bytes as
   * application/octet-stream; `name` and `mime` are as the sender wrote them.
   */
  | { kind: 'file'; name: string; mime: string; size: number; blob: Blob }
  /** A file whose bytes were not kept across a reload (over ConversationKeeper's byte budget). */
  | { kind: 'file-not-kept'; name: string; mime: string; size: number }
  /** A placeholder: the end-to-end layer holds the message until its sender's keys come (docs/protocol.md §3.1). */
  | { kind: 'held' }
  /** Deleted for everyone by its sender (docs/protocol.md §3, "Message actions"): nothing of it is kept. */
  | { kind: 'deleted' };

/** One emoji's reactions on a message: who reacted with it (usernames, ours among them), in the order they did. */
export interface Reaction {
  emoji: ReactionEmoji;
  names: readonly string[];
}

export interface MessageEntry {
  type: 'message';
  /** The message id of docs/protocol.md §3; also the list's track key. */
  id: string;
  from: string;
  own: boolean;
  delivery: Delivery;
  /** Server time in ms since the epoch; absent while pending or failed. */
  ts?: number;
  /** The room's seq of the message (docs/protocol.md §5); absent while pending or failed. */
  seq?: number;
  /** One of our acknowledged messages: who it has reached (absent for everyone else's). */
  reach?: Reach;
  /** The sentence shown beside a failed message. */
  error?: string;
  /** A reply: the id of the message it quotes (docs/protocol.md §3, "Message actions"). */
  replyTo?: string;
  /** The reactions on it, in REACTION_EMOJI's order; absent when there are none. */
  reactions?: readonly Reaction[];
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
