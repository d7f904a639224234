import { Component, signal } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { byButton, findButton, textOf } from '../../shared/testing/dom-queries';
import { qrModules, qrPath } from './qr-code';
import { RoomInvite, inviteLink } from './room-invite';

@Component({
  imports: [RoomInvite],
  template: '<app-room-invite [room]="room()" [panel]="panel()" />',
})
class Host {
  readonly room = signal('Blue Room');
  readonly panel = signal(false);
}

/** jsdom's own origin: the page the spec runs in. */
const LINK = 'http://localhost/login?roomname=Blue%20Room';
const PASSWORD_NOTE = 'Share the password another way (in person, by phone, or in a different app), never together with the link.';

describe('inviteLink', () => {
  it("is the server's join page with the room name percent-encoded", () => {
    expect(inviteLink('https://chat.example', 'Été club')).toBe('https://chat.example/login?roomname=%C3%89t%C3%A9%20club');
    expect(inviteLink('http://127.0.0.1:3000', 'a.b-c_d')).toBe('http://127.0.0.1:3000/login?roomname=a.b-c_d');
  });
});

describe('RoomInvite', () => {
  let fixture: ComponentFixture<Host>;
  let element: HTMLElement;
  let writeText: jest.Mock<Promise<void>, [string]>;
  const dialog = () => element.querySelector('dialog') as HTMLDialogElement;
  const status = () => textOf(element.querySelector('[role="status"]'));

  beforeEach(async () => {
    writeText = jest.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    fixture = TestBed.createComponent(Host);
    element = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => Reflect.deleteProperty(navigator, 'clipboard'));

  async function click(name: string): Promise<void> {
    byButton(element, name).click();
    await fixture.whenStable();
  }

  it('offers "Copy invite link" and "Show QR code", and says nothing yet', () => {
    expect(findButton(element, 'Copy invite link')).toBeDefined();
    expect(findButton(element, 'Show QR code')).toBeDefined();
    expect(status()).toBe('');
    expect(dialog().hasAttribute('open')).toBe(false);
  });

  it('copies the link and says so in a status', async () => {
    await click('Copy invite link');

    expect(writeText.mock.calls).toEqual([[LINK]]);
    expect(status()).toBe('Invite link copied.');
    expect(element.querySelector('input')).toBeNull();
  });

  it('where the clipboard is refused, selects the link in a read-only field to copy by hand', async () => {
    writeText.mockRejectedValue(new DOMException('denied', 'NotAllowedError'));

    await click('Copy invite link');
    await fixture.whenStable();

    const field = element.querySelector('input') as HTMLInputElement;
    expect(status()).toBe('Copying is not allowed here; the link is selected below, so copy it yourself.');
    expect([field.readOnly, field.value, field.getAttribute('aria-label')]).toEqual([true, LINK, 'Invite link']);
    expect(document.activeElement).toBe(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([0, LINK.length]);
  });

  it('without a Clipboard API at all, offers the field too', async () => {
    Reflect.deleteProperty(navigator, 'clipboard');

    await click('Copy invite link');

    expect((element.querySelector('input') as HTMLInputElement).value).toBe(LINK);
  });

  it('"Show QR code" opens a dialog with the code of the same link, the link as text and the password sentence', async () => {
    await click('Show QR code');

    expect(dialog().hasAttribute('open')).toBe(true);
    const title = dialog().querySelector('h2');
    expect(dialog().getAttribute('aria-labelledby')).toBe(title?.id);
    expect(textOf(title)).toBe('Invite to Blue Room');
    expect(dialog().querySelector('svg[role="img"]')?.getAttribute('aria-label')).toBe('QR code of the invite link');
    expect(dialog().querySelector('path')?.getAttribute('d')).toBe(qrPath(qrModules(LINK)));
    expect(textOf(dialog().querySelector('.link'))).toBe(LINK);
    expect(textOf(dialog())).toContain(PASSWORD_NOTE);
    expect(document.activeElement).toBe(byButton(element, 'Close'));
  });

  it('Close shuts the dialog and gives the focus back to "Show QR code"', async () => {
    await click('Show QR code');

    await click('Close');

    expect(dialog().hasAttribute('open')).toBe(false);
    expect(document.activeElement).toBe(byButton(element, 'Show QR code'));
    expect(dialog().querySelector('svg')).toBeNull();
  });

  it('as the empty room\'s panel: a region "Invite people" with the two sentences around the actions', async () => {
    fixture.componentInstance.panel.set(true);
    await fixture.whenStable();
    const host = element.querySelector('app-room-invite') as HTMLElement;

    expect(host.getAttribute('role')).toBe('region');
    expect(textOf(document.getElementById(host.getAttribute('aria-labelledby') ?? ''))).toBe('Invite people');
    expect(textOf(host)).toContain("The link holds only the room's name.");
    expect(textOf(host)).toContain(PASSWORD_NOTE);
    expect(findButton(host, 'Copy invite link')).toBeDefined();
  });

  it('follows the room name it is given', async () => {
    fixture.componentInstance.room.set('Attic 2');
    await fixture.whenStable();

    await click('Copy invite link');

    expect(writeText).toHaveBeenLastCalledWith('http://localhost/login?roomname=Attic%202');
  });
});
