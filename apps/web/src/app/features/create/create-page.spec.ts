import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { byButton, byLabel, findButton } from '../../shared/testing/dom-queries';
import { openRoomPage as open } from '../../shared/testing/open-room-page';

describe('CreatePage', () => {
  it('is titled and headed "Create a room"', async () => {
    const element = await open('/create');

    expect(element.querySelector('h1')?.textContent).toBe('Create a room');
    expect(TestBed.inject(Title).getTitle()).toBe('Create a room · CipherNest');
  });

  it('prefills the form from ?username= and ?roomname=', async () => {
    const element = await open('/create?username=Alice&roomname=Quiet%20corner');

    expect(byLabel(element, 'Room name').value).toBe('Quiet corner');
    expect(byLabel(element, 'Username').value).toBe('Alice');
    expect(byLabel(element, 'Password').value).toBe('');
  });

  it('offers the create button and the passphrase generator', async () => {
    const element = await open('/create');

    expect(byButton(element, 'Create room').type).toBe('submit');
    expect(findButton(element, 'Generate passphrase')).toBeDefined();
    expect(findButton(element, 'Join room')).toBeUndefined();
  });
});
