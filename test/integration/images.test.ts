/**
 * The images list the Images page shows: tags, size, created, dangling, and how many
 * containers use each (counted over the live model, so it follows containers as they come,
 * run, stop and go).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { API } from '../../src/shared/api.js';
import type { Image } from '../../src/shared/containers.js';
import { successReply } from '../../src/shared/errors.js';
import { dockerCli, TEST_IMAGE } from '../engine/engine.js';
import { Dwi, freePort, request, until } from './harness.js';

// The shared engine: names and images of this file's own, so other files do not count.
const docker = (...args: string[]) => dockerCli({ host: inject('dockerHost') }, args);
const tag = `dwi-test/images-${process.pid}:1`;
const names = ['running', 'stopped', 'other'].map((n) => `dwi-images-${process.pid}-${n}`);
const [running, stopped, other] = names as [string, string, string];
let dwi: Dwi;
let base: string;
let tagged: string;
let dangling: string;

beforeAll(async () => {
  docker('run', '-d', '--init', '--name', running, TEST_IMAGE, 'sleep', '600');
  tagged = docker('commit', running, tag);
  // `docker commit` with no name makes an image without a tag.
  dangling = docker('commit', running);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  await dwi?.stop();
  for (const name of names) {
    try {
      docker('rm', '-f', name);
    } catch {
      // Never made, or removed by the test.
    }
  }
  docker('rmi', tag, dangling);
});

async function images(): Promise<Image[]> {
  const reply = await request(`${base}/api/images`);
  expect(reply.status).toBe(200);
  expect(successReply(API.listImages.data).safeParse(reply.json()).error).toBeUndefined();
  return reply.json().data;
}

const byId = async (id: string) => (await images()).find((i) => i.id === id);

/** Waits until the image's counts are these (the model follows the engine's events). */
const usage = (id: string, containers: number, running_containers: number) =>
  until(
    async () =>
      `${id} used by ${containers} (${running_containers} running): ${JSON.stringify(await byId(id))}`,
    async () => {
      const image = await byId(id);
      return image?.containers === containers && image.running_containers === running_containers;
    },
  );

describe('the images list', () => {
  it('shows tags, size, created, and dangling images as such', async () => {
    const list = await images();
    expect(list.find((i) => i.id === tagged)).toMatchObject({
      tags: [tag],
      dangling: false,
      size_bytes: expect.any(Number),
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      containers: 0,
      running_containers: 0,
    });
    expect(list.find((i) => i.id === dangling)).toMatchObject({ tags: [], dangling: true });
    expect(list.map((i) => i.created)).toEqual([...list.map((i) => i.created)].sort().reverse());
  });

  it('counts the containers using each image, running or not, as they come and go', async () => {
    docker('run', '-d', '--init', '--name', stopped, tag, 'sleep', '600');
    await usage(tagged, 1, 1);
    docker('stop', '-t', '0', stopped);
    await usage(tagged, 1, 0);
    docker('create', '--name', other, tag, 'true');
    await usage(tagged, 2, 0);
    docker('start', stopped);
    await usage(tagged, 2, 1);
    docker('rm', '-f', stopped, other);
    await usage(tagged, 0, 0);
    // The image the first container was made from counts it too.
    expect(
      (await byId(docker('inspect', '--format', '{{.Image}}', running)))!.containers,
    ).toBeGreaterThan(0);
  });
});
