import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { byButton, byLabel, findButton } from '../../shared/testing/dom-queries';
import { openRoomPage as open } from '../../shared/testing/open-room-page';

describe('LoginPage', () => {
  it('is titled and headed "Join a room"', async () => {
    const element = await open('/login');

    expect(element.querySelector('h1')?.textContent).toBe('Join a room');
    expect(TestBed.inject(Title).getTitle()).toBe('Join a room · CipherNest');
  });

  it('prefills the form from ?username= and ?roomname=', async () => {
    const element = await open('/login?username=Alice&roomname=Quiet%20corner');

    expect(byLabel(element, 'Room name').value).toBe('Quiet corner');
    expect(byLabel(element, 'Username').value).toBe('Alice');
    expect(byLabel(element, 'Password').value).toBe('');
  });

  it('offers the join button and no passphrase generator', async () => {
    const element = await open('/login');

    expect(byButton(element, 'Join room').type).toBe('submit');
    expect(findButton(element, 'Generate passphrase')).toBeUndefined();
    expect(findButton(element, 'Create room')).toBeUndefined();
  });

  it('takes the first of a repeated parameter', async () => {
    const element = await open('/login?roomname=Den&roomname=Attic');

    expect(byLabel(element, 'Room name').value).toBe('Den');
    expect(byLabel(element, 'Username').value).toBe('');
  });

  it('keeps names with spaces and non-Latin letters from the query intact', async () => {
    const element = await open('/login?roomname=%C3%89t%C3%A9%20club&username=%E5%B0%8F%E6%98%8E');

    expect(byLabel(element, 'Room name').value).toBe('Été club');
    expect(byLabel(element, 'Username').value).toBe('小明');
  });
});
