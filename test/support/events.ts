import type { MemberEvent, MemberEventType, LeftReason } from '@ciphernest/protocol';

/** Matches a `member` event of `type` about `name` (for ChatClient.next / none). */
export function memberEvent(type: MemberEventType, name: string, reason?: LeftReason): (event: MemberEvent) => boolean {
  return (event) => event.type === type && event.name === name && (reason === undefined || event.reason === reason);
}

/** The exact shape of a `member` event (docs/protocol.md §5): `reason` only on `left`. */
export function expectedMember(type: MemberEventType, name: string, reason?: LeftReason): Record<string, unknown> {
  return { type, name, at: expect.any(Number), ...(reason === undefined ? {} : { reason }) };
}
