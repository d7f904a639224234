/**
 * The Socket.IO rooms the server broadcasts to. A Socket.IO room is a set of sockets, local to
 * a namespace (and spanning processes through the Redis adapter); it is not a chat room.
 */
export const socketRooms = {
  /** Every socket of a chat room. */
  ofRoom: (roomKey: string): string => `room:${roomKey}`,
  /** A session's socket (at most one), reachable from any process. */
  ofSession: (sessionId: string): string => `session:${sessionId}`,
  /** The room key of a chat room's Socket.IO room; undefined for any other Socket.IO room. */
  roomKeyOf: (socketRoom: string): string | undefined => (socketRoom.startsWith('room:') ? socketRoom.slice('room:'.length) : undefined),
};
