import type { BrowserUser } from './use-browser-app';

/**
 * Records every `securitypolicyviolation` of every document the context loads, from before the
 * app's first script, into a list on the Node side (so navigations lose nothing).
 */
export async function recordViolations(user: BrowserUser): Promise<string[]> {
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

/** The console errors of `user` that are about the Content-Security-Policy or Trusted Types. */
export function cspConsoleMessages(user: BrowserUser): string[] {
  return user.consoleErrors.filter((text) => /Content Security Policy|Refused to|Trusted Type/i.test(text));
}
