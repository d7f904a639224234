/** What a session token binds (docs/protocol.md §4): the session, its room and user, and the client address. */
export interface SessionClaims {
  sessionId: string;
  roomKey: string;
  userKey: string;
  address: string;
}
