import { cacheControlFor } from './static-files';

describe('cacheControlFor', () => {
  it.each(['/main-TFYQLNNW.js', '/chunk-I4MYIMYI.js', '/styles-P5YS5WTV.css', '/worker-UIL7NUZI.js', '/media/font-ABCDEF12.woff2'])(
    'keeps the hashed %s for a year',
    (path) => expect(cacheControlFor(path)).toBe('public, max-age=31536000, immutable'),
  );

  it.each(['/favicon.svg', '/build-info.json', '/main.js', '/chunk-abc.js', '/3rdpartylicenses.txt'])('revalidates %s', (path) =>
    expect(cacheControlFor(path)).toBe('no-cache'),
  );
});
