import type { BrowserUser } from './use-browser-app';

/**
 * Records every `securitypolicyviolation` of every document the user's context loads, from
 * before the app's first script, into a list on the Node side (so navigations lose nothing).
 * The same recorder as csp.browser-spec.ts, for specs that check their own flows.
 */
export async function recordCspViolations(user: BrowserUser): Promise<string[]> {
  const seen: string[] = [];
  await user.context.exposeFunction('__reportCspViolation', (text: string) => void seen.push(text));
  await user.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __reportCspViolation: (text: string) => void }).__reportCspViolation;
      report(`${location.pathname}: ${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  return seen;
}

/** The console errors that speak of the CSP or Trusted Types. */
export function cspConsoleMessages(user: BrowserUser): string[] {
  return user.consoleErrors.filter((text) => /Content Security Policy|Refused to|Trusted Type/i.test(text));
}
