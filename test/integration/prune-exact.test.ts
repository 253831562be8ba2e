/**
 * Prune that removes exactly what was previewed, against a real engine: the preview lists what
 * the engine's own prune would take, and confirm removes those items and nothing else, skipping
 * (and keeping) any that changed in between.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { API } from '../../src/shared/api.js';
import { successReply } from '../../src/shared/errors.js';
import { MAX_PRUNE_ITEMS, type PruneItem, type PruneItemResult } from '../../src/shared/prune.js';
import { TEST_IMAGE } from '../engine/engine.js';
import { CLI, NODE, request, seededDataDir } from './harness.js';
import { useOwnEngine } from './own-engine.js';

// Its own engine: a prune takes every stopped container, unused image, volume and network.
let dataDir: string;
const own = useOwnEngine(async ({ docker }) => {
  dataDir = await seededDataDir();
  docker('run', '-d', '--init', '--name', 'keeper', TEST_IMAGE, 'sleep', '600');
  return { env: { DWI_DATA_DIR: dataDir } };
});
const { docker } = own;
// Networks of their own subnets (a random one, like the engine's bridge), removed at the end:
// a network left behind would leave its bridge on the host after the engine stops.
const subnet = 100 + Math.floor(Math.random() * 150);
const networks: string[] = [];
function createNetwork(name: string): string {
  networks.push(name);
  return docker(
    'network',
    'create',
    '--internal',
    '--subnet',
    `10.233.${subnet + networks.length}.0/24`,
    name,
  );
}

afterAll(() => {
  if (own.engine === undefined) return;
  // A failed test may leave a container connected, which would keep its network.
  const left = docker('ps', '-a', '-q');
  if (left !== '') docker('rm', '-f', ...left.split('\n'));
  for (const name of networks) {
    try {
      docker('network', 'rm', name);
    } catch {
      // Pruned, as it should be.
    }
  }
});

async function preview(kind: string, query = ''): Promise<PruneItem[]> {
  const reply = await request(`${own.base}/api/docker/prune/${kind}/preview${query}`, {
    method: 'POST',
  });
  expect(reply.status, reply.body).toBe(200);
  expect(successReply(API.previewPrune.data).safeParse(reply.json()).error).toBeUndefined();
  return reply.json().data.items;
}

async function confirm(
  kind: string,
  items: Array<{ type: string; id: string }>,
  options: { all?: boolean; headers?: Record<string, string> } = {},
) {
  return request(`${own.base}/api/docker/prune/${kind}/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({
      ...(options.all === undefined ? {} : { all: options.all }),
      items: items.map(({ type, id }) => ({ type, id })),
    }),
  });
}

const outcomes = (results: PruneItemResult[]) =>
  Object.fromEntries(
    results.map((r) => [r.name, `${r.outcome}${r.message ? `: ${r.message}` : ''}`]),
  );
const lines = (text: string) => text.split('\n').filter(Boolean).sort();
const exists = (...args: string[]) =>
  spawnSync('docker', ['-H', own.engine.host, ...args], { stdio: 'ignore' }).status === 0;
const apiVersion = () => docker('version', '--format', '{{.Server.APIVersion}}');

describe('containers', () => {
  it('previews exactly the stopped containers the engine holds, and why each would go', async () => {
    const created = docker('create', '--name', 'created-1', TEST_IMAGE, 'true');
    const exited = docker('run', '-d', '--name', 'exited-1', TEST_IMAGE, 'sh', '-c', 'exit 3');
    expect(docker('wait', exited)).toBe('3');
    docker('run', '-d', '--init', '--name', 'paused-1', TEST_IMAGE, 'sleep', '600');
    docker('pause', 'paused-1');
    const items = await preview('containers');
    const stopped = docker(
      'ps',
      '-a',
      '-q',
      '--no-trunc',
      '--filter',
      'status=created',
      '--filter',
      'status=exited',
      '--filter',
      'status=dead',
    );
    expect(items.map((i) => i.id).sort()).toEqual(lines(stopped));
    expect(items.map((i) => i.name)).toEqual(['created-1', 'exited-1']);
    expect(items.find((i) => i.id === exited)).toMatchObject({
      type: 'container',
      reason: 'stopped',
      exit_code: 3,
      finished_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      why: expect.stringMatching(/^exited \(3\) at \d{4}-/),
      size_bytes: expect.any(Number),
    });
    expect(items.find((i) => i.id === created)).toMatchObject({
      why: 'created, never started',
      exit_code: null,
      finished_at: null,
    });
    docker('rm', '-f', 'created-1', 'exited-1', 'paused-1');
  });

  it('removes exactly the previewed ones: one started since is skipped and stays, one stopped since is not touched', async () => {
    const gone = ['gone-1', 'gone-2'].map((name) =>
      docker('create', '--name', name, TEST_IMAGE, 'true'),
    );
    const late = docker('create', '--init', '--name', 'late-1', TEST_IMAGE, 'sleep', '600');
    const items = await preview('containers');
    expect(items.map((i) => i.id).sort()).toEqual([...gone, late].sort());
    docker('start', 'late-1');
    const after = docker('create', '--name', 'after-1', TEST_IMAGE, 'true');

    const reply = await confirm('containers', items);
    expect(reply.status, reply.body).toBe(200);
    expect(successReply(API.confirmPrune.data).safeParse(reply.json()).error).toBeUndefined();
    const { data } = reply.json();
    expect(outcomes(data.results)).toEqual({
      'gone-1': 'removed',
      'gone-2': 'removed',
      'late-1': 'skipped: it is running',
    });
    expect(data).toMatchObject({
      kind: 'containers',
      all: false,
      removed: 2,
      skipped: 1,
      failed: 0,
    });
    for (const id of gone) expect(exists('container', 'inspect', id)).toBe(false);
    expect(docker('inspect', '--format', '{{.State.Running}}', late)).toBe('true');
    expect(exists('container', 'inspect', after)).toBe(true);
    expect(exists('container', 'inspect', 'keeper')).toBe(true);
    docker('rm', '-f', late, after);
  });

  it('reports each item as it goes when asked for NDJSON, and says what is gone already', async () => {
    const id = docker('create', '--name', 'twice-1', TEST_IMAGE, 'true');
    const items = await preview('containers');
    expect(items.map((i) => i.id)).toEqual([id]);
    docker('rm', id);
    const reply = await confirm('containers', items, {
      headers: { accept: 'application/x-ndjson' },
    });
    const [step, last] = reply.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(step).toEqual({ progress: `skipped container ${id.slice(0, 12)}: it no longer exists` });
    expect(last.data.results).toEqual([
      {
        type: 'container',
        id,
        name: id.slice(0, 12),
        outcome: 'skipped',
        message: 'it no longer exists',
        size_bytes: null,
      },
    ]);
  });
});

describe('images', () => {
  it('previews dangling images no container uses (with all, unused tagged ones), and keeps one used since', async () => {
    // `docker commit` with no name makes an image without a tag: dangling.
    const dangling = docker('commit', 'keeper');
    const usedDangling = docker('commit', 'keeper');
    docker('create', '--name', 'dangling-user', usedDangling, 'true');
    const unused = docker('commit', 'keeper', 'dwi-test/unused:1');

    const danglingOnly = await preview('images');
    expect(danglingOnly.map((i) => i.id)).toEqual([dangling]);
    expect(danglingOnly[0]).toMatchObject({
      reason: 'dangling',
      tags: [],
      size_bytes: expect.any(Number),
    });
    const withAll = await preview('images', '?all=true');
    expect(withAll.map((i) => i.id).sort()).toEqual([dangling, unused].sort());
    expect(withAll.find((i) => i.id === unused)).toMatchObject({
      name: 'dwi-test/unused:1',
      tags: ['dwi-test/unused:1'],
      reason: 'unused',
    });
    // A prune of all removes the stopped container first: then its image goes too.
    const everything = await preview('all');
    expect(
      everything
        .filter((i) => i.type === 'image')
        .map((i) => i.id)
        .sort(),
    ).toEqual([dangling, usedDangling].sort());

    docker('create', '--name', 'unused-user', 'dwi-test/unused:1', 'true');
    const reply = await confirm('images', withAll, { all: true });
    expect(reply.status, reply.body).toBe(200);
    const { data } = reply.json();
    expect(outcomes(data.results)).toEqual({
      [dangling.slice(7, 19)]: 'removed',
      'dwi-test/unused:1': 'skipped: container unused-user (created) uses it',
    });
    expect(exists('image', 'inspect', dangling)).toBe(false);
    expect(exists('image', 'inspect', unused)).toBe(true);
    expect(exists('image', 'inspect', usedDangling)).toBe(true);
    docker('rm', 'unused-user', 'dangling-user');
  });

  it('without all, keeps a tagged image even when listed', async () => {
    const tagged = docker('commit', 'keeper', 'dwi-test/tagged:1');
    const reply = await confirm('images', [{ type: 'image', id: tagged }]);
    expect(outcomes(reply.json().data.results)).toEqual({
      'dwi-test/tagged:1':
        'skipped: it is tagged dwi-test/tagged:1 (tagged images go only with all=true)',
    });
    expect(exists('image', 'inspect', tagged)).toBe(true);
  });
});

describe('volumes and networks', () => {
  it('previews unused volumes by the engine API rule, and skips one mounted since', async () => {
    docker('volume', 'create', 'named-unused');
    docker('volume', 'create', 'named-late');
    docker('create', '--name', 'vol-holder', '-v', 'held:/data', TEST_IMAGE, 'true');
    // An anonymous volume left behind by a container removed without -v.
    docker('create', '--name', 'anon-holder', '-v', '/data', TEST_IMAGE, 'true');
    const anonymous = docker('inspect', '--format', '{{(index .Mounts 0).Name}}', 'anon-holder');
    docker('rm', 'anon-holder');

    const items = await preview('volumes');
    // From API 1.42 the engine prunes only anonymous volumes (unless told all).
    const expected =
      Number(apiVersion().split('.')[1]) >= 42
        ? [anonymous]
        : [anonymous, 'named-late', 'named-unused'];
    expect(items.map((i) => i.id).sort()).toEqual(expected.sort());
    expect(items.every((i) => i.reason === 'unused' && i.type === 'volume')).toBe(true);
    // The stopped container goes first in a prune of all, and its volume with it.
    expect((await preview('all')).filter((i) => i.type === 'volume').map((i) => i.id)).toContain(
      'held',
    );

    docker('create', '--name', 'late-holder', '-v', 'named-late:/data', TEST_IMAGE, 'true');
    const reply = await confirm('volumes', items);
    const results = outcomes(reply.json().data.results);
    expect(results[anonymous]).toBe('removed');
    if (expected.includes('named-late')) {
      expect(results['named-late']).toBe('skipped: container late-holder (created) uses it');
      expect(results['named-unused']).toBe('removed');
    }
    expect(exists('volume', 'inspect', 'named-late')).toBe(true);
    expect(exists('volume', 'inspect', 'held')).toBe(true);
    expect(exists('volume', 'inspect', anonymous)).toBe(false);
    docker('rm', 'vol-holder', 'late-holder');
  });

  it('previews networks without endpoints, a stopped container attached or not, and skips one connected since', async () => {
    const unused = createNetwork('unused-net');
    const attached = createNetwork('stopped-net');
    const busy = createNetwork('busy-net');
    docker('create', '--name', 'net-stopped', '--network', 'stopped-net', TEST_IMAGE, 'true');
    docker(
      'run',
      '-d',
      '--init',
      '--name',
      'net-runner',
      '--network',
      'busy-net',
      TEST_IMAGE,
      'sleep',
      '600',
    );

    const items = await preview('networks');
    expect(items.map((i) => i.name)).toEqual(['stopped-net', 'unused-net']);
    expect(items.map((i) => i.id).sort()).toEqual([attached, unused].sort());

    docker('network', 'connect', 'unused-net', 'keeper');
    const reply = await confirm('networks', items);
    expect(outcomes(reply.json().data.results)).toEqual({
      'stopped-net': 'removed',
      'unused-net': 'skipped: container keeper is connected',
    });
    expect(exists('network', 'inspect', busy)).toBe(true);
    expect(exists('network', 'inspect', unused)).toBe(true);
    expect(exists('network', 'inspect', attached)).toBe(false);
    docker('network', 'disconnect', 'unused-net', 'keeper');
    docker('rm', '-f', 'net-stopped', 'net-runner');
  });
});

describe('requests', () => {
  it('refuses more items than the cap, items the kind does not cover, ids that are not full ids, and repeats', async () => {
    const id = 'a'.repeat(64);
    const tooMany = Array.from({ length: MAX_PRUNE_ITEMS + 1 }, (_, i) => ({
      type: 'volume',
      id: `v${i}`,
    }));
    const cases: Array<[string, Array<{ type: string; id: string }>, RegExp]> = [
      ['volumes', tooMany, /must NOT have more than 1000 items/],
      [
        'containers',
        [{ type: 'image', id: `sha256:${id}` }],
        /A containers prune removes no image/,
      ],
      ['containers', [{ type: 'container', id: 'keeper' }], /Not a full container id/],
      ['images', [{ type: 'image', id: 'dwi-test/unused:1' }], /Not an image id/],
      ['all', [{ type: 'volume', id: '../x' }], /Not a volume name/],
      [
        'all',
        [
          { type: 'network', id },
          { type: 'network', id },
        ],
        /Listed twice/,
      ],
      ['everything', [], /Invalid prune type: everything/],
    ];
    for (const [kind, items, error] of cases) {
      const reply = await confirm(kind, items);
      expect(reply.status, `${kind} ${reply.body}`).toBe(400);
      expect(reply.json()).toMatchObject({ status: 'error', code: 'bad_request', error });
    }
    const noBody = await request(`${own.base}/api/docker/prune/all/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(noBody.status).toBe(400);
    expect(
      (await request(`${own.base}/api/docker/prune/nothing/preview`, { method: 'POST' })).status,
    ).toBe(400);
  });

  it('is for admins only, and audited', async () => {
    spawnSync(NODE, [CLI, 'user', 'add', 'otto', '--role', 'operator', '--data-dir', dataDir]);
    const made = spawnSync(
      NODE,
      [CLI, 'token', 'create', '--user', 'otto', '--data-dir', dataDir],
      { encoding: 'utf8' },
    );
    const operator = /: (dwi_\S+)\n$/.exec(made.stdout)![1]!;
    const asOperator = { method: 'POST', headers: { authorization: `Bearer ${operator}` } };
    expect((await request(`${own.base}/api/docker/prune/all/preview`, asOperator)).status).toBe(
      403,
    );
    expect((await request(`${own.base}/api/docker/prune/all/confirm`, asOperator)).status).toBe(
      403,
    );
    expect((await confirm('containers', [])).status).toBe(200);
    const audit = (
      await request(`${own.base}/api/audit?action=POST%20/api/docker/prune/containers/confirm`)
    ).json();
    expect(audit.data.entries[0]).toMatchObject({
      username: 'admin',
      target: 'containers',
      result: 'success',
    });
  });
});

describe('the preview and the engine', () => {
  it('lists exactly what the engine itself then prunes, for all', async () => {
    docker('create', '--name', 'last-stopped', '-v', 'last-vol:/data', TEST_IMAGE, 'true');
    docker('commit', 'keeper');
    docker('commit', 'keeper', 'dwi-test/last:1');
    createNetwork('last-net');
    const items = await preview('all', '?all=true');
    const dryRun = (
      await request(`${own.base}/api/docker/prune/all?all=true&dry_run=true`, { method: 'POST' })
    ).json().data.result;
    const before = {
      container: lines(docker('ps', '-a', '-q', '--no-trunc')),
      image: lines(docker('images', '-q', '--no-trunc')),
      volume: lines(docker('volume', 'ls', '-q')),
      network: lines(docker('network', 'ls', '-q', '--no-trunc')),
    };
    // The engine's own prune (the original's route).
    const reply = await request(`${own.base}/api/docker/prune/all?all=true`, { method: 'POST' });
    expect(reply.status, reply.body).toBe(200);
    const after = {
      container: lines(docker('ps', '-a', '-q', '--no-trunc')),
      image: lines(docker('images', '-q', '--no-trunc')),
      volume: lines(docker('volume', 'ls', '-q')),
      network: lines(docker('network', 'ls', '-q', '--no-trunc')),
    };
    for (const type of ['container', 'image', 'volume', 'network'] as const) {
      const pruned = before[type].filter((id) => !after[type].includes(id));
      const previewed = items
        .filter((i) => i.type === type)
        .map((i) => i.id)
        .sort();
      expect(previewed, type).toEqual([...new Set(pruned)].sort());
      expect(previewed.length, type).toBeGreaterThan(0);
    }
    // The original's dry run is the same preview in its own shape.
    expect(dryRun.containers_deleted.sort()).toEqual(
      items
        .filter((i) => i.type === 'container')
        .map((i) => i.id)
        .sort(),
    );
    expect(dryRun.networks_deleted).toEqual(
      items.filter((i) => i.type === 'network').map((i) => i.name),
    );
  });
});
