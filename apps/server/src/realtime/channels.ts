/** Socket.IO room of every socket in a chat room. */
export function roomChannel(roomKey: string): string {
  return `room:${roomKey}`;
}

/** Socket.IO room of a session's socket (at most one), reachable from any process. */
export function sessionChannel(sessionId: string): string {
  return `session:${sessionId}`;
}
