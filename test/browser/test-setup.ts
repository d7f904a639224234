// Jest reads `testTimeout` from the global config only (a project's own is ignored), so the
// browser project sets its own here: real Chromium and a real server per spec, on a loaded machine.
jest.setTimeout(60_000);
