import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** Debian's chromium package, which `.ci/run` installs; CHROMIUM_PATH points elsewhere on other machines. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags that keep the browser from talking to anything but the server under test. */
const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/**
 * Launches headless Chromium. A missing browser is an error, never a skip: a suite that silently
 * skips its browser tests would pass on a machine that proves nothing.
 */
export async function launchChromium(): Promise<Browser> {
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: QUIET_FLAGS });
}

/**
 * Launches headless Chromium on a profile directory of the caller's own (everything the browser
 * writes to disk lands there), as one persistent context. Close the context to close the browser.
 */
export async function launchChromiumWithProfile(userDataDir: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  assertChromium();
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: QUIET_FLAGS, ...options });
}

function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    const ci = process.env['CI'] === 'true' ? ' (CI=true: .ci/run should have installed it)' : '';
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}${ci}. The browser tests need it: run ` +
        '`apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
}
