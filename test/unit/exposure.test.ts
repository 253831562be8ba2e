import { describe, expect, it } from 'vitest';
import { hostName, KnownHosts } from '../../src/server/auth/hosts.js';
import { securitySettings } from '../../src/server/config/sections/security.js';
import {
  compileAccessFormat,
  escapeControls,
  type AccessInfo,
} from '../../src/server/logging/access.js';

describe('known hosts (DNS rebinding)', () => {
  const hosts = new KnownHosts(['dwi-box', 'dwi.example.com', '.corp.example']);

  it("reads a Host header's name", () => {
    expect(hostName('Example.COM:5000')).toBe('example.com');
    expect(hostName('[::1]:5000')).toBe('::1');
    expect(hostName('[::1]')).toBe('::1');
    expect(hostName('localhost.')).toBe('localhost');
    expect(hostName('10.0.0.1')).toBe('10.0.0.1');
  });

  it('answers IP addresses, localhost, the names given and the subdomains of a .suffix', () => {
    for (const host of [
      '127.0.0.1:5000',
      '192.168.1.20',
      '[::1]:5000',
      '[fe80::1]',
      'localhost:5000',
      'LOCALHOST',
      'app.localhost:5000',
      'dwi-box:5000',
      'dwi.example.com',
      'DWI.Example.com.:443',
      'corp.example',
      'a.b.corp.example:8080',
      undefined,
    ]) {
      expect([host, hosts.allows(host)]).toEqual([host, true]);
    }
  });

  it('refuses any other name, look-alikes included', () => {
    for (const host of [
      'attacker.example:5000',
      'dwi.example.com.attacker.example',
      'xcorp.example',
      'localhost.attacker.example',
      '127.0.0.1.nip.io',
      '2130706433',
      '',
    ]) {
      expect([host, hosts.allows(host)]).toEqual([host, false]);
    }
  });

  it('answers any name with *', () => {
    expect(new KnownHosts(['*']).allows('attacker.example')).toBe(true);
  });

  it('the allowed_hosts setting takes names, .suffixes and *, and refuses the rest', () => {
    const setting = securitySettings.find((s) => s.name === 'allowed_hosts')!;
    expect(setting.convert('dwi.example.com, .Corp.Example,*')).toEqual([
      'dwi.example.com',
      '.corp.example',
      '*',
    ]);
    expect(() => setting.convert('http://dwi.example.com')).toThrow(/not a host name/);
    expect(() => setting.convert('dwi.example.com:5000')).toThrow(/not a host name/);
  });
});

describe('the access log', () => {
  it('writes control characters (C0, DEL, C1) as \\xHH', () => {
    expect(escapeControls('GET /\x9b[2J\x1b]0;owned\x07\r\n\x7f')).toBe(
      'GET /\\x9B[2J\\x1B]0;owned\\x07\\x0D\\x0A\\x7F',
    );
    expect(escapeControls('caf\xe9 /plain?q=1')).toBe('caf\xe9 /plain?q=1');
  });

  it("escapes what clients send, and leaves the format's own characters", () => {
    const info: AccessInfo = {
      remoteAddress: '127.0.0.1',
      method: 'GET',
      url: '/x\x9b31m',
      httpVersion: '1.1',
      status: 200,
      requestHeader: (name) => (name === 'user-agent' ? 'evil\x85agent' : undefined),
      responseHeader: () => undefined,
      start: 0,
      durationMs: 1,
      pid: 1,
    };
    expect(compileAccessFormat('%(r)s\t%(a)s')(info)).toBe(
      'GET /x\\x9B31m HTTP/1.1\tevil\\x85agent',
    );
  });
});
