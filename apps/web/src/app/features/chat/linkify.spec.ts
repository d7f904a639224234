import { linkify } from './linkify';

describe('linkify', () => {
  it('leaves text without URLs as one segment', () => {
    expect(linkify('just words')).toEqual([{ text: 'just words' }]);
  });

  it('makes http and https URLs links', () => {
    expect(linkify('a http://x.org b https://y.org/p?q=1#f')).toEqual([
      { text: 'a ' },
      { text: 'http://x.org', href: 'http://x.org' },
      { text: ' b ' },
      { text: 'https://y.org/p?q=1#f', href: 'https://y.org/p?q=1#f' },
    ]);
  });

  it('keeps trailing punctuation out of the link', () => {
    expect(linkify('(see https://x.org/a).')).toEqual([{ text: '(see ' }, { text: 'https://x.org/a', href: 'https://x.org/a' }, { text: ').' }]);
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'ftp://x.org']) {
      expect(linkify(text)).toEqual([{ text }]);
    }
  });

  it('stops a URL at markup characters', () => {
    expect(linkify('https://x.org/"><img src=x>')).toEqual([{ text: 'https://x.org/', href: 'https://x.org/' }, { text: '"><img src=x>' }]);
  });

  it('keeps every character of the text', () => {
    const text = 'go to https://a.b/c, then http://d.e!';
    expect(linkify(text).map((segment) => segment.text).join('')).toBe(text);
  });
});
