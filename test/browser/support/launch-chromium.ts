import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package, which `.ci/run` installs; CHROMIUM_PATH points elsewhere on other machines. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags that keep the browser from talking to anything but the server under test. */
const QUIET_FLAGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/**
 * Launches headless Chromium. A missing browser is an error, never a skip: a suite that silently
 * skips its browser tests would pass on a machine that proves nothing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    const ci = process.env['CI'] === 'true' ? ' (CI=true: .ci/run should have installed it)' : '';
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}${ci}. The browser tests need it: run ` +
        '`apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: QUIET_FLAGS });
}
