import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ServerProcess, type ServerEnv } from '../../support/server-process';
import { launchChromium } from './launch-chromium';

/** One person: a browser context of their own (cookies, storage, IndexedDB) and its first tab. */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in any tab of this context. */
  pageErrors: string[];
  /** alert/confirm/prompt dialogs any tab opened (all dismissed). */
  dialogs: string[];
  /** Console messages of type error, with their tab's URL. */
  consoleErrors: string[];
}

export interface BrowserApp {
  readonly server: ServerProcess;
  readonly browser: Browser;
  readonly baseURL: string;
  /** A new context with its first tab; closed after the test. */
  newUser(options?: BrowserContextOptions): Promise<BrowserUser>;
}

/** Server settings for browser tests: a short grace so away/timeout can be watched. */
export const BROWSER_SERVER_ENV: ServerEnv = { DISCONNECT_GRACE_MS: '2000', LOG_LEVEL: 'debug' };

/**
 * One built server and one Chromium for the enclosing describe block. Every user made during a
 * test is closed after it; an uncaught page error or an unexpected dialog fails that test.
 * `env` may be a function, read in beforeAll, for settings known only then (a Redis URL).
 */
export function useBrowserApp(env: ServerEnv | (() => ServerEnv) = {}): () => BrowserApp {
  let app: BrowserApp | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let users: BrowserUser[] = [];

  beforeAll(async () => {
    // Settle both before judging either, so that a failed launch never leaves the other running.
    const [serverStart, browserLaunch] = await Promise.allSettled([
      ServerProcess.start({ ...BROWSER_SERVER_ENV, ...(typeof env === 'function' ? env() : env) }),
      launchChromium(),
    ]);
    if (serverStart.status === 'fulfilled') server = serverStart.value;
    if (browserLaunch.status === 'fulfilled') browser = browserLaunch.value;
    if (browserLaunch.status === 'rejected') throw browserLaunch.reason;
    if (serverStart.status === 'rejected') throw serverStart.reason;
    const started = { server: serverStart.value, browser: browserLaunch.value };
    app = {
      server: started.server,
      browser: started.browser,
      baseURL: started.server.url,
      newUser: async (options = {}) => {
        const context = await started.browser.newContext({
          baseURL: started.server.url,
          viewport: { width: 1280, height: 800 },
          reducedMotion: 'reduce',
          ...options,
        });
        context.setDefaultTimeout(15_000);
        context.setDefaultNavigationTimeout(20_000);
        const user: BrowserUser = { context, page: undefined as unknown as Page, pageErrors: [], dialogs: [], consoleErrors: [] };
        context.on('page', (page) => watch(user, page));
        user.page = await context.newPage();
        users.push(user);
        return user;
      },
    };
  }, 40_000);

  afterEach(async () => {
    const ended = users;
    users = [];
    await Promise.all(ended.map((user) => user.context.close().catch(() => undefined)));
    const problems = ended.flatMap((user) => [
      ...user.pageErrors.map((error) => `uncaught page error: ${error}`),
      ...user.dialogs.map((dialog) => `unexpected dialog: ${dialog}`),
    ]);
    if (problems.length > 0) throw new Error(`The app misbehaved during this test:\n${problems.join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill();
  });

  return () => {
    if (!app) throw new Error('the browser app of this block has not started');
    return app;
  };
}

function watch(user: BrowserUser, page: Page): void {
  page.on('pageerror', (error) => user.pageErrors.push(`${page.url()}: ${error.stack ?? error.message}`));
  page.on('dialog', (dialog) => {
    user.dialogs.push(`${dialog.type()} "${dialog.message()}" on ${page.url()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') user.consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
}
