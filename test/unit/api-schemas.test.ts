import fastJsonStringify from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { operation } from '../../src/server/http/openapi.js';
import { API, type OperationId } from '../../src/shared/api.js';
import type { Container, Image } from '../../src/shared/containers.js';
import type { PruneItem } from '../../src/shared/prune.js';

/** The JSON reply schema Fastify serializes an operation's 200 with. */
function replySchema(id: OperationId): object {
  const reply = operation(id).response[200] as {
    content?: Record<string, { schema: object }>;
  };
  return (
    reply.content?.['application/json']?.schema ?? reply.content?.['text/plain']?.schema ?? reply
  );
}

const container: Container = {
  id: 'a'.repeat(64),
  name: 'web-1',
  image: 'shop/web:1',
  image_id: `sha256:${'b'.repeat(64)}`,
  status: 'exited',
  state: 'stopped',
  created: '2026-11-29T10:00:00.000Z',
  ports: '',
  compose_project: 'Standalone Containers',
  compose_service: 'unknown',
  project: null,
  service: null,
  labels: { 'com.example.note': 'x' },
  started_at: null,
  finished_at: '2026-11-29T11:00:00.000Z',
  exit_code: 3,
  health: null,
};

const image: Image = {
  id: `sha256:${'c'.repeat(64)}`,
  tags: [],
  size: 1.25,
  size_bytes: 1_310_720,
  created: '2026-11-29T10:00:00.000Z',
  repo_digests: [],
  parent_id: '',
  labels: null,
  dangling: true,
  containers: 0,
  running_containers: 0,
};

const pruneItem: PruneItem = {
  type: 'container',
  id: 'a'.repeat(64),
  name: 'web-1',
  tags: [],
  size_bytes: null,
  reason: 'stopped',
  why: 'created, never started',
  created: '2026-11-29T10:00:00.000Z',
  exit_code: null,
  finished_at: null,
};

describe('reply schemas', () => {
  it('compile for fast-json-stringify, for every operation of the table', () => {
    for (const id of Object.keys(API) as OperationId[]) {
      expect(() => fastJsonStringify(replySchema(id)), id).not.toThrow();
    }
  });

  it('serialize a reply exactly: nulls stay null, records keep every key, nothing is dropped', () => {
    const cases: Array<[OperationId, unknown]> = [
      [
        'listContainers',
        [
          container,
          {
            ...container,
            compose_project: 'Docker Compose: Shop',
            compose_service: 'web',
            project: 'shop',
            service: 'web',
          },
        ],
      ],
      [
        'listImages',
        [
          image,
          {
            ...image,
            labels: { a: 'b' },
            tags: ['x:1'],
            dangling: false,
            containers: 2,
            running_containers: 1,
          },
        ],
      ],
      [
        'listProjects',
        [
          {
            name: null,
            display: 'Standalone Containers',
            counts: { total: 1, running: 0, paused: 0, stopped: 1 },
            containers: [container],
          },
        ],
      ],
      ['inspectContainer', { Id: 'x', State: { Running: true, Pid: 7 }, Config: { Env: null } }],
      ['listAudit', { entries: [], before: null }],
      [
        'previewPrune',
        {
          kind: 'all',
          all: true,
          items: [
            pruneItem,
            { ...pruneItem, type: 'image', tags: ['x:1'], size_bytes: 5, exit_code: 0 },
          ],
          total: { items: 2, size_bytes: 5 },
          max_items: 1000,
        },
      ],
      [
        'confirmPrune',
        {
          kind: 'containers',
          all: false,
          results: [
            {
              type: 'container',
              id: 'a',
              name: 'a',
              outcome: 'removed',
              message: null,
              size_bytes: 0,
            },
            {
              type: 'container',
              id: 'b',
              name: 'b',
              outcome: 'skipped',
              message: 'it is running',
              size_bytes: null,
            },
          ],
          removed: 1,
          skipped: 1,
          failed: 0,
          space_reclaimed: 0,
        },
      ],
    ];
    for (const [id, data] of cases) {
      const reply = { status: 'success', data };
      const serialize = fastJsonStringify(replySchema(id));
      expect(JSON.parse(serialize(reply)), id).toEqual(reply);
    }
  });
});
