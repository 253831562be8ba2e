/**
 * Rebuild: re-create a container from its current configuration, keeping its name, networks,
 * mounts (anonymous volumes included), labels and restart policy. The old container is kept
 * aside until the new one is in place, and put back if anything fails.
 */
import type Docker from 'dockerode';
import type { RebuildResult } from '../../shared/api.js';
import { EngineError, fromDockerError } from './errors.js';

export interface RebuildOptions {
  /** Pull the image first (fails clearly when no registry can be reached). */
  pull: boolean;
  /** Seconds a running container gets to stop. */
  timeout?: number;
}

export type { RebuildResult };

type Inspect = Awaited<ReturnType<Docker.Container['inspect']>>;

/** The create body that reproduces an inspected container. Pure. */
export function recreateSpec(info: Inspect): {
  create: Docker.ContainerCreateOptions;
  extraNetworks: Array<{ name: string; config: Record<string, unknown> }>;
} {
  const shortId = info.Id.slice(0, 12);
  const config: Record<string, unknown> = { ...info.Config };
  // An engine-chosen hostname is the old id; a new container gets its own.
  if (config.Hostname === shortId) delete config.Hostname;
  const hostConfig = { ...info.HostConfig } as Docker.HostConfig;
  // Anonymous volumes would be made anew, empty: mount the old ones by name instead.
  const bound = new Set([
    ...(hostConfig.Binds ?? []).map((b) => b.split(':')[1]),
    ...((hostConfig.Mounts ?? []) as Array<{ Target?: string }>).map((m) => m.Target),
  ]);
  const binds = [...(hostConfig.Binds ?? [])];
  for (const mount of info.Mounts ?? []) {
    if (mount.Type === 'volume' && mount.Name && !bound.has(mount.Destination)) {
      binds.push(`${mount.Name}:${mount.Destination}${mount.RW ? '' : ':ro'}`);
    }
  }
  hostConfig.Binds = binds;
  const networks = Object.entries(info.NetworkSettings?.Networks ?? {}).map(([name, endpoint]) => ({
    name,
    config: {
      Aliases: ((endpoint.Aliases ?? []) as string[]).filter((alias) => alias !== shortId),
      ...(endpoint.IPAMConfig ? { IPAMConfig: endpoint.IPAMConfig } : {}),
      ...(endpoint.Links ? { Links: endpoint.Links } : {}),
    },
  }));
  const primaryName = hostConfig.NetworkMode ?? networks[0]?.name;
  const primary = networks.find((n) => n.name === primaryName);
  return {
    create: {
      ...(config as Docker.ContainerCreateOptions),
      name: info.Name.replace(/^\//, ''),
      HostConfig: hostConfig,
      ...(primary
        ? { NetworkingConfig: { EndpointsConfig: { [primary.name]: primary.config } } }
        : {}),
    },
    extraNetworks: networks.filter((n) => n !== primary),
  };
}

export async function rebuild(
  docker: Docker,
  id: string,
  options: RebuildOptions,
  onStep: (step: string) => void = () => {},
): Promise<RebuildResult> {
  const steps: string[] = [];
  const step = (text: string) => {
    steps.push(text);
    onStep(text);
  };
  const old = docker.getContainer(id);
  const info = await old.inspect().catch((err: unknown) => {
    throw fromDockerError(err);
  });
  const name = info.Name.replace(/^\//, '');
  const wasRunning = info.State.Running || info.State.Paused;
  const image = info.Config.Image;
  if (options.pull) {
    try {
      await pull(docker, image);
      step(`pulled ${image}`);
    } catch (err) {
      throw new EngineError(
        'engine',
        `cannot rebuild ${name}: pulling ${image} failed (${fromDockerError(err).message}); nothing was changed`,
      );
    }
  }
  const { create, extraNetworks } = recreateSpec(info);
  const aside = `${name}-dwi-rebuild-${Date.now()}`;
  try {
    if (wasRunning) {
      if (info.State.Paused) await old.unpause();
      await old.stop(options.timeout === undefined ? {} : { t: options.timeout });
      step('stopped the old container');
    }
    await old.rename({ name: aside });
    step(`renamed the old container to ${aside}`);
  } catch (err) {
    throw new EngineError(
      'engine',
      `cannot rebuild ${name}: ${fromDockerError(err).message}; the old container is unchanged`,
    );
  }

  let created: Docker.Container | undefined;
  try {
    created = await docker.createContainer(create);
    step('created the new container');
    for (const network of extraNetworks) {
      await docker
        .getNetwork(network.name)
        .connect({ Container: created.id, EndpointConfig: network.config });
      step(`connected it to ${network.name}`);
    }
    if (wasRunning) {
      await created.start();
      step('started it');
    }
  } catch (err) {
    const failure = fromDockerError(err);
    await putBack(old, created, name, wasRunning);
    throw new EngineError(
      'engine',
      `cannot rebuild ${name}: ${failure.message}; the old container was put back`,
    );
  }
  await old.remove({ force: true, v: false });
  step('removed the old container');
  return { old_id: info.Id, new_id: created.id, name, steps };
}

async function putBack(
  old: Docker.Container,
  created: Docker.Container | undefined,
  name: string,
  wasRunning: boolean,
): Promise<void> {
  try {
    await created?.remove({ force: true });
  } catch {
    // Nothing to remove.
  }
  await old.rename({ name });
  if (wasRunning) await old.start();
}

function pull(docker: Docker, image: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.pull(image, (err: Error | null, stream: NodeJS.ReadableStream) => {
      if (err) return reject(err);
      docker.modem.followProgress(stream, (error: Error | null) =>
        error ? reject(error) : resolve(),
      );
    });
  });
}
