import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { httpsOf } from '../../src/server/realtime/limits.js';

const req = (remoteAddress: string, proto?: string) =>
  ({
    socket: { remoteAddress },
    headers: proto === undefined ? {} : { 'x-forwarded-proto': proto },
  }) as unknown as IncomingMessage;

describe('httpsOf', () => {
  const https = httpsOf(['127.0.0.1', '10.0.0.0/8'], false);

  it("believes X-Forwarded-Proto from a proxy in forwarded_allow_ips, the nearest proxy's word", () => {
    expect(https(req('127.0.0.1', 'https'))).toBe(true);
    expect(https(req('10.1.2.3', 'HTTPS'))).toBe(true);
    expect(https(req('127.0.0.1', 'http, https'))).toBe(true);
    expect(https(req('127.0.0.1', 'https, http'))).toBe(false);
    expect(https(req('127.0.0.1'))).toBe(false);
  });

  it('ignores it from anyone else', () => {
    expect(https(req('192.0.2.7', 'https'))).toBe(false);
    expect(httpsOf(['*'], false)(req('192.0.2.7', 'https'))).toBe(true);
  });

  it('says https for our own TLS, whatever the header', () => {
    expect(httpsOf([], true)(req('192.0.2.7', 'http'))).toBe(true);
  });
});
