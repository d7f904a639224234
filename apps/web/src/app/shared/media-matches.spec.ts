import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { mediaMatches } from './media-matches';

/** A MediaQueryList whose answer the spec sets, with the listeners it holds. */
class FakeMediaQueryList extends EventTarget {
  constructor(
    readonly media: string,
    public matches: boolean,
  ) {
    super();
  }

  listeners = 0;

  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    this.listeners++;
    super.addEventListener(type, listener);
  }

  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    this.listeners--;
    super.removeEventListener(type, listener);
  }

  change(matches: boolean): void {
    this.matches = matches;
    this.dispatchEvent(Object.assign(new Event('change'), { matches, media: this.media }));
  }
}

@Component({ template: '' })
class Narrow {
  readonly narrow = mediaMatches('(max-width: 40rem)');
}

describe('mediaMatches', () => {
  let lists: FakeMediaQueryList[];

  beforeEach(() => {
    lists = [];
    Object.defineProperty(window, 'matchMedia', {
      configurable: true,
      value: (query: string) => {
        const list = new FakeMediaQueryList(query, true);
        lists.push(list);
        return list;
      },
    });
  });

  afterEach(() => Reflect.deleteProperty(window, 'matchMedia'));

  it('says whether the query matches now, and follows its changes', () => {
    const fixture = TestBed.createComponent(Narrow);
    const narrow = fixture.componentInstance.narrow;

    expect(lists.map((list) => list.media)).toEqual(['(max-width: 40rem)']);
    expect(narrow()).toBe(true);
    lists[0].change(false);
    expect(narrow()).toBe(false);
    lists[0].change(true);
    expect(narrow()).toBe(true);
  });

  it('stops listening when its component goes', () => {
    const fixture = TestBed.createComponent(Narrow);
    expect(lists[0].listeners).toBe(1);

    fixture.destroy();

    expect(lists[0].listeners).toBe(0);
  });

  it('is false where the window has no matchMedia', () => {
    Reflect.deleteProperty(window, 'matchMedia');
    const fixture = TestBed.createComponent(Narrow);

    expect(fixture.componentInstance.narrow()).toBe(false);
  });
});
