import { describe, expect, it } from 'vitest';
import { corsOrigin, originAllowed } from '../../src/server/auth/origins.js';

describe('origins', () => {
  const page = 'http://localhost:3002';

  it('CORS names a listed origin, any origin with *, and nothing else', () => {
    expect(corsOrigin(page, [page])).toBe(page);
    expect(corsOrigin('http://localhost:3003', [page])).toBe(false);
    expect(corsOrigin(`${page}/`, [page])).toBe(false);
    expect(corsOrigin('https://anywhere.example', ['*'])).toBe('https://anywhere.example');
    expect(corsOrigin(undefined, ['*'])).toBe(false);
    // Without a list only the server's own origin may call: same-origin needs no CORS.
    expect(corsOrigin(page, [])).toBe(false);
  });

  it('the origin check agrees: what CORS names may also change things', () => {
    for (const [origin, allowed] of [
      [page, [page]],
      ['https://anywhere.example', ['*']],
    ] as const) {
      expect(corsOrigin(origin, allowed)).toBe(origin);
      expect(originAllowed(origin, '127.0.0.1:5000', false, allowed)).toBe(true);
    }
    expect(originAllowed('http://localhost:3003', '127.0.0.1:5000', false, [page])).toBe(false);
  });
});
