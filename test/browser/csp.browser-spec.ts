import { cspConsoleMessages, recordViolations } from './support/csp-violations';
import { eventually } from './support/eventually';
import { quadrantPng } from './support/make-png';
import {
  attachImage,
  createRoom,
  field,
  joinRoom,
  leaveChat,
  memberStatus,
  renderedImages,
  sendText,
  showsTyping,
  typeWithoutSending,
  uniquePassword,
  uniqueRoom,
  waitForChat,
  waitForMessage,
} from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

const DOCUMENTS = ['/', '/about', '/create', '/login', '/chat', '/no-such-page'];

/** The CSP's directives by name (each value a list of sources). */
function parsePolicy(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

describe('Content-Security-Policy (real Chromium)', () => {
  const app = useBrowserApp();

  it.each(DOCUMENTS)('%s comes with a strict policy and the other security headers', async (path) => {
    const { page } = await app().newUser();
    const response = await page.goto(path);
    expect(response).not.toBeNull();
    const headers = response?.headers() ?? {};
    const header = headers['content-security-policy'];
    expect(header).toEqual(expect.any(String));
    const policy = parsePolicy(header);
    const scriptSources = policy.get('script-src') ?? policy.get('default-src');
    expect(scriptSources).toBeDefined();
    expect(scriptSources).not.toContain("'unsafe-inline'");
    expect(scriptSources).not.toContain("'unsafe-eval'");
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['permissions-policy']).toEqual(expect.any(String));
    const scripts = await page.locator('script[src]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('integrity') ?? ''));
    expect(scripts.length).toBeGreaterThan(0);
    for (const integrity of scripts) expect(integrity).toMatch(/^sha(256|384|512)-/);
  }, 60_000);

  it('a whole create, join, chat, image and leave flow causes no violation', async () => {
    const room = uniqueRoom('Policy');
    const password = uniquePassword();
    const ada = await app().newUser();
    const bob = await app().newUser();
    const [adaViolations, bobViolations] = await Promise.all([recordViolations(ada), recordViolations(bob)]);

    await ada.page.goto('/');
    await ada.page.goto('/about');
    await createRoom(ada.page, { room, user: 'Ada', password });
    await joinRoom(bob.page, { room, user: 'Bob', password });
    await eventually(async () => expect(await memberStatus(ada.page, 'Bob')).toBe('online'));
    await sendText(ada.page, 'policy check: text');
    await waitForMessage(bob.page, 'policy check: text');
    await typeWithoutSending(bob.page, 'policy check: typing');
    await eventually(async () => expect(await showsTyping(ada.page, 'Bob')).toBe(true));
    await field(bob.page, 'Message').press('Enter');
    await waitForMessage(ada.page, 'policy check: typing');
    await attachImage(ada.page, { name: 'policy.png', mimeType: 'image/png', buffer: quadrantPng(24, 16) });
    await eventually(async () => expect(await renderedImages(bob.page)).toHaveLength(1));
    await bob.page.reload();
    await waitForChat(bob.page);
    await eventually(async () => expect(await memberStatus(bob.page, 'Ada')).toBe('online'));

    await leaveChat(bob.page);
    expect({ violations: [...adaViolations, ...bobViolations], console: [...cspConsoleMessages(ada), ...cspConsoleMessages(bob)] }).toEqual({ violations: [], console: [] });
  }, 60_000);
});
