import { describe, expect, it } from 'vitest';
import { MAX_PRUNE_ITEMS } from '../../src/shared/prune.js';
import {
  ANONYMOUS_VOLUME_LABEL,
  apiAtLeast,
  childrenFirst,
  judge,
  previewOf,
  pruneItems,
  type PruneContainer,
  type PruneImage,
  type PruneNetwork,
  type PruneSnapshot,
  type PruneVolume,
} from '../../src/server/engine/prune-rules.js';

const hex = (c: string) => c.repeat(64);
const imageId = (c: string) => `sha256:${hex(c)}`;

function container(name: string, state: string, fields: Partial<PruneContainer> = {}) {
  return {
    id: hex(name[0]!),
    name,
    state,
    imageId: imageId('f'),
    volumes: [],
    created: '2026-11-29T10:00:00.000Z',
    sizeRw: 10,
    exitCode: state === 'exited' ? 3 : null,
    finishedAt: state === 'exited' ? '2026-11-29T11:00:00.000Z' : null,
    ...fields,
  } satisfies PruneContainer;
}

function image(c: string, fields: Partial<PruneImage> = {}): PruneImage {
  return {
    id: imageId(c),
    tags: [],
    digests: [],
    parentId: '',
    size: 100,
    created: '2026-11-29T09:00:00.000Z',
    ...fields,
  };
}

function volume(name: string, fields: Partial<PruneVolume> = {}): PruneVolume {
  return { name, driver: 'local', labels: {}, options: {}, created: null, size: 7, ...fields };
}

function network(name: string, fields: Partial<PruneNetwork> = {}): PruneNetwork {
  return {
    id: hex(name[0]!),
    name,
    scope: 'local',
    configOnly: false,
    endpoints: [],
    created: null,
    ...fields,
  };
}

function snapshot(fields: Partial<PruneSnapshot>): PruneSnapshot {
  return { apiVersion: '1.41', containers: [], images: [], volumes: [], networks: [], ...fields };
}

const ids = (s: PruneSnapshot, types: Parameters<typeof pruneItems>[1], all = false) =>
  pruneItems(s, types, all).map((i) => `${i.type} ${i.name}`);

describe('prune rules (the engine own)', () => {
  it('containers: every one not running; paused, restarting and one being removed stay', () => {
    const s = snapshot({
      containers: [
        container('exited', 'exited'),
        container('created', 'created'),
        container('dead', 'dead'),
        container('running', 'running'),
        container('paused', 'paused'),
        container('restarting', 'restarting'),
        container('removing', 'removing'),
      ],
    });
    expect(ids(s, ['container'])).toEqual([
      'container created',
      'container dead',
      'container exited',
    ]);
    const [created, , exited] = pruneItems(s, ['container'], false);
    expect(exited).toMatchObject({
      reason: 'stopped',
      why: 'exited (3) at 2026-11-29T11:00:00.000Z',
      exit_code: 3,
      finished_at: '2026-11-29T11:00:00.000Z',
      size_bytes: 10,
    });
    expect(created).toMatchObject({ why: 'created, never started', exit_code: null });
    expect(judge('container', hex('p'), s, false)).toEqual({
      prunable: false,
      reason: 'it is paused',
    });
  });

  it('images: dangling ones unless a container (even a stopped one) uses them; all takes tagged ones', () => {
    const s = snapshot({
      containers: [
        container('runner', 'running', { imageId: imageId('1') }),
        container('stopper', 'exited', { imageId: imageId('2') }),
      ],
      images: [
        image('1'),
        image('2'),
        image('3'),
        image('4', { tags: ['shop/web:1'] }),
        image('5', { digests: ['shop/web@sha256:abc'] }),
      ],
    });
    expect(ids(s, ['image'])).toEqual([
      `image ${hex('3').slice(0, 12)}`,
      `image ${hex('5').slice(0, 12)}`,
    ]);
    expect(ids(s, ['image'], true)).toContain('image shop/web:1');
    expect(judge('image', imageId('2'), s, false)).toEqual({
      prunable: false,
      reason: 'container stopper (exited) uses it',
    });
    expect(judge('image', imageId('4'), s, false)).toMatchObject({ prunable: false });
    // A prune of all removes the stopped container first, and then its image can go.
    expect(ids(s, ['container', 'image'])).toEqual([
      'container stopper',
      `image ${hex('2').slice(0, 12)}`,
      `image ${hex('3').slice(0, 12)}`,
      `image ${hex('5').slice(0, 12)}`,
    ]);
  });

  it('images: one others are built on goes only with all, and only when they all go', () => {
    const s = snapshot({
      images: [
        image('a', { tags: ['base:1'] }),
        image('b', { tags: ['child:1'], parentId: imageId('a') }),
        image('c', { tags: ['grandchild:1'], parentId: imageId('b') }),
        // An intermediate layer: no reference, built on; it goes with what is built on it.
        image('d', { parentId: imageId('a') }),
        image('e', { tags: ['top:1'], parentId: imageId('d') }),
      ],
    });
    expect(ids(s, ['image'], true).sort()).toEqual([
      'image base:1',
      'image child:1',
      'image grandchild:1',
      'image top:1',
    ]);
    const used = { ...s, containers: [container('user', 'running', { imageId: imageId('c') })] };
    expect(ids(used, ['image'], true).sort()).toEqual(['image top:1']);
    expect(judge('image', imageId('b'), used, true)).toEqual({
      prunable: false,
      reason: 'other images are built on it',
    });
    expect(judge('image', imageId('d'), s, true)).toMatchObject({
      reason: 'it is an intermediate image: it goes with the images built on it',
    });
    // Without all only heads are looked at: a dangling image built on stays.
    const dangling = snapshot({
      images: [image('a', { digests: ['x@sha256:1'] }), image('b', { parentId: imageId('a') })],
    });
    expect(ids(dangling, ['image'])).toEqual([`image ${hex('b').slice(0, 12)}`]);
    expect(childrenFirst([imageId('a'), imageId('c'), imageId('b')], s)).toEqual([
      imageId('c'),
      imageId('b'),
      imageId('a'),
    ]);
  });

  it('volumes: unused local ones; from API 1.42 only anonymous ones', () => {
    const volumes = [
      volume('named'),
      volume(hex('a'), { labels: { [ANONYMOUS_VOLUME_LABEL]: '' } }),
      volume('mounted'),
      volume('nfs', { options: { type: 'nfs' } }),
      volume('plugin', { driver: 'rexray' }),
    ];
    const containers = [container('holder', 'exited', { volumes: ['mounted'] })];
    const old = snapshot({ apiVersion: '1.41', volumes, containers });
    expect(ids(old, ['volume'])).toEqual([`volume ${hex('a')}`, 'volume named']);
    expect(ids(old, ['container', 'volume'])).toContain('volume mounted');
    const current = snapshot({ apiVersion: '1.50', volumes, containers });
    expect(ids(current, ['volume'])).toEqual([`volume ${hex('a')}`]);
    expect(judge('volume', 'named', current, false)).toEqual({
      prunable: false,
      reason: 'it is named (API 1.50 prunes only anonymous volumes)',
    });
    expect(judge('volume', 'mounted', current, false)).toEqual({
      prunable: false,
      reason: 'container holder (exited) uses it',
    });
    expect(judge('volume', 'nfs', old, false)).toMatchObject({ prunable: false });
    expect(judge('volume', 'plugin', old, false)).toMatchObject({ prunable: false });
  });

  it('networks: no endpoint, not built in, not config-only, not swarm', () => {
    const s = snapshot({
      networks: [
        network('bridge'),
        network('host'),
        network('none'),
        network('unused'),
        network('connected', { endpoints: ['web'] }),
        network('config', { configOnly: true }),
        network('overlay', { scope: 'swarm' }),
      ],
    });
    expect(ids(s, ['network'])).toEqual(['network unused']);
    expect(judge('network', hex('c'), s, false)).toEqual({
      prunable: false,
      reason: 'container web is connected',
    });
    expect(judge('network', hex('9'), s, false)).toEqual({
      prunable: false,
      reason: 'it no longer exists',
    });
  });

  it('orders a prune of all as the engine runs it, with the total', () => {
    const s = snapshot({
      containers: [container('c', 'exited')],
      images: [image('1')],
      volumes: [volume('v')],
      networks: [network('n')],
    });
    const items = pruneItems(s, ['container', 'image', 'volume', 'network'], false);
    expect(items.map((i) => i.type)).toEqual(['container', 'network', 'image', 'volume']);
    expect(previewOf('all', false, items)).toMatchObject({
      total: { items: 4, size_bytes: 10 + 100 + 7 },
      max_items: MAX_PRUNE_ITEMS,
    });
  });

  it('compares API versions by number', () => {
    expect(apiAtLeast('1.41', '1.42')).toBe(false);
    expect(apiAtLeast('1.42', '1.42')).toBe(true);
    expect(apiAtLeast('1.100', '1.42')).toBe(true);
    expect(apiAtLeast('2.0', '1.42')).toBe(true);
  });
});
