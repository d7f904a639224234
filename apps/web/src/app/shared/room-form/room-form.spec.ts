import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import { KdfRejectedError, type RoomKeys } from '@ciphernest/crypto';
import type { Kdf, RoomInfo, SessionGrant } from '@ciphernest/protocol';
import { ApiClient } from '../../core/api/api-client';
import { ApiProblem } from '../../core/api/api-problem';
import { CryptoService, type DerivedRoomKeys } from '../../core/crypto/crypto.service';
import { errorText } from '../../core/errors/error-text';
import { type ChatSession, SessionStore } from '../../core/session/session-store';
import { PassphraseWords } from '../passphrase/passphrase-words';
import { byButton, byLabel, description, findLink, textOf, typeInto, leave } from '../testing/dom-queries';
import { RoomForm } from './room-form';
import type { RoomFormMode } from './room-form-problems';

@Component({ template: '' })
class Blank {}

const KDF: Kdf = { alg: 'argon2id', m: 65536, t: 3, p: 1, salt: 'AAAAAAAAAAAAAAAAAAAAAA' };
const ENC_KEY = { type: 'secret' } as CryptoKey;
const KEYS: RoomKeys = { encKey: ENC_KEY, verifier: 'v'.repeat(43), fingerprint: '3f9a-07c1-b2e4-9d10-5a6b' };
const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const ROOM: RoomInfo = { name: 'Den', creator: 'Alice', createdAt: '2026-01-01T00:00:00.000Z', kdf: KDF };

function grant(...names: string[]): SessionGrant {
  return { token: 'token-1', vault: VAULT, room: ROOM, members: names.map((name, index) => ({ name, status: 'away', creator: index === 0 })) };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('RoomForm', () => {
  let fixture: ComponentFixture<RoomForm>;
  let element: HTMLElement;
  let calls: string[];
  let api: { lookupKdf: jest.Mock; roomExists: jest.Mock; createRoom: jest.Mock; joinRoom: jest.Mock };
  let crypto: { newKdf: jest.Mock; deriveRoomKeys: jest.Mock };
  let sessions: { restore: jest.Mock; save: jest.Mock };
  /** The encKey bytes of the last derivation, and a copy of what save() was handed. */
  let derivedBytes: Uint8Array;
  let bytesAtSave: number[] | undefined;

  async function render(mode: RoomFormMode, prefill: { roomname?: string; username?: string; session?: ChatSession } = {}): Promise<void> {
    calls = [];
    bytesAtSave = undefined;
    api = {
      lookupKdf: jest.fn(async (room: string) => {
        calls.push(`lookupKdf ${room}`);
        return KDF;
      }),
      roomExists: jest.fn(async () => true),
      createRoom: jest.fn(async () => {
        calls.push('createRoom');
        return grant('Alice');
      }),
      joinRoom: jest.fn(async (room: string) => {
        calls.push(`joinRoom ${room}`);
        return grant('Alice', 'Bob');
      }),
    };
    crypto = {
      newKdf: jest.fn(() => {
        calls.push('newKdf');
        return KDF;
      }),
      deriveRoomKeys: jest.fn(async () => {
        calls.push('deriveRoomKeys');
        derivedBytes = new Uint8Array(32).fill(5);
        return { ...KEYS, encKeyBytes: derivedBytes };
      }),
    };
    sessions = {
      restore: jest.fn(async () => prefill.session),
      save: jest.fn(async (_session: ChatSession, seal?: { encKeyBytes: Uint8Array }) => {
        calls.push('save');
        bytesAtSave = seal && Array.from(seal.encKeyBytes);
      }),
    };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'chat', component: Blank },
          { path: 'login', component: Blank },
          { path: 'create', component: Blank },
        ]),
        { provide: ApiClient, useValue: api },
        { provide: CryptoService, useValue: crypto },
        { provide: SessionStore, useValue: sessions },
        { provide: PassphraseWords, useValue: { load: async () => ['alpha', 'bravo', 'charlie'] } },
      ],
    });
    fixture = TestBed.createComponent(RoomForm);
    fixture.componentRef.setInput('mode', mode);
    if (prefill.roomname !== undefined) fixture.componentRef.setInput('roomname', prefill.roomname);
    if (prefill.username !== undefined) fixture.componentRef.setInput('username', prefill.username);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const roomField = () => byLabel(element, 'Room name');
  const usernameField = () => byLabel(element, 'Username');
  const passwordField = () => byLabel(element, 'Password');

  async function fill(room: string, username: string, password: string): Promise<void> {
    typeInto(roomField(), room);
    typeInto(usernameField(), username);
    typeInto(passwordField(), password);
    await fixture.whenStable();
  }

  async function submit(mode: RoomFormMode): Promise<void> {
    byButton(element, mode === 'create' ? 'Create room' : 'Join room').click();
    await fixture.whenStable();
  }

  afterEach(() => jest.useRealTimers());

  describe('prefill and validation', () => {
    it('fills the room name and username from its inputs and leaves the password empty', async () => {
      await render('join', { roomname: 'Den', username: 'Bob' });

      expect(roomField().value).toBe('Den');
      expect(usernameField().value).toBe('Bob');
      expect(passwordField().value).toBe('');
    });

    it('puts the cursor in Password when the room name and username came with the link', async () => {
      await render('join', { roomname: 'Den', username: 'Bob' });

      expect(document.activeElement).toBe(passwordField());
    });

    it('puts the cursor in Username when only the room name came with the link', async () => {
      await render('join', { roomname: 'Den' });

      expect(document.activeElement).toBe(usernameField());
    });

    it('puts the cursor in Username when the username that came with the link breaks the rules', async () => {
      await render('join', { roomname: 'Den', username: 'a/b' });

      expect(document.activeElement).toBe(usernameField());
    });

    it('moves no cursor for a room name that breaks the rules, nor without one', async () => {
      await render('join', { roomname: 'a/b', username: 'Bob' });
      expect([roomField(), usernameField(), passwordField()]).not.toContain(document.activeElement);

      TestBed.resetTestingModule();
      await render('join', { username: 'Bob' });
      expect([roomField(), usernameField(), passwordField()]).not.toContain(document.activeElement);
    });

    it('says nothing about a field until it has been left', async () => {
      await render('create');

      typeInto(roomField(), 'a/b');
      await fixture.whenStable();
      expect(roomField().getAttribute('aria-invalid')).toBeNull();
      expect(description(roomField())).not.toContain('can use only');

      leave(roomField());
      await fixture.whenStable();
      expect(roomField().getAttribute('aria-invalid')).toBe('true');
      expect(description(roomField())).toContain('A room name can use only letters, digits, spaces');
    });

    it('explains a look-alike spelling that mixes alphabets beside its field, and sends nothing', async () => {
      await render('create');
      typeInto(roomField(), 'Den');
      typeInto(usernameField(), 'p\u0430ypal');
      typeInto(passwordField(), 'correct horse');

      await submit('create');

      expect(usernameField().getAttribute('aria-invalid')).toBe('true');
      expect(description(usernameField())).toContain('A username needs letters of one alphabet');
      expect(document.activeElement).toBe(usernameField());
      expect(calls).toEqual([]);
    });

    it('updates the message live while a touched field is edited', async () => {
      await render('create');
      leave(usernameField());
      await fixture.whenStable();
      expect(description(usernameField())).toContain('Enter a username.');

      typeInto(usernameField(), 'x'.repeat(33));
      await fixture.whenStable();
      expect(description(usernameField())).toContain('A username can have at most 32 characters.');

      typeInto(usernameField(), 'Alice');
      await fixture.whenStable();
      expect(usernameField().getAttribute('aria-invalid')).toBeNull();
      expect(description(usernameField())).not.toContain('Enter a username.');
    });

    it('shows every problem on submit, focuses the first field at fault and calls nothing', async () => {
      await render('create');
      typeInto(usernameField(), 'Alice');
      typeInto(passwordField(), 'short');

      await submit('create');

      expect(description(roomField())).toContain('Enter a room name.');
      expect(description(passwordField())).toContain('Use at least 8 characters.');
      expect(usernameField().getAttribute('aria-invalid')).toBeNull();
      expect(document.activeElement).toBe(roomField());
      expect(calls).toEqual([]);
    });
  });

  describe('availability', () => {
    it('says a free name is free once typing pauses (create)', async () => {
      await render('create');
      jest.useFakeTimers();
      api.roomExists.mockResolvedValue(false);

      typeInto(roomField(), 'Den');
      await jest.advanceTimersByTimeAsync(300);
      expect(api.roomExists).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(200);
      fixture.detectChanges();

      expect(api.roomExists).toHaveBeenCalledWith('Den');
      expect(description(roomField())).toContain('This name is free.');
    });

    it('offers to join a room that exists (create)', async () => {
      await render('create', { username: 'Bob' });
      jest.useFakeTimers();

      typeInto(roomField(), 'Den');
      await jest.advanceTimersByTimeAsync(400);
      fixture.detectChanges();

      expect(description(roomField())).toContain('A room with this name exists — join it instead?');
      expect(findLink(element, 'join it instead?')?.getAttribute('href')).toBe('/login?roomname=Den&username=Bob');
    });

    it('says a room was found (join)', async () => {
      await render('join');
      jest.useFakeTimers();
      typeInto(roomField(), 'Den');
      await jest.advanceTimersByTimeAsync(400);
      fixture.detectChanges();

      expect(description(roomField())).toContain('Room found.');
    });

    it('asks about a prefilled room name without any typing', async () => {
      await render('join', { roomname: 'Den' });
      await new Promise((resolve) => setTimeout(resolve, 450));
      await fixture.whenStable();

      expect(api.roomExists).toHaveBeenCalledWith('Den');
      expect(description(roomField())).toContain('Room found.');
    });

    it('offers to create a room that does not exist (join)', async () => {
      await render('join');
      jest.useFakeTimers();
      api.roomExists.mockResolvedValue(false);

      typeInto(roomField(), 'Attic');
      await jest.advanceTimersByTimeAsync(400);
      fixture.detectChanges();

      expect(description(roomField())).toContain('No room with this name yet — create it?');
      expect(findLink(element, 'create it?')?.getAttribute('href')).toBe('/create?roomname=Attic');
    });
  });

  describe('submitting', () => {
    it('creates: fresh kdf, derive, create, save the session, then the chat', async () => {
      await render('create');
      await fill(' Den ', 'Alice', 'correct horse battery staple');

      await submit('create');

      expect(calls).toEqual(['newKdf', 'deriveRoomKeys', 'createRoom', 'save']);
      expect(crypto.deriveRoomKeys).toHaveBeenCalledWith('correct horse battery staple', 'den', KDF);
      expect(api.createRoom).toHaveBeenCalledWith({ room: 'Den', username: 'Alice', verifier: KEYS.verifier, kdf: KDF });
      expect(sessions.save).toHaveBeenCalledWith(
        {
          token: 'token-1',
          room: ROOM,
          roomKey: 'den',
          username: 'Alice',
          keys: { encKey: ENC_KEY, fingerprint: KEYS.fingerprint },
        } satisfies ChatSession,
        { vault: VAULT, encKeyBytes: derivedBytes },
      );
      expect(TestBed.inject(Router).url).toBe('/chat');
      expect(passwordField().value).toBe('');
    });

    it("hands save() the grant's vault and the key's bytes to seal, and zeroes the bytes afterwards", async () => {
      await render('create');
      await fill('Den', 'Alice', 'correct horse battery staple');

      await submit('create');

      expect(bytesAtSave).toEqual(new Array(32).fill(5));
      expect(Array.from(derivedBytes)).toEqual(new Array(32).fill(0));
    });

    it('zeroes the bytes when the server refuses too', async () => {
      await render('create');
      api.createRoom.mockRejectedValue(new ApiProblem('ROOM_EXISTS', 409, 'taken'));
      await fill('Den', 'Alice', 'correct horse battery staple');

      await submit('create');

      expect(sessions.save).not.toHaveBeenCalled();
      expect(Array.from(derivedBytes)).toEqual(new Array(32).fill(0));
    });

    it('joins: the room\'s kdf, derive, join, save with the name as the server reports it, then the chat', async () => {
      await render('join');
      api.joinRoom.mockImplementation(async () => {
        calls.push('joinRoom');
        return grant('Alice', 'bob');
      });
      await fill('Den', 'BOB', 'correct horse battery staple');

      await submit('join');

      expect(calls).toEqual(['lookupKdf Den', 'deriveRoomKeys', 'joinRoom', 'save']);
      expect(api.joinRoom).toHaveBeenCalledWith('Den', { username: 'BOB', verifier: KEYS.verifier });
      expect(sessions.save).toHaveBeenCalledWith(expect.objectContaining({ username: 'bob', roomKey: 'den' }), expect.objectContaining({ vault: VAULT }));
      expect(TestBed.inject(Router).url).toBe('/chat');
    });

    it('shows "Deriving key…" and disables the form while the key is derived', async () => {
      await render('create');
      const derivation = deferred<DerivedRoomKeys>();
      crypto.deriveRoomKeys.mockReturnValue(derivation.promise);
      await fill('Den', 'Alice', 'correct horse battery staple');

      await submit('create');

      const status = element.querySelector('[role="status"]');
      expect(textOf(status)).toBe('Deriving key…');
      expect(element.querySelector('fieldset')?.disabled).toBe(true);
      expect(element.querySelector('form')?.getAttribute('aria-busy')).toBe('true');
      byButton(element, 'Create room').click();
      expect(crypto.deriveRoomKeys).toHaveBeenCalledTimes(1);

      derivation.resolve({ ...KEYS, encKeyBytes: new Uint8Array(32) });
      await fixture.whenStable();
      expect(api.createRoom).toHaveBeenCalledTimes(1);
    });
  });

  describe('refusals', () => {
    it.each([
      ['create', 'createRoom', 'ROOM_EXISTS', 'Room name'],
      ['join', 'lookupKdf', 'ROOM_NOT_FOUND', 'Room name'],
      ['join', 'joinRoom', 'ROOM_NOT_FOUND', 'Room name'],
      ['join', 'joinRoom', 'USERNAME_TAKEN', 'Username'],
      ['join', 'joinRoom', 'BAD_CREDENTIALS', 'Password'],
    ] as const)('%s: %s refused with %s shows the sentence beside %s', async (mode, method, code, label) => {
      await render(mode);
      api[method].mockRejectedValue(new ApiProblem(code, 409, 'for developers'));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit(mode);

      const field = byLabel(element, label);
      expect(description(field)).toContain(errorText(code));
      expect(field.getAttribute('aria-invalid')).toBe('true');
      expect(document.activeElement).toBe(field);
      expect(textOf(element.querySelector('.alert'))).toBe('');
      expect(sessions.save).not.toHaveBeenCalled();
      expect(element.querySelector('fieldset')?.disabled).toBe(false);
    });

    it.each(['ROOM_FULL', 'CAPACITY', 'RATE_LIMITED', 'NETWORK', 'INTERNAL'] as const)(
      'shows %s in the form alert',
      async (code) => {
        await render('join');
        api.joinRoom.mockRejectedValue(new ApiProblem(code, 500, 'for developers'));
        await fill('Den', 'Bob', 'correct horse battery staple');

        await submit('join');

        const alert = element.querySelector('[role="alert"]');
        expect(textOf(alert)).toBe(errorText(code));
        for (const label of ['Room name', 'Username', 'Password']) {
          expect(byLabel(element, label).getAttribute('aria-invalid')).toBeNull();
        }
      },
    );

    it('says how many tries a wrong password leaves, beside the Password field', async () => {
      await render('join');
      api.joinRoom.mockRejectedValue(new ApiProblem('BAD_CREDENTIALS', 401, 'for developers', undefined, undefined, { triesLeft: 2 }));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit('join');

      expect(description(passwordField())).toContain('Wrong password. 2 tries left before a one-minute wait.');
      expect(document.activeElement).toBe(passwordField());
    });

    it('says "1 try left" for the last but one', async () => {
      await render('join');
      api.joinRoom.mockRejectedValue(new ApiProblem('BAD_CREDENTIALS', 401, 'for developers', undefined, undefined, { triesLeft: 1 }));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit('join');

      expect(description(passwordField())).toContain('Wrong password. 1 try left before a one-minute wait.');
    });

    it('shows the refused request\'s reference under the alert, to be copied', async () => {
      await render('create');
      api.createRoom.mockRejectedValue(new ApiProblem('INTERNAL', 500, 'for developers', undefined, '5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50'));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit('create');

      const alert = element.querySelector('[role="alert"]');
      expect(textOf(alert)).toContain(errorText('INTERNAL'));
      expect(textOf(alert?.querySelector('.reference') ?? null)).toContain('Reference: 5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50');
      expect(alert?.querySelector('button[aria-label="Copy reference 5f0c1e7a9b3d4c2e8f6a0b1c2d3e4f50"]')).not.toBeNull();
    });

    it('puts VALIDATION_FAILED of the room lookup beside the room name', async () => {
      await render('join');
      api.lookupKdf.mockRejectedValue(new ApiProblem('VALIDATION_FAILED', 400, 'bad'));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit('join');

      expect(description(roomField())).toContain('The server did not accept this room name.');
    });

    it('explains a room whose key settings this client refuses, and derives nothing', async () => {
      await render('join');
      crypto.deriveRoomKeys.mockRejectedValue(new KdfRejectedError('kdf.m must be an integer from 19456 to 262144'));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit('join');

      expect(textOf(element.querySelector('[role="alert"]'))).toContain('refused to derive a key');
      expect(api.joinRoom).not.toHaveBeenCalled();
    });

    it('offers the other form beside ROOM_EXISTS', async () => {
      await render('create');
      api.createRoom.mockRejectedValue(new ApiProblem('ROOM_EXISTS', 409, 'exists'));
      await fill('Den', 'Bob', 'correct horse battery staple');

      await submit('create');

      expect(findLink(element, 'Join “Den” instead')?.getAttribute('href')).toBe('/login?roomname=Den&username=Bob');
    });

    it('drops a field\'s refusal once that field is edited', async () => {
      await render('join');
      api.joinRoom.mockRejectedValue(new ApiProblem('USERNAME_TAKEN', 409, 'taken'));
      await fill('Den', 'Bob', 'correct horse battery staple');
      await submit('join');

      typeInto(usernameField(), 'Bobby');
      await fixture.whenStable();

      expect(description(usernameField())).not.toContain(errorText('USERNAME_TAKEN'));
      expect(usernameField().getAttribute('aria-invalid')).toBeNull();
    });
  });

  describe('a session this tab still holds', () => {
    it('offers "Return to <room>" without leaving the page', async () => {
      const session: ChatSession = { token: 't', room: ROOM, roomKey: 'den', username: 'Alice', keys: { encKey: ENC_KEY, fingerprint: KEYS.fingerprint } };
      await render('create', { session });

      const link = findLink(element, 'Return to Den');
      expect(link?.getAttribute('href')).toBe('/chat');
      expect(TestBed.inject(Router).url).toBe('/');
    });

    it('offers nothing when there is none', async () => {
      await render('create');

      expect(element.querySelector('.session-notice')).toBeNull();
    });
  });
});
