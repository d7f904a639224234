import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { findLink } from '../../shared/testing/dom-queries';
import { NotFoundPage } from './not-found-page';

describe('NotFoundPage', () => {
  it('says the page was not found and links home', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(NotFoundPage);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;

    expect(element.querySelector('h1')?.textContent).toBe('Page not found');
    expect(findLink(element, 'Back to the start page')?.getAttribute('href')).toBe('/');
  });
});
