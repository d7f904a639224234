import { DOCUMENT } from '@angular/common';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { RoomDirectory } from '@ciphernest/protocol';
import { ApiClient } from '../../core/api/api-client';
import { ApiProblem } from '../../core/api/api-problem';
import { textOf } from '../../shared/testing/dom-queries';
import { DIRECTORY_REFRESH_MS, OpenRooms } from './open-rooms';

describe('OpenRooms', () => {
  let fixture: ComponentFixture<OpenRooms>;
  let element: HTMLElement;
  let listRooms: jest.Mock<Promise<RoomDirectory | undefined>, []>;
  let visibility: DocumentVisibilityState;

  async function render(first: RoomDirectory | undefined): Promise<void> {
    listRooms = jest.fn(async () => first);
    TestBed.configureTestingModule({ providers: [provideRouter([]), { provide: ApiClient, useValue: { listRooms } }] });
    visibility = 'visible';
    Object.defineProperty(TestBed.inject(DOCUMENT), 'visibilityState', { configurable: true, get: () => visibility });
    jest.useFakeTimers();
    fixture = TestBed.createComponent(OpenRooms);
    element = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    await jest.advanceTimersByTimeAsync(0);
    fixture.detectChanges();
  }

  async function wait(ms: number): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
    fixture.detectChanges();
  }

  afterEach(() => {
    fixture.destroy();
    jest.useRealTimers();
    Reflect.deleteProperty(TestBed.inject(DOCUMENT), 'visibilityState');
  });

  const rows = () => Array.from(element.querySelectorAll('li a'), (link) => [textOf(link), link.getAttribute('href')]);

  it('lists the rooms by name with their member counts, each linking to the join form', async () => {
    await render({ rooms: [{ name: 'Quiet corner', members: 3 }, { name: 'Den', members: 1 }] });

    expect(textOf(element.querySelector('h2'))).toBe('Open rooms');
    expect(rows()).toEqual([
      ['Den, 1 member', '/login?roomname=Den'],
      ['Quiet corner, 3 members', '/login?roomname=Quiet%20corner'],
    ]);
  });

  it('refreshes every ten seconds while the page is visible', async () => {
    await render({ rooms: [{ name: 'Den', members: 1 }] });
    listRooms.mockResolvedValue({ rooms: [{ name: 'Den', members: 2 }] });

    await wait(DIRECTORY_REFRESH_MS - 1);
    expect(listRooms).toHaveBeenCalledTimes(1);
    await wait(1);

    expect(listRooms).toHaveBeenCalledTimes(2);
    expect(rows()).toEqual([['Den, 2 members', '/login?roomname=Den']]);
  });

  it('does not ask while the page is hidden, and asks at once when it shows again', async () => {
    await render({ rooms: [] });
    visibility = 'hidden';
    await wait(3 * DIRECTORY_REFRESH_MS);
    expect(listRooms).toHaveBeenCalledTimes(1);

    visibility = 'visible';
    TestBed.inject(DOCUMENT).dispatchEvent(new Event('visibilitychange'));
    await wait(0);

    expect(listRooms).toHaveBeenCalledTimes(2);
  });

  it('says when there are no rooms', async () => {
    await render({ rooms: [] });

    expect(textOf(element)).toContain('No rooms right now.');
  });

  it('renders nothing and stops asking when the directory is off', async () => {
    await render(undefined);
    await wait(3 * DIRECTORY_REFRESH_MS);

    expect(element.children).toHaveLength(0);
    expect(listRooms).toHaveBeenCalledTimes(1);
  });

  it('keeps the last list and says it may be stale when a refresh fails', async () => {
    await render({ rooms: [{ name: 'Den', members: 1 }] });
    listRooms.mockRejectedValue(new ApiProblem('NETWORK', 0, 'offline'));

    await wait(DIRECTORY_REFRESH_MS);

    expect(rows()).toEqual([['Den, 1 member', '/login?roomname=Den']]);
    expect(textOf(element)).toContain('may be out of date');
  });

  it('asks nothing when the page the server sent says it has no directory', async () => {
    const appRoot = document.createElement('app-root');
    appRoot.setAttribute('data-room-directory', 'off');
    document.body.append(appRoot);
    try {
      await render({ rooms: [{ name: 'Den', members: 1 }] });
      await wait(3 * DIRECTORY_REFRESH_MS);

      expect(listRooms).not.toHaveBeenCalled();
      expect(textOf(element)).toBe('');
    } finally {
      appRoot.remove();
    }
  });

  it('asks when the page says the server has a directory', async () => {
    const appRoot = document.createElement('app-root');
    appRoot.setAttribute('data-room-directory', 'on');
    document.body.append(appRoot);
    try {
      await render({ rooms: [{ name: 'Den', members: 1 }] });

      expect(rows()).toEqual([['Den, 1 member', '/login?roomname=Den']]);
    } finally {
      appRoot.remove();
    }
  });

  it('stops refreshing when it is destroyed', async () => {
    await render({ rooms: [] });
    fixture.destroy();

    await jest.advanceTimersByTimeAsync(3 * DIRECTORY_REFRESH_MS);

    expect(listRooms).toHaveBeenCalledTimes(1);
  });
});
