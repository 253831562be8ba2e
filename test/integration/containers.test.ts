import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dockerCli, TEST_IMAGE } from '../engine/engine.js';
import { Dwi, freePort, request, until } from './harness.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const names = {
  web: `web-${suffix}`,
  db: `db-${suffix}`,
  solo: `solo-${suffix}`,
  talker: `talker-${suffix}`,
};

let dwi: Dwi;
let base: string;
let hostPort: number;

function run(name: string, args: string[], command: string[] = ['sleep', '600']): string {
  return docker('run', '-d', '--init', '--name', name, ...args, TEST_IMAGE, ...command);
}

async function api(path: string, options: Parameters<typeof request>[1] = {}) {
  return request(`${base}${path}`, options);
}

async function containerByName(name: string) {
  const list = (await api('/api/containers')).json().data as Array<Record<string, unknown>>;
  return list.find((c) => c.name === name);
}

beforeAll(async () => {
  hostPort = await freePort();
  run(names.web, [
    '-p',
    `127.0.0.1:${hostPort}:80`,
    '--label',
    'com.docker.compose.project=my-proj',
    '--label',
    'com.docker.compose.service=web',
    '-e',
    'API_TOKEN=abc123',
    '-e',
    'PLAIN=visible',
  ]);
  run(names.db, [
    '--label',
    'com.docker.compose.project=my-proj',
    '--label',
    'com.docker.compose.service=db',
  ]);
  run(names.solo, []);
  run(
    names.talker,
    [],
    [
      'sh',
      '-c', // The engine reads stdout and stderr apart: a pause keeps their order in its log.
      'for i in $(seq 1 150); do echo "line $i"; done; sleep 0.3; echo "to stderr" >&2; sleep 600',
    ],
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
  await until(
    'the model to hold the test containers',
    async () => (await containerByName(names.talker)) !== undefined,
  );
});

afterAll(async () => {
  await dwi?.stop();
  for (const name of Object.values(names)) {
    try {
      docker('rm', '-f', name);
    } catch {
      // Deleted by a test.
    }
  }
});

describe('GET /api/containers', () => {
  it("lists containers in the original shape, the original's compose values beside the raw labels", async () => {
    const web = await containerByName(names.web);
    expect(web).toMatchObject({
      name: names.web,
      image: TEST_IMAGE,
      status: 'running',
      state: 'running',
      ports: `${hostPort}->80/tcp`,
      compose_project: 'Docker Compose: My Proj',
      compose_service: 'web',
      project: 'my-proj',
      service: 'web',
    });
    expect(web).not.toHaveProperty('compose_project_display');
    expect(web?.id).toMatch(/^[0-9a-f]{64}$/);
    expect(new Date(String(web?.created)).toISOString()).toBe(web?.created);
    const solo = await containerByName(names.solo);
    expect(solo).toMatchObject({
      ports: '',
      compose_project: 'Standalone Containers',
      compose_service: 'unknown',
      project: null,
      service: null,
    });
  });

  it('filters by project, state and name', async () => {
    const project = (await api('/api/containers?project=my-proj')).json().data as Array<{
      name: string;
    }>;
    expect(project.map((c) => c.name).sort()).toEqual([names.db, names.web].sort());
    const byName = (await api(`/api/containers?name=SOLO-${suffix}`)).json().data as Array<{
      name: string;
    }>;
    expect(byName.map((c) => c.name)).toEqual([names.solo]);
    const bad = await api('/api/containers?state=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.json().code).toBe('bad_request');
  });
});

describe('GET /api/containers/:id', () => {
  it('inspects with secret-looking values masked', async () => {
    const reply = await api(`/api/containers/${names.web}`);
    expect(reply.status).toBe(200);
    const env = reply.json().data.Config.Env as string[];
    expect(env).toContain('API_TOKEN=********');
    expect(env).toContain('PLAIN=visible');
  });

  it('shows secrets to an admin who asks (roles below are refused: auth.test.ts)', async () => {
    const shown = await api(`/api/containers/${names.web}?secrets=show`);
    expect(shown.json().data.Config.Env).toContain('API_TOKEN=abc123');
  });

  it('answers 404 for an unknown container and 400 for a malformed id', async () => {
    const missing = await api('/api/containers/no-such-container');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ status: 'error', code: 'not_found' });
    const bad = await api('/api/containers/..%2Fetc');
    expect(bad.status).toBe(400);
  });
});

describe('GET /api/containers/:id/logs', () => {
  it('gives the last 100 lines, each with its RFC 3339 timestamp, stderr included', async () => {
    const talker = await until('all lines', async () => {
      const reply = await api(`/api/containers/${names.talker}/logs`);
      return reply.json().data.logs.includes('to stderr') ? reply : undefined;
    });
    const lines = talker.json().data.logs.trimEnd().split('\n') as string[];
    expect(lines).toHaveLength(100);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z /);
    expect(lines.at(-1)).toMatch(/ to stderr$/);
    expect(lines[0]).toMatch(/ line 52$/);
  });

  it('takes tail, timestamps and stream choices', async () => {
    // Four stdout lines: the engine counts its tail over both streams before it leaves out
    // stderr, but dwi reads a few lines more and keeps the newest four.
    const reply = await api(
      `/api/containers/${names.talker}/logs?tail=4&timestamps=false&stderr=false`,
    );
    expect(reply.json().data.logs).toBe('line 147\nline 148\nline 149\nline 150\n');
    const bad = await api(`/api/containers/${names.talker}/logs?tail=lots`);
    expect(bad.status).toBe(400);
    const badSince = await api(`/api/containers/${names.talker}/logs?since=yesterday`);
    expect(badSince.status).toBe(400);
    expect(badSince.json().error).toMatch(/since must be unix seconds or an RFC 3339 time/);
  });
});

describe('log pages and search', () => {
  it('pages back with a cursor, no line twice', async () => {
    const first = (await api(`/api/containers/${names.talker}/logs?tail=100`)).json().data;
    expect(first.lines).toBe(100);
    expect(first.cursor.before).toMatch(/^\d+\.\d{9}$/);
    const second = (
      await api(`/api/containers/${names.talker}/logs?tail=100&until=${first.cursor.before}`)
    ).json().data;
    expect(second.lines).toBe(51);
    expect(second.cursor.before).toBeNull();
    const all = `${second.logs}${first.logs}`
      .trimEnd()
      .split('\n')
      .map((l: string) => l.replace(/^\S+ /, ''));
    expect(all).toHaveLength(151);
    expect(all.slice(0, 3)).toEqual(['line 1', 'line 2', 'line 3']);
    expect(new Set(all).size).toBe(151);
  });

  it('keeps a line stamped before lines written ahead of it: on the page up to its time, and on exactly one page back', async () => {
    // The engine stamps stdout and stderr apart, so a line of one may be stamped before lines
    // of the other already in the log. The log is put in that order in the engine's own file
    // (as the engine writes it), so the test does not hang on the machine's timing.
    const name = `shuffled-${suffix}`;
    run(name, [], ['sh', '-c', 'for i in $(seq 1 300); do echo "line $i"; done; echo oops >&2']);
    try {
      await until(
        'it exited',
        () => docker('inspect', '-f', '{{.State.Status}}', name) === 'exited',
      );
      const file = docker('inspect', '-f', '{{.LogPath}}', name);
      const entries = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
      expect(entries).toHaveLength(301);
      // The stdout lines in order (the engine may have put "oops" anywhere among them), stamped
      // 10 ms apart; "oops" goes after "line 150" in the file, stamped 5 ms after "line 147".
      const [oops] = entries.splice(
        entries.findIndex((e) => e.stream === 'stderr'),
        1,
      );
      const start = Date.UTC(2026, 0, 2, 3, 4, 5);
      const stamp = (ms: number) => new Date(start + ms).toISOString();
      entries.forEach((entry, i) => (entry.time = stamp(i * 10)));
      oops!.time = stamp(146 * 10 + 5);
      entries.splice(150, 0, oops!);
      expect(entries.map((e) => e.log.trim()).slice(148, 152)).toEqual([
        'line 149',
        'line 150',
        'oops',
        'line 151',
      ]);
      writeFileSync(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');

      const found = (await api(`/api/containers/${name}/logs/search?q=oops`)).json().data;
      expect(found.matches).toHaveLength(1);
      const at = found.matches[0].timestamp as string;
      expect(Date.parse(at)).toBe(start + 1465);
      // The page up to the match (a jump to it) ends with it, in time order.
      const upTo = (await api(`/api/containers/${name}/logs?tail=5&until=${at}`)).json().data;
      expect(
        upTo.logs
          .trimEnd()
          .split('\n')
          .map((l: string) => l.replace(/^\S+ /, '')),
      ).toEqual(['line 144', 'line 145', 'line 146', 'line 147', 'oops']);
      expect(upTo.streams).toBe('11112');

      // Paged back from the end, small pages cut at every place: each line once.
      for (const tail of [2, 3, 5]) {
        const seen: string[] = [];
        let until = '';
        for (let page = 0; page < 200; page++) {
          const data = (await api(`/api/containers/${name}/logs?tail=${tail}${until}`)).json().data;
          seen.unshift(...data.logs.trimEnd().split('\n').filter(Boolean));
          if (data.cursor.before === null) break;
          until = `&until=${data.cursor.before}`;
        }
        const texts = seen.map((l) => l.replace(/^\S+ /, ''));
        expect(texts).toHaveLength(301);
        expect(new Set(texts).size).toBe(301);
        const stamps = seen.map((l) => Date.parse(l.split(' ')[0]!));
        expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
      }
    } finally {
      docker('rm', '-f', name);
    }
  });

  it('searches the whole log on the server, page by page with a cursor', async () => {
    const found: string[] = [];
    let since = '';
    for (let page = 0; page < 20; page++) {
      const reply = await api(
        `/api/containers/${names.talker}/logs/search?q=LINE%201&limit=25${since}`,
      );
      expect(reply.status).toBe(200);
      const data = reply.json().data;
      for (const match of data.matches) {
        expect(match.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        found.push(match.line);
      }
      if (data.cursor === null) break;
      since = `&since=${data.cursor}`;
    }
    // "line 1", "line 10".."line 19", "line 100".."line 150"
    expect(found).toHaveLength(62);
    expect(new Set(found).size).toBe(62);
    const regex = (
      await api(
        `/api/containers/${names.talker}/logs/search?q=${encodeURIComponent('^line 1[0-9]$')}&regex=true`,
      )
    ).json().data;
    expect(regex.matches.map((m: { line: string }) => m.line)).toEqual(
      Array.from({ length: 10 }, (_, i) => `line 1${i}`),
    );
    expect(regex.cursor).toBeNull();
    expect(regex.scanned).toBe(151);
    const bad = await api(
      `/api/containers/${names.talker}/logs/search?q=${encodeURIComponent('(')}&regex=true`,
    );
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatch(/^q is not a valid regular expression/);
    expect((await api(`/api/containers/${names.talker}/logs/search`)).status).toBe(400);
  });
});

describe('POST /api/containers/:id/:action', () => {
  async function act(name: string, action: string, query = '') {
    return api(`/api/containers/${name}/${action}${query}`, { method: 'POST' });
  }
  async function stateOf(name: string, wanted: string) {
    return until(`${name} to be ${wanted}`, async () =>
      (await containerByName(name))?.state === wanted ? true : undefined,
    );
  }

  it('stop, start, pause, unpause, restart, kill: each shows in the list', async () => {
    expect((await act(names.solo, 'stop', '?timeout=1')).json()).toMatchObject({
      status: 'success',
      data: { message: `Container ${names.solo} stopped` },
    });
    await stateOf(names.solo, 'stopped');
    expect((await act(names.solo, 'start')).status).toBe(200);
    await stateOf(names.solo, 'running');
    expect((await act(names.solo, 'pause')).status).toBe(200);
    await stateOf(names.solo, 'paused');
    expect((await act(names.solo, 'unpause')).status).toBe(200);
    await stateOf(names.solo, 'running');
    expect((await act(names.solo, 'restart', '?timeout=1')).status).toBe(200);
    await stateOf(names.solo, 'running');
    expect((await act(names.solo, 'kill')).status).toBe(200);
    await stateOf(names.solo, 'stopped');
  });

  it('starting a running container is not an error', async () => {
    const reply = await act(names.db, 'start');
    expect(reply.status).toBe(200);
    expect(reply.json().data.message).toBe(`Container ${names.db} was already started`);
  });

  it('refuses unknown actions, conflicting ones, and unknown containers in the error shape', async () => {
    const unknown = await act(names.db, 'explode');
    expect(unknown.status).toBe(400);
    expect(unknown.json().error).toBe(
      'Invalid action: explode (one of start, stop, restart, kill, pause, unpause, rebuild, delete)',
    );
    const conflict = await act(names.db, 'unpause');
    expect(conflict.status).toBe(409);
    expect(conflict.json().code).toBe('conflict');
    const running = await act(names.db, 'delete', '?force=false');
    expect(running.status).toBe(409);
    expect(running.json().error).toMatch(/is running: stop it first, or delete with force=true/);
    const missing = await act('no-such-container', 'start');
    expect(missing.status).toBe(404);
  });

  it('delete removes a running container, as the original did (force by default), and the list follows', async () => {
    expect((await containerByName(names.db))?.state).toBe('running');
    expect((await act(names.db, 'delete')).status).toBe(200);
    await until('the container gone', async () =>
      (await containerByName(names.db)) === undefined ? true : undefined,
    );
    expect((await api(`/api/containers/${names.db}`)).status).toBe(404);
  });
});

describe('stats', () => {
  it('samples one container: CPU, memory, network, block I/O, pids', async () => {
    const reply = await api(`/api/containers/${names.talker}/cpu-stats`);
    expect(reply.status).toBe(200);
    const stats = reply.json().data;
    expect(stats).toMatchObject({
      name: names.talker,
      cpu_percent: expect.any(Number),
      pids: expect.any(Number),
    });
    expect(stats.memory.usage_bytes).toBeGreaterThan(0);
    expect(stats.memory.limit_bytes).toBeGreaterThan(stats.memory.usage_bytes);
    expect(stats.network).toEqual({ rx_bytes: expect.any(Number), tx_bytes: expect.any(Number) });
    expect((await api('/api/containers/no-such-container/cpu-stats')).status).toBe(404);
  });

  it('samples every running container with totals', async () => {
    const { data } = (await api('/api/resource-usage-metrics')).json();
    const listed = data.containers.map((c: { name: string }) => c.name);
    expect(listed).toContain(names.talker);
    expect(data.totals.containers).toBe(data.containers.length);
    expect(data.totals.memory_bytes).toBeGreaterThan(0);
  });
});

describe('rebuild', () => {
  const rebuilt = `rebuild-${suffix}`;
  const network = `net-${suffix}`;
  const volume = `vol-${suffix}`;

  afterAll(() => {
    for (const args of [
      ['rm', '-f', rebuilt],
      ['network', 'rm', network],
      ['volume', 'rm', volume],
    ]) {
      try {
        docker(...args);
      } catch {
        // Not there.
      }
    }
  });

  it('re-creates a container with its name, networks, mounts, labels and restart policy', async () => {
    docker(
      'network',
      'create',
      '--internal',
      '--subnet',
      `10.233.${Math.floor(Math.random() * 200) + 1}.0/24`,
      network,
    );
    run(rebuilt, [
      '--label',
      'team=blue',
      '--restart',
      'unless-stopped',
      '-v',
      `${volume}:/data`,
      '-v',
      '/anon',
    ]);
    docker('network', 'connect', '--alias', 'db-alias', network, rebuilt);
    docker('exec', rebuilt, 'sh', '-c', 'echo named > /data/f; echo anonymous > /anon/f');
    const oldId = docker('inspect', '--format', '{{.Id}}', rebuilt);
    await until('the model to see it', async () =>
      (await containerByName(rebuilt)) ? true : undefined,
    );

    const reply = await api(`/api/containers/${rebuilt}/rebuild?timeout=1`, { method: 'POST' });
    expect(reply.status).toBe(200);
    const data = reply.json().data;
    expect(data).toMatchObject({
      message: `Container ${rebuilt} rebuilt`,
      old_id: oldId,
      name: rebuilt,
    });
    expect(data.new_id).not.toBe(oldId);
    expect(data.steps).toContain('removed the old container');

    const info = JSON.parse(docker('inspect', rebuilt))[0];
    expect(info.Id).toBe(data.new_id);
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels.team).toBe('blue');
    expect(info.HostConfig.RestartPolicy.Name).toBe('unless-stopped');
    expect(Object.keys(info.NetworkSettings.Networks).sort()).toEqual(['bridge', network].sort());
    expect(info.NetworkSettings.Networks[network].Aliases).toContain('db-alias');
    expect(docker('exec', rebuilt, 'cat', '/data/f', '/anon/f')).toBe('named\nanonymous');
    await until('the list to show the new id', async () =>
      (await containerByName(rebuilt))?.id === data.new_id ? true : undefined,
    );
    expect(
      docker('ps', '-a', '--format', '{{.Names}}')
        .split('\n')
        .filter((n) => n.startsWith(rebuilt)),
    ).toEqual([rebuilt]);
  });

  it('says clearly when it cannot pull, and changes nothing', async () => {
    const before = docker('inspect', '--format', '{{.Id}}', rebuilt);
    const reply = await api(`/api/containers/${rebuilt}/rebuild?pull=true`, {
      method: 'POST',
      timeoutMs: 60_000,
    });
    expect(reply.status).toBe(502);
    expect(reply.json()).toMatchObject({ status: 'error', code: 'engine_error' });
    expect(reply.json().error).toMatch(
      new RegExp(
        `^cannot rebuild ${rebuilt}: pulling ${TEST_IMAGE} failed .*; nothing was changed$`,
      ),
    );
    const streamed = await api(`/api/containers/${rebuilt}/rebuild?pull=true`, {
      method: 'POST',
      headers: { accept: 'application/x-ndjson' },
      timeoutMs: 60_000,
    });
    const last = JSON.parse(streamed.body.trimEnd().split('\n').at(-1)!);
    expect(last).toMatchObject({
      status: 'error',
      code: 'engine_error',
      request_id: streamed.headers['x-request-id'],
    });
    expect(docker('inspect', '--format', '{{.Id}}', rebuilt)).toBe(before);
  }, 90_000);
});

describe('compose projects', () => {
  it('groups containers by project, standalone last', async () => {
    const groups = (await api('/api/projects')).json().data as Array<{
      name: string | null;
      display: string;
      counts: { total: number };
      containers: Array<{ name: string }>;
    }>;
    const mine = groups.find((g) => g.name === 'my-proj');
    expect(mine?.display).toBe('Docker Compose: My Proj');
    expect(mine?.containers.map((c) => c.name)).toContain(names.web);
    expect(groups.at(-1)?.name).toBeNull();
    expect(groups.at(-1)?.display).toBe('Standalone Containers');
  });

  it('stops and starts a whole project, per container results', async () => {
    const stopped = await api('/api/projects/my-proj/stop', { method: 'POST' });
    expect(stopped.status).toBe(200);
    expect(stopped.json().data).toMatchObject({ project: 'my-proj', action: 'stop', failed: 0 });
    await until('the project stopped', async () => {
      const list = (await api('/api/containers?project=my-proj')).json().data as Array<{
        state: string;
      }>;
      return list.every((c) => c.state === 'stopped') ? true : undefined;
    });
    const started = await api('/api/projects/my-proj/start', {
      method: 'POST',
      headers: { accept: 'application/x-ndjson' },
    });
    const lines = started.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, -1)).toContainEqual({ progress: `Container ${names.web} started` });
    expect(lines.at(-1)).toMatchObject({
      status: 'success',
      data: { project: 'my-proj', failed: 0 },
    });
    expect((await api('/api/projects/my-proj/explode', { method: 'POST' })).status).toBe(400);
    expect((await api('/api/projects/no-such-project/start', { method: 'POST' })).status).toBe(404);
  });
});

describe('images', () => {
  it('lists images in the original shape', async () => {
    const images = (await api('/api/images')).json().data as Array<Record<string, unknown>>;
    const test = images.find((i) => (i.tags as string[]).includes(TEST_IMAGE));
    expect(test).toMatchObject({
      id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      repo_digests: [],
      labels: null,
    });
    expect(test?.size_bytes).toBeGreaterThan(100_000);
    expect(test?.size).toBe(Math.round(((test?.size_bytes as number) / 1048576) * 100) / 100);
  });

  it('deletes an unused tag, refuses an image in use, 404s an unknown one', async () => {
    const tag = `dwi-test/extra:${suffix}`;
    docker('tag', TEST_IMAGE, tag);
    const removed = await api(`/api/images/${tag}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(removed.json().data.removed).toContainEqual({ Untagged: tag });
    const inUse = await api(`/api/images/${TEST_IMAGE}?force=false`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect(inUse.json().code).toBe('conflict');
    const missing = await api('/api/images/nothing-here:1', { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });
});
