import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const SCRIPT = resolve(__dirname, '..', '..', '..', '..', 'scripts', 'build-digest.mjs');

const INDEX_HTML = `<!doctype html><html><head><base href="/">
<link rel="stylesheet" href="styles-AAAA1111.css" crossorigin="anonymous" integrity="sha384-x">
<script src="https://cdn.example/elsewhere.js"></script></head>
<body><app-root></app-root><link rel="modulepreload" href="chunk-ZZZZ9999.js" integrity="sha384-y"><script src="main-MMMM5555.js" type="module" crossorigin="anonymous" integrity="sha384-z"></script></body></html>
`;

const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

function makeBuild(): string {
  const folder = mkdtempSync(join(tmpdir(), 'ciphernest-digest-'));
  const files: Record<string, string> = {
    'index.html': INDEX_HTML,
    'main-MMMM5555.js': 'import "./chunk-ZZZZ9999.js";\n',
    'chunk-ZZZZ9999.js': 'export const core = 1;\n',
    'chunk-BBBB2222.js': 'export const lazy = 2;\n',
    'worker-CCCC3333.js': 'postMessage("argon2");\n',
    'styles-AAAA1111.css': 'body{}\n',
    'favicon.svg': '<svg/>\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  mkdirSync(join(folder, 'media'));
  writeFileSync(join(folder, 'media', 'extra-DDDD4444.mjs'), 'export {};\n');
  return folder;
}

function runDigest(folder: string): { output: string; info: { digest: string; algorithm: string; files: string[] } } {
  const output = execFileSync(process.execPath, [SCRIPT, folder], { encoding: 'utf8' });
  return { output, info: JSON.parse(readFileSync(join(folder, 'build-info.json'), 'utf8')) };
}

describe('scripts/build-digest.mjs', () => {
  let folder: string;

  beforeEach(() => {
    folder = makeBuild();
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('lists index.html, then its scripts in document order, then every other script by path', () => {
    const { info } = runDigest(folder);
    expect(info.algorithm).toBe('sha256');
    expect(info.files).toEqual([
      'index.html',
      'chunk-ZZZZ9999.js',
      'main-MMMM5555.js',
      'chunk-BBBB2222.js',
      'media/extra-DDDD4444.mjs',
      'worker-CCCC3333.js',
    ]);
  });

  it('is the SHA-256 of the sha256sum listing of those files, and prints it', () => {
    const { output, info } = runDigest(folder);
    const listing = info.files.map((file) => `${sha256(readFileSync(join(folder, file)))}  ${file}\n`).join('');
    expect(info.digest).toBe(sha256(listing));
    expect(info.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(output).toBe(`Build digest: ${info.digest}\n`);
  });

  it('is the same for the same build', () => {
    expect(runDigest(folder).info.digest).toBe(runDigest(folder).info.digest);
  });

  it('changes when a script the page does not reference changes (the Argon2id worker)', () => {
    const before = runDigest(folder).info.digest;
    writeFileSync(join(folder, 'worker-CCCC3333.js'), 'postMessage("exfiltrate");\n');
    expect(runDigest(folder).info.digest).not.toBe(before);
  });

  it('changes when index.html changes', () => {
    const before = runDigest(folder).info.digest;
    writeFileSync(join(folder, 'index.html'), INDEX_HTML.replace('<app-root>', '<app-root data-x="1">'));
    expect(runDigest(folder).info.digest).not.toBe(before);
  });

  it('refuses a build whose index.html names a missing script', () => {
    rmSync(join(folder, 'main-MMMM5555.js'));
    expect(() => execFileSync(process.execPath, [SCRIPT, folder], { stdio: 'pipe' })).toThrow(/main-MMMM5555\.js/);
  });

  it('refuses a folder without index.html', () => {
    rmSync(join(folder, 'index.html'));
    expect(() => execFileSync(process.execPath, [SCRIPT, folder], { stdio: 'pipe' })).toThrow(/index\.html is missing/);
  });
});
