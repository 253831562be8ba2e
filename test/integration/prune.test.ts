import { afterAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE } from '../engine/engine.js';
import { request } from './harness.js';
import { useOwnEngine } from './own-engine.js';

// Its own engine: pruning would take other files' stopped containers.
const ids: Record<string, string> = {};
const own = useOwnEngine(({ docker }) => {
  ids.stopped = docker('create', '--name', 'stopped', TEST_IMAGE, 'true');
  ids.running = docker(
    'run',
    '-d',
    '--init',
    '--name',
    'running',
    '-v',
    'kept:/data',
    TEST_IMAGE,
    'sleep',
    '600',
  );
  docker('volume', 'create', 'unused');
  docker('network', 'create', '--internal', '--subnet', '10.233.77.0/24', 'unused-net');
  // A tagged image no container uses: pruned only with all=true (docker image prune --all).
  ids.unusedImage = docker('commit', 'running', 'dwi-test/unused:1');
});
const { docker } = own;

afterAll(() => {
  if (own.engine === undefined) return;
  // A network left by a failed test would leave its bridge on the host after the engine stops.
  try {
    docker('network', 'rm', 'unused-net');
  } catch {
    // Pruned, as it should be.
  }
});

async function prune(path: string) {
  return request(`${own.base}/api/docker/prune/${path}`, { method: 'POST' });
}

describe('prune', () => {
  it('dry_run lists what would go, and removes nothing', async () => {
    const reply = await prune('all?dry_run=true');
    expect(reply.status).toBe(200);
    const { data } = reply.json();
    expect(data.command).toBe('docker system prune --force --volumes');
    expect(data.dry_run).toBe(true);
    expect(data.result.containers_deleted).toEqual([ids.stopped]);
    expect(data.result.volumes_deleted).toEqual(['unused']);
    expect(data.result.networks_deleted).toEqual(['unused-net']);
    expect(data.result.images_deleted).toEqual([]);
    expect(docker('ps', '-a', '-q', '--no-trunc')).toContain(ids.stopped);
    expect(docker('volume', 'ls', '-q')).toContain('unused');
  });

  it('prunes stopped containers in the original shape', async () => {
    const reply = await prune('containers');
    expect(reply.json()).toEqual({
      status: 'success',
      data: {
        message: 'Containers pruned successfully',
        command: 'docker container prune --force',
        dry_run: false,
        result: {
          containers_deleted: [ids.stopped],
          images_deleted: [],
          volumes_deleted: [],
          networks_deleted: [],
          space_reclaimed: expect.any(Number),
        },
      },
    });
    expect(docker('ps', '-a', '-q', '--no-trunc')).not.toContain(ids.stopped);
  });

  it('prunes everything else that is unused, keeping what the running container holds', async () => {
    const danglingOnly = (await prune('images?dry_run=true')).json().data.result;
    expect(danglingOnly.images_deleted).toEqual([]);
    const preview = (await prune('images?dry_run=true&all=true')).json().data.result;
    expect(preview.images_deleted).toEqual([ids.unusedImage]);
    // Asked for as NDJSON: a line per step as it happens, then the envelope.
    const reply = await request(`${own.base}/api/docker/prune/all?all=true`, {
      method: 'POST',
      headers: { accept: 'application/x-ndjson' },
    });
    expect(reply.headers['content-type']).toBe('application/x-ndjson');
    const lines = reply.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, -1)).toEqual([
      { progress: 'pruned containers' },
      { progress: 'pruned networks' },
      { progress: 'pruned images' },
      { progress: 'pruned volumes' },
    ]);
    const last = lines.at(-1);
    expect(last.status).toBe('success');
    const { result } = last.data;
    expect(result.volumes_deleted).toEqual(['unused']);
    expect(result.networks_deleted).toEqual(['unused-net']);
    expect(result.images_deleted).toContain(ids.unusedImage);
    expect(docker('volume', 'ls', '-q').split('\n')).toEqual(['kept']);
    expect(docker('ps', '-q', '--no-trunc')).toContain(ids.running);
  });

  it('refuses an unknown kind', async () => {
    const reply = await prune('everything');
    expect(reply.status).toBe(400);
    expect(reply.json().error).toBe(
      'Invalid prune type: everything (one of containers, images, volumes, networks, all)',
    );
  });
});
