import { RoomEvents, type EndedSession, type MembershipChange } from '../membership/application/ports/room-events';

/** A RoomEvents double that keeps everything it is told, in order. */
export class RecordingRoomEvents extends RoomEvents {
  readonly changes: MembershipChange[] = [];
  readonly ended: EndedSession[] = [];
  readonly deleted: { roomKey: string; room: string }[] = [];
  /** Every call in order, by kind, to check the order of different calls. */
  readonly log: string[] = [];

  memberChanged(change: MembershipChange): void {
    this.changes.push(change);
    this.log.push(`member:${change.type}:${change.name}`);
  }

  sessionEnded(ended: EndedSession): void {
    this.ended.push(ended);
    this.log.push(`ended:${ended.reason}:${ended.name}`);
  }

  roomDeleted(roomKey: string, room: string): void {
    this.deleted.push({ roomKey, room });
    this.log.push(`deleted:${room}`);
  }

  clear(): void {
    this.changes.length = 0;
    this.ended.length = 0;
    this.deleted.length = 0;
    this.log.length = 0;
  }
}
