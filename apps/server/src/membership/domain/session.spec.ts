import { Session, type NewSession } from './session';

const CREATED_AT = 1_700_000_000_000;
const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

function newSession(overrides: Partial<NewSession> = {}): Session {
  return Session.start({
    id: 'session-1',
    roomKey: 'lobby',
    name: 'Alice',
    userKey: 'alice',
    address: '203.0.113.7',
    creator: false,
    createdAt: CREATED_AT,
    vault: VAULT,
    ...overrides,
  });
}

describe('Session', () => {
  it('starts away, with no socket, away since its creation', () => {
    const session = newSession();

    expect(session.status).toBe('away');
    expect(session.socketId).toBeUndefined();
    expect(session.snapshot().awayFrom).toBe(CREATED_AT);
  });

  it('keeps its vault, and never shows it in its member entry', () => {
    const session = newSession();

    expect(session.vault).toBe(VAULT);
    expect(session.snapshot().vault).toBe(VAULT);
    expect(JSON.stringify(session.toMember())).not.toContain(VAULT);
  });

  it('joins on its first socket and is then online', () => {
    const session = newSession();

    expect(session.attach('socket-1')).toEqual({ kind: 'joined' });
    expect(session.status).toBe('online');
    expect(session.socketId).toBe('socket-1');
  });

  it('comes back on a socket after going away', () => {
    const session = newSession();
    session.attach('socket-1');
    session.detach('socket-1', CREATED_AT + 10);

    expect(session.attach('socket-2')).toEqual({ kind: 'back' });
  });

  it('replaces a socket it still holds, naming the previous one', () => {
    const session = newSession();
    session.attach('socket-1');

    expect(session.attach('socket-2')).toEqual({ kind: 'replaced', previousSocketId: 'socket-1' });
    expect(session.socketId).toBe('socket-2');
  });

  it('goes away when its current socket detaches, from that moment', () => {
    const session = newSession();
    session.attach('socket-1');

    expect(session.detach('socket-1', CREATED_AT + 500)).toBe(true);
    expect(session.status).toBe('away');
    expect(session.snapshot().awayFrom).toBe(CREATED_AT + 500);
  });

  it('stays online when a socket other than its current one detaches', () => {
    const session = newSession();
    session.attach('socket-1');
    session.attach('socket-2');

    expect(session.detach('socket-1', CREATED_AT + 500)).toBe(false);
    expect(session.status).toBe('online');
  });

  it('does not restart its away time when detached twice', () => {
    const session = newSession();
    session.attach('socket-1');
    session.detach('socket-1', CREATED_AT + 500);

    expect(session.detach('socket-1', CREATED_AT + 900)).toBe(false);
    expect(session.snapshot().awayFrom).toBe(CREATED_AT + 500);
  });

  it('has outstayed its grace once away for exactly the grace, not 1 ms before', () => {
    const session = newSession();

    expect(session.hasOutstayedGrace(CREATED_AT + 9_999, 10_000)).toBe(false);
    expect(session.hasOutstayedGrace(CREATED_AT + 10_000, 10_000)).toBe(true);
  });

  it('never outstays its grace while online', () => {
    const session = newSession();
    session.attach('socket-1');

    expect(session.hasOutstayedGrace(CREATED_AT + 1_000_000, 10_000)).toBe(false);
  });

  it('describes itself as a Member', () => {
    const session = newSession({ name: 'Bob', creator: true });
    session.attach('socket-1');

    expect(session.toMember()).toEqual({ name: 'Bob', status: 'online', creator: true });
  });

  it('comes back from its snapshot in the same state, online', () => {
    const session = newSession();
    session.attach('socket-1');

    const restored = Session.restore(session.snapshot());

    expect(restored.snapshot()).toEqual(session.snapshot());
    expect(restored.attach('socket-2')).toEqual({ kind: 'replaced', previousSocketId: 'socket-1' });
  });

  it('comes back from its snapshot in the same state, away after a first connection', () => {
    const session = newSession();
    session.attach('socket-1');
    session.detach('socket-1', CREATED_AT + 500);

    const restored = Session.restore(session.snapshot());

    expect(restored.snapshot().awayFrom).toBe(CREATED_AT + 500);
    expect(restored.attach('socket-2')).toEqual({ kind: 'back' });
  });

  describe('speaksIn: the speaker rule', () => {
    it('holds for its room and its current socket', () => {
      const session = newSession();
      session.attach('socket-1');

      expect(session.speaksIn('lobby', 'socket-1')).toBe(true);
    });

    it('fails for another room, even on its current socket', () => {
      const session = newSession();
      session.attach('socket-1');

      expect(session.speaksIn('kitchen', 'socket-1')).toBe(false);
    });

    it('fails for a socket a newer one replaced', () => {
      const session = newSession();
      session.attach('socket-1');
      session.attach('socket-2');

      expect(session.speaksIn('lobby', 'socket-1')).toBe(false);
      expect(session.speaksIn('lobby', 'socket-2')).toBe(true);
    });

    it('fails while away, for the socket it last had too', () => {
      const session = newSession();
      session.attach('socket-1');
      session.detach('socket-1', CREATED_AT + 500);

      expect(session.speaksIn('lobby', 'socket-1')).toBe(false);
    });

    it('fails before the first connection', () => {
      expect(newSession().speaksIn('lobby', 'socket-1')).toBe(false);
    });
  });
});
