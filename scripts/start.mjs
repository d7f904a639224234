// `npm start`: builds whatever part of dist/ is missing, then runs the built server in the foreground.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`CipherNest needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

function build(script, output) {
  if (existsSync(output)) return;
  console.log(`Building (${script}): ${output} is missing...`);
  const result = spawnSync('npm', ['run', script], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`The build failed (npm run ${script}); see the messages above.`);
    process.exit(result.status ?? 1);
  }
}

build('build:server', 'dist/apps/server/main.js');
build('build:web', 'dist/apps/web/browser/index.html');

// Same process, so signals reach the server's own shutdown handling.
createRequire(import.meta.url)('../dist/apps/server/main.js');
