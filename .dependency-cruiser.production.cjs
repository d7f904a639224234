// @ts-check
// The production code alone (no specs, test helpers or end-to-end tests), checked by `npm run lint`:
//   npx depcruise apps/server/src libs --config .dependency-cruiser.production.cjs
// Every rule of .dependency-cruiser.cjs, and two that tests would blur: folders must not import
// each other in a circle (specs and test helpers reach into every folder, closing circles that
// production code does not have), and a file that only tests import is dead code.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  extends: './.dependency-cruiser.cjs',
  forbidden: [
    {
      name: 'no-circular-folders',
      comment: 'Folders must not import each other either, however indirectly.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    exclude: { path: ['^dist/', '\\.spec\\.ts$', '/testing/', '(^|/)test-setup\\.ts$', '^test/'] },
  },
};
