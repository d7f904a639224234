import type { Page } from 'playwright-core';

/**
 * Lets a test hide and show `page` as a browser does when its tab goes to the background and
 * back: headless Chromium keeps every page visible (bringToFront, a second tab or a minimized
 * window change nothing there), so `document.hidden` and `document.visibilityState` answer what
 * the test last set, and each change fires `visibilitychange`. Call it before the page opens the app.
 */
export async function emulateVisibility(page: Page): Promise<(hidden: boolean) => Promise<void>> {
  await page.addInitScript(() => {
    let hidden = false;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    (window as unknown as { __setPageHidden: (value: boolean) => void }).__setPageHidden = (value) => {
      hidden = value;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
  return (hidden) => page.evaluate((value) => (window as unknown as { __setPageHidden: (value: boolean) => void }).__setPageHidden(value), hidden);
}
