import { describe, expect, it } from 'vitest';
import { missingRequirements } from '../../src/server/demo/engine.js';
import { parseDemoArgs } from '../../src/server/demo/index.js';

describe('dwi demo', () => {
  it('listens on 127.0.0.1:5000 unless told another loopback address', () => {
    expect(parseDemoArgs([])).toEqual({ bind: '127.0.0.1:5000' });
    expect(parseDemoArgs(['-b', '127.0.0.1:8123'])).toEqual({ bind: '127.0.0.1:8123' });
    expect(parseDemoArgs(['--bind=[::1]:8123'])).toEqual({ bind: '[::1]:8123' });
    expect(parseDemoArgs(['--help'])).toBe('help');
  });

  it('refuses any address but loopback, and words it cannot read', () => {
    expect(() => parseDemoArgs(['--bind', '0.0.0.0:5000'])).toThrow(/loopback only/);
    expect(() => parseDemoArgs(['--bind', '192.168.1.2:5000'])).toThrow(/loopback only/);
    expect(() => parseDemoArgs(['--bind', '127.0.0.1'])).toThrow(/HOST:PORT/);
    expect(() => parseDemoArgs(['--port', '5000'])).toThrow(/unknown option --port/);
  });

  it('says that it needs root, and how', () => {
    expect(missingRequirements(false)).toContain(
      'dockerd and its bridge need root: run it as root (sudo npm run demo)',
    );
  });
});
