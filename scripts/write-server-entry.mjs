// nest's tsc build mirrors the repository under dist/apps/server (the server imports libs/),
// so the compiled entry is dist/apps/server/apps/server/src/main.js. This writes the stable
// entry dist/apps/server/main.js that `npm start`, Docker and outside checks run.
import { writeFileSync } from 'node:fs';

writeFileSync('dist/apps/server/main.js', "'use strict';\nrequire('./apps/server/src/main.js');\n");
