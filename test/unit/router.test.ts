import { describe, expect, it } from 'vitest';
import { sessionWorkerOf, stickySessionId } from '../../src/server/supervisor/router.js';

const head = (line: string) => Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'latin1');

describe('sticky Socket.IO session ids', () => {
  it('name the worker that made them, read back from a polling or upgrade request', () => {
    const sid = stickySessionId(12);
    expect(sid).toMatch(/^12\.[\w-]{20}$/);
    expect(
      sessionWorkerOf(head(`GET /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1`)),
    ).toBe(12);
    expect(
      sessionWorkerOf(head(`POST /socket.io/?EIO=4&transport=polling&t=x&sid=${sid} HTTP/1.1`)),
    ).toBe(12);
    expect(
      sessionWorkerOf(head(`GET /socket.io/?EIO=4&transport=websocket&sid=${sid} HTTP/1.1`)),
    ).toBe(12);
  });

  it('name no worker for a handshake, another path, or a session id of another form', () => {
    expect(
      sessionWorkerOf(head('GET /socket.io/?EIO=4&transport=polling HTTP/1.1')),
    ).toBeUndefined();
    expect(sessionWorkerOf(head('GET /api/health?sid=3.abc HTTP/1.1'))).toBeUndefined();
    expect(sessionWorkerOf(head('GET /socket.io/?EIO=4&sid=AbCdEf HTTP/1.1'))).toBeUndefined();
    expect(sessionWorkerOf(head('GET /socket.io/?EIO=4&xsid=3.abc HTTP/1.1'))).toBeUndefined();
    expect(sessionWorkerOf(undefined)).toBeUndefined();
  });
});
