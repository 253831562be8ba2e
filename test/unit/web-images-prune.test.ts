/** Pure parts of the Images and Prune pages: usage, filter, sort, what a delete does, batching. */
import { describe, expect, it } from 'vitest';
import type { Image } from '../../src/shared/containers.js';
import {
  deletion,
  describeRemoval,
  imageRows,
  usageByImage,
  type ImageUser,
  type Sort,
} from '../../src/web/features/images/lib/view.js';
import { batches, choiceById, countByType } from '../../src/web/features/prune/lib/choices.js';
import { formatBytes } from '../../src/web/lib/bytes.js';

const id = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function image(n: number, tags: string[], size: number, created: string): Image {
  return {
    id: id(n),
    tags,
    size: size / 1e6,
    size_bytes: size,
    created,
    repo_digests: [],
    parent_id: '',
    labels: null,
    dangling: tags.length === 0,
    containers: 0,
    running_containers: 0,
  };
}

const web = image(1, ['web:2', 'web:latest'], 50_000_000, '2026-11-20T10:00:00.000Z');
const db = image(2, ['db:1'], 200_000_000, '2026-11-25T10:00:00.000Z');
const orphan = image(3, [], 10_000_000, '2026-11-28T10:00:00.000Z');
const users: ImageUser[] = [
  { id: 'c1', name: 'web-1', imageId: web.id, running: true },
  { id: 'c2', name: 'web-old', imageId: web.id, running: false },
  { id: 'c3', name: 'db-1', imageId: db.id, running: false },
];
const usage = usageByImage(users);
const rows = (text: string, uses: Array<'dangling' | 'unused' | 'in use'>, sort: Sort) =>
  imageRows([web, db, orphan], usage, { text, uses, sort }).map((row) => row.image.id);

describe('the image table', () => {
  it('counts the containers using each image, running ones first', () => {
    expect(usage.get(web.id)).toMatchObject({ total: 2, running: 1 });
    expect(usage.get(web.id)!.users.map((u) => u.name)).toEqual(['web-1', 'web-old']);
    expect(usage.get(orphan.id)).toBeUndefined();
  });

  it('filters by words in tags or id, and by use', () => {
    const byName: Sort = { key: 'tag', descending: false };
    expect(rows('web', [], byName)).toEqual([web.id]);
    expect(rows('333333', [], byName)).toEqual([orphan.id]);
    expect(rows('', ['dangling'], byName)).toEqual([orphan.id]);
    expect(rows('', ['unused'], byName)).toEqual([orphan.id]);
    expect(rows('', ['in use'], byName)).toEqual([db.id, web.id]);
    expect(rows('nothing-like-it', [], byName)).toEqual([]);
  });

  it('sorts by name (dangling last), size, age and use, either way', () => {
    expect(rows('', [], { key: 'tag', descending: false })).toEqual([db.id, web.id, orphan.id]);
    expect(rows('', [], { key: 'size', descending: true })).toEqual([db.id, web.id, orphan.id]);
    expect(rows('', [], { key: 'created', descending: true })).toEqual([orphan.id, db.id, web.id]);
    expect(rows('', [], { key: 'containers', descending: true })[0]).toBe(web.id);
  });
});

describe('what deleting an image does', () => {
  it('deletes a dangling, unused image without force', () => {
    const plan = deletion(orphan, { total: 0, running: 0, users: [] }, false);
    expect(plan).toMatchObject({ possible: true, needsForce: false });
    expect(plan.says[0]).toContain('dangling image 333333333333');
  });

  it('needs force for an image a stopped container uses, and names it', () => {
    const db1 = usage.get(db.id)!;
    expect(deletion(db, db1, false)).toMatchObject({ possible: false, needsForce: true });
    expect(deletion(db, db1, false).says.join(' ')).toContain(
      '(db-1): the engine deletes it only with force',
    );
    const forced = deletion(db, db1, true);
    expect(forced.possible).toBe(true);
    expect(forced.says.join(' ')).toContain('with force it goes all the same');
  });

  it('needs force for several tags, and names every tag it removes', () => {
    const plan = deletion(web, { total: 0, running: 0, users: [] }, false);
    expect(plan).toMatchObject({ possible: false, needsForce: true });
    expect(plan.says[0]).toContain('web:2, web:latest');
    expect(plan.says[1]).toContain('2 tags');
  });

  it('refuses, even with force, while a running container uses it', () => {
    const plan = deletion(web, usage.get(web.id)!, true);
    expect(plan.possible).toBe(false);
    expect(plan.says[0]).toContain('Running containers use web:2 (web-1)');
  });

  it('falls back to the counts when the names are not known yet', () => {
    const plan = deletion(db, { total: 2, running: 0, users: [] }, false);
    expect(plan.says.join(' ')).toContain('(2 containers)');
  });

  it("says what the engine's answer did", () => {
    expect(
      describeRemoval([{ Untagged: 'web:2' }, { Untagged: 'web:latest' }, { Deleted: 'a' }]),
    ).toBe('untagged web:2, web:latest; deleted 1 layer');
    expect(describeRemoval([])).toBe('nothing to remove');
  });
});

describe('prune helpers', () => {
  it('counts items by type in words', () => {
    expect(countByType([{ type: 'container' }])).toBe('1 container');
    expect(
      countByType([
        { type: 'container' },
        { type: 'container' },
        { type: 'image' },
        { type: 'volume' },
      ]),
    ).toBe('2 containers, 1 image and 1 volume');
    expect(countByType([])).toBe('nothing');
  });

  it("splits a confirm into requests of the server's limit", () => {
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches([], 2)).toEqual([]);
  });

  it('knows its choices, and falls back to the first for an unknown one', () => {
    expect(choiceById('images-unused')).toMatchObject({ kind: 'images', all: true });
    expect(choiceById('gone').id).toBe('containers');
  });

  it('says sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_980_000)).toBe('1.98 MB');
    expect(formatBytes(74_300_000)).toBe('74.3 MB');
    expect(formatBytes(512_000_000)).toBe('512 MB');
    expect(formatBytes(1_210_000_000)).toBe('1.21 GB');
  });
});
