import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { ApiClient } from '../../core/api/api-client';
import { CryptoService } from '../../core/crypto/crypto.service';
import { E2eService } from '../../core/crypto/e2e.service';
import { endReasonText } from '../../core/errors/error-text';
import { ChatConnection } from '../../core/realtime/chat-connection';
import { SessionStore } from '../../core/session/session-store';
import { CHAT_PROVIDERS } from './active-chat';
import { ChatPage } from './chat-page';
import { ImagePrep } from './image-prep';
import { provideChat } from './provide-chat';
import { FakeApiClient, FakeChatConnection, FakeCryptoService, FakeImagePrep, FakeSessionStore, ROOM, VAULT, fakeSession } from './testing/chat-fakes';
import { FakeE2eService, SAFETY_NUMBER } from './testing/fake-e2e-layer';

@Component({ template: '' })
class Elsewhere {}

/** Lets every queued promise run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const ALICE_AND_BOB = [
  { name: 'Alice', status: 'online' as const, creator: true },
  { name: 'Bob', status: 'online' as const, creator: false },
];

describe('ChatPage', () => {
  let connection: FakeChatConnection;
  let sessions: FakeSessionStore;
  let imagePrep: FakeImagePrep;
  let hidden: boolean;

  beforeEach(() => {
    connection = new FakeChatConnection();
    sessions = new FakeSessionStore();
    imagePrep = new FakeImagePrep();
    hidden = false;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: () => 'blob:test/1' });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => undefined });
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'chat', component: ChatPage },
          { path: 'login', component: Elsewhere },
          { path: '', component: Elsewhere },
        ]),
        { provide: CryptoService, useValue: new FakeCryptoService() },
        { provide: E2eService, useValue: new FakeE2eService() },
        { provide: SessionStore, useValue: sessions },
        { provide: ApiClient, useValue: new FakeApiClient() },
        { provide: ImagePrep, useValue: imagePrep },
        { provide: CHAT_PROVIDERS, useValue: [...provideChat(), { provide: ChatConnection, useValue: connection }] },
      ],
    });
  });

  afterEach(() => Reflect.deleteProperty(document, 'hidden'));

  async function open(url = '/chat'): Promise<{ harness: RouterTestingHarness; element: HTMLElement }> {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url);
    await settle();
    await harness.fixture.whenStable();
    return { harness, element: harness.routeNativeElement as HTMLElement };
  }

  /** The first `presence`: Alice and Bob; the end-to-end layer opens with it. */
  async function present(harness: RouterTestingHarness): Promise<void> {
    connection.presence$.next({ room: ROOM, members: ALICE_AND_BOB, vault: VAULT });
    await settle();
    await harness.fixture.whenStable();
  }

  const url = () => TestBed.inject(Router).url;
  const button = (element: HTMLElement, name: string) =>
    Array.from(element.querySelectorAll('button')).filter((b) => b.textContent?.trim() === name);

  describe('without a session', () => {
    beforeEach(() => (sessions.restored = undefined));

    it('goes to the login page, keeping the room name it was given', async () => {
      await open('/chat?roomname=Blue%20Room');

      expect(url()).toBe('/login?roomname=Blue%20Room');
      expect(connection.connectedWith).toEqual([]);
    });

    it('goes to the plain login page otherwise', async () => {
      await open();

      expect(url()).toBe('/login');
    });
  });

  describe('with a session', () => {
    it('connects and shows the room, that it is end-to-end encrypted, and the parts of the chat', async () => {
      const { harness, element } = await open();
      await present(harness);

      expect(connection.connectedWith).toEqual(['token-of-bob']);
      expect(element.querySelector('h1')?.textContent).toBe('Blue Room');
      expect(element.querySelector('.e2e-note')?.textContent).toContain('End-to-end encrypted.');
      expect(element.querySelector('[aria-label="Key fingerprint"]')).toBeNull();
      expect(element.querySelectorAll('[role="log"][title="Messages"]')).toHaveLength(1);
      expect(element.querySelectorAll('[aria-label="Members"]')).toHaveLength(1);
      expect(button(element, 'Leave chat')).toHaveLength(1);
      expect(button(element, 'Send')).toHaveLength(1);
    });

    it('after a reload, says it is opening the key until presence brings the vault, then that it is end-to-end encrypted', async () => {
      sessions.restored = fakeSession({ keys: undefined });
      const { harness, element } = await open();

      expect(element.querySelector('.e2e-note')).toBeNull();
      expect(element.querySelector('[role="status"].key-pending')?.textContent).toBe('Opening the room key…');

      await present(harness);

      expect(element.querySelector('.e2e-note')).not.toBeNull();
      expect(element.querySelector('.key-pending')).toBeNull();
    });

    it('shows each member\'s verification, and Verify opens the pair\'s safety number, to mark it verified', async () => {
      const { harness, element } = await open();
      await present(harness);
      const aliceRow = () => element.querySelector('[aria-label="Members"] li') as HTMLElement;
      expect(aliceRow().textContent).toContain('not verified');
      expect(element.querySelectorAll('[aria-label="Members"] button.verify')).toHaveLength(1);

      (aliceRow().querySelector('button.verify') as HTMLButtonElement).click();
      await settle();
      await harness.fixture.whenStable();

      const dialog = element.querySelector('dialog[aria-labelledby="safety-number-title"]') as HTMLDialogElement;
      expect(dialog.hasAttribute('open')).toBe(true);
      expect(dialog.querySelector('h2')?.textContent).toBe('Safety number with Alice');
      expect(dialog.querySelector('[aria-label="Safety number as digits"]')?.textContent?.trim().split(/\s+/)).toEqual(SAFETY_NUMBER.groups);
      expect(dialog.querySelector('[aria-label="Safety number as words"]')?.textContent).toBe(SAFETY_NUMBER.words.join(' '));
      expect(dialog.querySelectorAll('[aria-label="Safety number as emoji"] li')).toHaveLength(34);

      button(element, 'Mark as verified')[0].click();
      await settle();
      await harness.fixture.whenStable();

      expect(aliceRow().textContent).toContain('verified by you');
      expect(dialog.textContent).toContain('You have verified Alice');
      expect(button(element, 'Mark as verified')[0].disabled).toBe(true);
      button(element, 'Close')[0].click();
      await harness.fixture.whenStable();
      expect(dialog.hasAttribute('open')).toBe(false);
    });

    it('offers the invite link in the header, and in a panel while the room is ours alone and nothing was said', async () => {
      const { harness, element } = await open();
      connection.presence$.next({ room: ROOM, members: [{ name: 'Bob', status: 'online', creator: true }], vault: VAULT });
      await settle();
      await harness.fixture.whenStable();
      const panel = () => element.querySelector('[role="region"].invite-panel');

      expect(button(element.querySelector('header.room') as HTMLElement, 'Copy invite link')).toHaveLength(1);
      expect(button(element.querySelector('header.room') as HTMLElement, 'Show QR code')).toHaveLength(1);
      expect(panel()?.textContent).toContain('Share the password another way');
      expect(button(panel() as HTMLElement, 'Copy invite link')).toHaveLength(1);

      connection.member$.next({ type: 'joined', name: 'Alice', at: 0 });
      await harness.fixture.whenStable();
      expect(panel()).toBeNull();
    });

    it('shows no invite panel once something was said, even alone', async () => {
      const { harness, element } = await open();
      connection.presence$.next({ room: ROOM, members: [{ name: 'Bob', status: 'online', creator: true }], vault: VAULT });
      await settle();
      await harness.fixture.whenStable();
      expect(element.querySelector('.invite-panel')).not.toBeNull();

      const textarea = element.querySelector('textarea') as HTMLTextAreaElement;
      textarea.value = 'Anyone?';
      textarea.dispatchEvent(new Event('input'));
      textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
      await settle();
      await harness.fixture.whenStable();

      expect(element.querySelector('.invite-panel')).toBeNull();
    });

    it('shows members from presence and system lines from member events', async () => {
      const { harness, element } = await open();
      connection.presence$.next({ room: ROOM, members: [{ name: 'Alice', status: 'online', creator: true }, { name: 'Bob', status: 'online', creator: false }], vault: VAULT });
      connection.member$.next({ type: 'joined', name: 'Carol', at: 0 });
      await harness.fixture.whenStable();

      expect(Array.from(element.querySelectorAll('[aria-label="Members"] .name'), (n) => n.textContent)).toEqual(['Alice', 'Bob', 'Carol']);
      expect(element.querySelector('[role="log"] .system')?.textContent).toContain('Carol joined');
    });

    it('sends what is typed on Enter and shows it as sending', async () => {
      const { harness, element } = await open();
      await present(harness);
      const textarea = element.querySelector('textarea') as HTMLTextAreaElement;
      textarea.value = 'Hello room';
      textarea.dispatchEvent(new Event('input'));
      textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', cancelable: true }));
      await settle();
      await harness.fixture.whenStable();

      expect(connection.sends).toHaveLength(1);
      expect(element.querySelector('[role="log"] app-message-text')?.textContent).toBe('Hello room');
      expect(element.querySelector('[role="log"] .delivery')?.textContent?.trim()).toBe('Sending…');
    });

    it('asks before leaving; Stay keeps the chat and gives the focus back to "Leave chat"', async () => {
      const { harness, element } = await open();
      await present(harness);
      connection.relay('Alice', 'alice-message-0001', 'still here');
      await settle();
      button(element, 'Leave chat')[0].focus();
      button(element, 'Leave chat')[0].click();
      await harness.fixture.whenStable();

      const dialog = Array.from(element.querySelectorAll('dialog')).find((each) => each.querySelector('h2')?.textContent === 'Leave and erase this conversation?') as HTMLDialogElement;
      expect(dialog.hasAttribute('open')).toBe(true);
      expect(dialog.querySelector('h2')?.textContent).toBe('Leave and erase this conversation?');

      button(element, 'Stay')[0].click();
      await settle();
      await harness.fixture.whenStable();

      expect(dialog.hasAttribute('open')).toBe(false);
      expect(document.activeElement).toBe(button(element, 'Leave chat')[0]);
      expect([connection.leaves, sessions.clears, url()]).toEqual([0, 0, '/chat']);
      expect(element.querySelector('[role="log"] app-message-text')?.textContent).toBe('still here');
    });

    it('leaves on "Leave and erase": tells the server, erases the session and goes home', async () => {
      const { harness, element } = await open();
      button(element, 'Leave chat')[0].click();
      await harness.fixture.whenStable();
      button(element, 'Leave and erase')[0].click();
      await settle();
      await harness.fixture.whenStable();

      expect(connection.leaves).toBe(1);
      expect(sessions.clears).toBe(1);
      expect(url()).toBe('/');
      expect(connection.disconnects).toBe(0);
    });

    it('keeps the chat going when the page goes away within the app, and shows it all again on coming back', async () => {
      const { harness } = await open();
      await present(harness);
      connection.relay('Alice', 'alice-message-0001', 'before going away');
      await settle();
      await harness.navigateByUrl('/');
      TestBed.tick();

      expect(connection.disconnects).toBe(0);
      expect(connection.leaves).toBe(0);
      connection.relay('Alice', 'alice-message-0002', 'while on another page');
      await settle();

      await harness.navigateByUrl('/chat');
      await settle();
      await harness.fixture.whenStable();
      const element = harness.routeNativeElement as HTMLElement;
      expect(Array.from(element.querySelectorAll('[role="log"] app-message-text'), (node) => node.textContent)).toEqual([
        'before going away',
        'while on another page',
      ]);
      expect(connection.connectedWith).toEqual(['token-of-bob']);
      expect(sessions.clears).toBe(0);
    });

    it('lets an ended chat go with its page, and starts a new one for the next session', async () => {
      const { harness } = await open();
      connection.end('SESSION_NOT_FOUND');
      await harness.fixture.whenStable();
      await harness.navigateByUrl('/');
      TestBed.tick();

      sessions.restored = fakeSession({ token: 'token-of-bob-again' });
      await harness.navigateByUrl('/chat');
      await settle();

      expect(connection.connectedWith).toEqual(['token-of-bob', 'token-of-bob-again']);
    });

    it('shows the end of the session with its reason and a way back', async () => {
      const { harness, element } = await open();
      connection.end('shutdown');
      await harness.fixture.whenStable();

      expect(element.querySelector('app-connection-banner')?.textContent).toContain(endReasonText('shutdown'));
      expect(element.querySelector('app-connection-banner a')?.getAttribute('href')).toBe('/login?roomname=Blue%20Room&username=Bob');
      expect((element.querySelector('textarea') as HTMLTextAreaElement).disabled).toBe(true);
      expect(sessions.clears).toBe(1);
    });

    it('puts the unread count in the title while hidden', async () => {
      const { harness } = await open();
      await present(harness);
      expect(document.title).toBe('Blue Room · CipherNest');

      hidden = true;
      connection.relay('Alice', 'alice-message-0001', 'psst');
      await settle();
      await harness.fixture.whenStable();
      expect(document.title).toBe('(1) Blue Room · CipherNest');

      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      await harness.fixture.whenStable();
      expect(document.title).toBe('Blue Room · CipherNest');
    });

    it('sends images dropped on the page', async () => {
      const { element } = await open();
      const file = new File(['x'], 'cat.png', { type: 'image/png' });
      const drop = new Event('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
      element.dispatchEvent(drop);
      await settle();

      expect(drop.defaultPrevented).toBe(true);
      expect(imagePrep.prepared).toEqual([file]);
    });

    it('says "Drop a file to send it" while files are dragged over, and sends a dropped PDF as a file card', async () => {
      const { element, harness } = await open();
      const over = new Event('dragover', { bubbles: true, cancelable: true });
      Object.defineProperty(over, 'dataTransfer', { value: { types: ['Files'] } });
      element.dispatchEvent(over);
      await harness.fixture.whenStable();
      expect(element.querySelector('.drop-hint')?.textContent?.trim()).toBe('Drop a file to send it');

      const file = new File(['%PDF-1.4\n%%EOF\n'], 'minutes.pdf', { type: 'application/pdf' });
      const drop = new Event('drop', { bubbles: true, cancelable: true });
      Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files: [file] } });
      element.dispatchEvent(drop);
      await settle();
      await harness.fixture.whenStable();

      expect(imagePrep.prepared).toEqual([]);
      expect(element.querySelector('.drop-hint')).toBeNull();
      expect(element.querySelector('app-file-card .name .visually-hidden')?.textContent).toBe('minutes.pdf');
      expect(element.querySelector('app-file-card button')?.getAttribute('aria-label')).toBe('Download minutes.pdf');
    });
  });
});
