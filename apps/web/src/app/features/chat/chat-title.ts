const APP_NAME = 'CipherNest';

/** The document title: the room name, with the unread count in front while there is one. */
export function chatTitle(roomName: string, unread: number): string {
  const base = `${roomName || 'Chat'} · ${APP_NAME}`;
  return unread > 0 ? `(${unread}) ${base}` : base;
}
