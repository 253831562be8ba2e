/**
 * Issue 11, findings 3 and 7: a viewer's regular expression must not block a worker, every
 * search is bounded and says where it stopped, a log page is capped in lines and bytes, and
 * the whole log comes through a streamed download with flat memory.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerCli, runShell } from '../engine/engine.js';
import {
  Dwi,
  freePort,
  request,
  rssMiB,
  seededDataDir,
  seedUserToken,
  until,
  type Reply,
} from './harness.js';

const engine = { host: inject('dockerHost') };
const suffix = Math.random().toString(36).slice(2, 7);
const names = { redos: `redos-${suffix}`, big: `big-${suffix}` };
const BIG_LINES = 200_000;
const VIEWER_TOKEN = `dwi_viewer_${'v'.repeat(37)}`;
/** A line of the big log: its number, padded so the log is tens of megabytes. */
const bigLine = (i: number) => `line ${i} ${'padding '.repeat(12)}end`;

let dwi: Dwi;
let base: string;

async function api(path: string, token?: string): Promise<Reply> {
  return request(`${base}${path}`, {
    timeoutMs: 60_000,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
  });
}

beforeAll(async () => {
  // The red team's lines: 28 `a` and a `!`, and ordinary 40-character lines.
  runShell(
    engine,
    names.redos,
    `echo "${'a'.repeat(28)}!"; echo "baaa"; for i in $(seq 1 200); do echo "an ordinary line of text, number $i....."; done; sleep 600`,
  );
  runShell(
    engine,
    names.big,
    `seq 1 ${BIG_LINES} | busybox sed 's/.*/${bigLine(0).replace('0', '&')}/'`,
  );
  const dataDir = await seededDataDir();
  seedUserToken(dataDir, 'viewer', 'viewer', VIEWER_TOKEN);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(
    [
      '-b',
      `127.0.0.1:${port}`,
      '-w',
      '1',
      '--log-tail-max-lines',
      '20000',
      '--log-tail-max-bytes',
      '4000000',
      '--log-search-max-lines',
      '20000',
      '--log-search-timeout',
      '5',
    ],
    { env: { DWI_DATA_DIR: dataDir } },
  );
  await until(
    'the big log to be written whole',
    () => dockerCli(engine, ['inspect', '-f', '{{.State.Status}}', names.big]) === 'exited',
    60_000,
    200,
  );
  await until('the red-team lines', async () => {
    const reply = await api(`/api/containers/${names.redos}/logs?tail=1&timestamps=false`);
    return reply.json().data?.logs === 'an ordinary line of text, number 200.....\n';
  });
}, 120_000);

afterAll(async () => {
  await dwi?.stop();
  for (const name of Object.values(names)) dockerCli(engine, ['rm', '-f', name]);
});

/** The worker's PID (one worker). */
const workerPid = () => dwi.workerPids()[0]!;

/** Polls /api/health until `work` settles; the slowest answer, in ms. */
async function slowestHealthWhile(work: Promise<unknown>): Promise<number> {
  let done = false;
  void work.finally(() => (done = true));
  let slowest = 0;
  for (let i = 0; i < 2000 && !done; i++) {
    const started = performance.now();
    expect((await api('/api/health')).status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return slowest;
}

describe('regular expressions run in linear time, off the event loop', () => {
  it("answers the red team's two searches at once, and /api/health stays quick meanwhile", async () => {
    const search = (q: string) =>
      api(
        `/api/containers/${names.redos}/logs/search?regex=true&q=${encodeURIComponent(q)}`,
        VIEWER_TOKEN,
      );
    const started = performance.now();
    const both = Promise.all([search('(a+)+$'), search('^(.+)+z$')]);
    const slowest = await slowestHealthWhile(both);
    const [nested, anchored] = await both;
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(nested.status).toBe(200);
    expect(nested.json().data).toMatchObject({ scanned: 202, stopped: null, cursor: null });
    expect(nested.json().data.matches.map((m: { line: string }) => m.line)).toEqual(['baaa']);
    expect(anchored.json().data).toMatchObject({ matches: [], scanned: 202, stopped: null });
    expect(slowest).toBeLessThan(1000);
  });

  it('refuses what cannot run in linear time with a 400 that says why', async () => {
    const refused = async (q: string) => {
      const reply = await api(
        `/api/containers/${names.redos}/logs/search?regex=true&q=${encodeURIComponent(q)}`,
      );
      expect(reply.status, q).toBe(400);
      expect(reply.json()).toMatchObject({ status: 'error', code: 'bad_request' });
      return reply.json().error as string;
    };
    expect(await refused('(a)\\1')).toMatch(/^q is not a valid regular expression: backreferences/);
    expect(await refused('a(?=b)')).toMatch(/lookahead and lookbehind .* not supported/);
    expect(await refused('(?<!a)b')).toMatch(/lookahead and lookbehind/);
    expect(await refused('(?s).{0,999}a.{0,999}b.{0,999}c')).toMatch(/^q is too large a pattern/);
  });
});

describe('every search is bounded in lines, bytes and time', () => {
  it('stops at the line bound with a cursor, and the cursor leads through the whole log', async () => {
    let since = '';
    let scanned = 0;
    const stops: Array<string | null> = [];
    const found: string[] = [];
    for (let page = 0; page < 30; page++) {
      const data = (
        await api(
          `/api/containers/${names.big}/logs/search?q=${encodeURIComponent('0000 p')}&limit=1000${since}`,
        )
      ).json().data;
      scanned += data.scanned;
      stops.push(data.stopped);
      found.push(...data.matches.map((m: { line: string }) => m.line.split(' ')[1]));
      if (data.cursor === null) break;
      since = `&since=${data.cursor}`;
    }
    expect(stops).toEqual([...Array<string>(10).fill('lines'), null]);
    expect(scanned).toBe(BIG_LINES);
    expect(found).toEqual(Array.from({ length: 20 }, (_, i) => String((i + 1) * 10_000)));
  });

  it('stops at the time bound with a cursor, and the next page goes on from there', async () => {
    // A server of its own, whose only bound within reach is a second of time.
    const port = await freePort();
    const quick = await Dwi.start([
      '-b',
      `127.0.0.1:${port}`,
      '-w',
      '1',
      '--log-search-timeout',
      '1',
    ]);
    try {
      // About 3,600 steps a character: tens of seconds over this log.
      const slow = encodeURIComponent('(?s)(.{0,600}x.{0,600}y.{0,590}z)');
      const search = `http://127.0.0.1:${port}/api/containers/${names.big}/logs/search?regex=true&q=${slow}`;
      const started = performance.now();
      const first = (await request(search, { timeoutMs: 30_000 })).json().data;
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(first).toMatchObject({ matches: [], stopped: 'time' });
      expect(first.scanned).toBeGreaterThan(0);
      expect(first.scanned).toBeLessThan(BIG_LINES);
      const next = (await request(`${search}&since=${first.cursor}`, { timeoutMs: 30_000 })).json()
        .data;
      expect(next.stopped).toBe('time');
      expect(Number(next.cursor)).toBeGreaterThan(Number(first.cursor));
    } finally {
      await quick.stop();
    }
  });
});

describe('log pages are capped in lines and bytes, the whole log is a download', () => {
  it('cuts tail=all to the newest lines within the cap, says so, and pages back', async () => {
    const last = (await api(`/api/containers/${names.big}/logs?tail=all&timestamps=false`)).json()
      .data;
    expect(last.lines).toBe(20_000);
    expect(last.truncated).toBe('lines');
    const lines = last.logs.trimEnd().split('\n');
    expect(lines[0]).toBe(bigLine(BIG_LINES - 19_999));
    expect(lines.at(-1)).toBe(bigLine(BIG_LINES));
    const before = (
      await api(
        `/api/containers/${names.big}/logs?tail=10&timestamps=false&until=${last.cursor.before}`,
      )
    ).json().data;
    expect(before.logs.trimEnd().split('\n').at(-1)).toBe(bigLine(BIG_LINES - 20_000));
    const small = (await api(`/api/containers/${names.big}/logs?tail=5`)).json().data;
    expect([small.lines, small.truncated]).toEqual([5, null]);
  });

  it('streams every line of a 200,000-line log to a viewer, the worker RSS flat while a slow client reads', async () => {
    const pid = workerPid();
    const idle = rssMiB(pid);
    let peak = idle;
    const text = await new Promise<{ body: string; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const req = httpRequest(
          `${base}/api/containers/${names.big}/logs/download?timestamps=false`,
          { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } },
          (res) => {
            const chunks: Buffer[] = [];
            let paused = false;
            res.on('data', (chunk: Buffer) => {
              chunks.push(chunk);
              peak = Math.max(peak, rssMiB(pid));
              // A slow client: half a second's pause once a few MB are in. Backpressure must
              // stop the server reading the engine meanwhile, not buffer the log.
              if (!paused && chunks.length === 50) {
                paused = true;
                res.pause();
                const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
                setTimeout(() => {
                  clearInterval(sampler);
                  res.resume();
                }, 500);
              }
            });
            res.on('end', () =>
              resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.headers['content-disposition']).toBe(`attachment; filename="${names.big}.log"`);
    const lines = text.body.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(BIG_LINES);
    for (let i = 0; i < BIG_LINES; i += 1) {
      if (lines[i] !== bigLine(i + 1)) expect(lines[i], `line ${i + 1}`).toBe(bigLine(i + 1));
    }
    // The log is over 20 MB; holding it (as tail=all did) costs many times that.
    expect(peak - idle).toBeLessThan(40);
    expect(text.body.length).toBeGreaterThan(20_000_000);
  });

  it('downloads a time range and only the lines a pattern matches', async () => {
    // Followed page by page: under load one page may stop at the time bound first.
    let hit = { matches: [], cursor: '' };
    for (let page = 0; page < 30 && hit.matches.length === 0 && hit.cursor !== null; page++) {
      const since = hit.cursor === '' ? '' : `&since=${hit.cursor}`;
      hit = (
        await api(
          `/api/containers/${names.big}/logs/search?q=${encodeURIComponent('line 199990 ')}&limit=1${since}`,
        )
      ).json().data;
    }
    expect(hit.matches).toHaveLength(1);
    const tail = await api(
      `/api/containers/${names.big}/logs/download?timestamps=false&since=${hit.cursor}`,
    );
    expect(tail.body.trimEnd().split('\n')).toEqual(
      Array.from({ length: 10 }, (_, i) => bigLine(199_991 + i)),
    );
    const filtered = await api(
      `/api/containers/${names.big}/logs/download?regex=true&q=${encodeURIComponent('^line 1999[0-9]{2} ')}`,
    );
    const kept = filtered.body.trimEnd().split('\n');
    expect(kept).toHaveLength(100);
    expect(kept[0]).toMatch(/^\S+Z line 199900 /);
    const refused = await api(
      `/api/containers/${names.big}/logs/download?regex=true&q=${encodeURIComponent('(?=x)')}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.json().error).toMatch(/lookahead/);
    expect(
      (await request(`${base}/api/containers/${names.big}/logs/download`, { auth: false })).status,
    ).toBe(401);
  }, 90_000);
});
