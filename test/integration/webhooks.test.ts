/**
 * Webhooks against a receiver on loopback: a crash is delivered exactly once although the
 * first try fails; rules are admin-only and checked; deliveries are listed with their tries.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { WebhookDelivery, WebhookRule } from '../../src/shared/webhooks.js';
import { dockerCli, runShell } from '../support/engine.js';
import { Dwi, freePort, request, until } from './harness.js';

const engine = { host: inject('dockerHost') };
const name = `hooked-${Math.random().toString(36).slice(2, 7)}`;
let dwi: Dwi;
let base: string;
let receiver: Server;
let receiverUrl: string;
/** Every request the receiver got: its answer and its body. */
const received: Array<{ status: number; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      // The first try fails, as a receiver that is restarting would.
      const status = received.length === 0 ? 500 : 204;
      received.push({ status, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  await dwi?.stop();
  receiver?.close();
  try {
    dockerCli(engine, ['rm', '-f', name]);
  } catch {
    // Never made.
  }
});

const rule = (overrides: Record<string, unknown> = {}) => ({
  name: 'on-call',
  url: receiverUrl,
  format: 'generic',
  reasons: ['exit', 'oom'],
  pattern: name,
  cooldown_s: 300,
  enabled: true,
  ...overrides,
});

const post = (path: string, body: unknown) =>
  request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('delivers a crash exactly once though the first try fails, and lists the tries', async () => {
  const added = await post('/api/webhooks', rule());
  expect(added.status, added.body).toBe(200);
  const { id } = added.json().data as WebhookRule;

  runShell(engine, name, 'echo "about to fail"; exit 3');
  await until('a delivered try', () => received.some((r) => r.status === 204), 30_000);
  expect(received.map((r) => r.status)).toEqual([500, 204]);
  const body = received[1]!.body;
  expect(body).toMatchObject({
    event: 'crash_report',
    report: { container_name: name, reason: 'exit', exit_code: 3 },
    last_lines: ['about to fail'],
  });
  expect(body.summary).toBe(`${name} exited with code 3; image dwi-test/busybox:1`);

  const deliveries = (await request(`${base}/api/webhooks/${id}/deliveries`)).json()
    .data as WebhookDelivery[];
  expect(deliveries).toEqual([
    expect.objectContaining({ status: 'delivered', attempts: 2, last_error: null }),
  ]);
  // Nothing more comes: waited past the next retry's time.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  expect(received).toHaveLength(2);
});

it('checks rules (http(s) URLs only, bounds), answers 404 for an unknown one, and deletes', async () => {
  const ftp = await post('/api/webhooks', rule({ url: 'ftp://127.0.0.1/x' }));
  expect(ftp.status).toBe(400);
  expect(ftp.json().error).toMatch(/url/);
  const reasons = await post('/api/webhooks', rule({ reasons: [] }));
  expect(reasons.status).toBe(400);
  expect((await request(`${base}/api/webhooks/999/deliveries`)).status).toBe(404);
  const put = await request(`${base}/api/webhooks/999`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule()),
  });
  expect(put.status).toBe(404);
  const list = (await request(`${base}/api/webhooks`)).json().data as WebhookRule[];
  expect(list.map((r) => r.name)).toEqual(['on-call']);
  const removed = await request(`${base}/api/webhooks/${list[0]!.id}`, { method: 'DELETE' });
  expect(removed.status).toBe(200);
  expect((await request(`${base}/api/webhooks`)).json().data).toEqual([]);
  // Audited with the rule's id as the target (an integer parameter, written as text).
  const audit = await request(
    `${base}/api/audit?action_contains=${encodeURIComponent('DELETE /api/webhooks/')}`,
  );
  expect(audit.json().data.entries[0]).toMatchObject({
    target: String(list[0]!.id),
    result: 'success',
  });
});
