/**
 * Why the engine cannot be reached, said so that someone starting dwi for the first time can
 * act on it: the address tried, what the error means there, and what to change. The same
 * words go to the error log, GET /api/ready and the web app.
 */
import { readFileSync, statSync } from 'node:fs';

/** Who owns the engine's socket, to say which group grants access. */
export interface SocketOwner {
  gid: number;
  /** The group's name, when /etc/group knows it. */
  group: string | undefined;
  /** Permission bits, e.g. 0o660. */
  mode: number;
}

export interface Unreachable {
  /** What failed, naming the address: one sentence, no advice. */
  detail: string;
  /** What to do about it: one step or choice per item. */
  advice: string[];
}

const POINT_ELSEWHERE =
  'To use another engine, start dwi with --docker-host unix:///PATH or tcp://HOST:PORT (or set DOCKER_HOST or DWI_DOCKER_HOST).';

/**
 * The explanation for a failed connection to `dockerHost` (the docker_host setting) with
 * the socket error `code`; `owner` and `uid` describe a unix socket that refused access.
 */
export function explainUnreachable(
  dockerHost: string,
  code: string,
  facts: { owner?: SocketOwner | undefined; uid?: number | undefined } = {},
): Unreachable {
  const url = parseHost(dockerHost);
  if (url.protocol === 'unix:') {
    const path = url.pathname;
    const at = `the Docker engine's socket ${path}`;
    switch (code) {
      case 'ENOENT':
        return {
          detail: `cannot reach ${at}: it does not exist (ENOENT)`,
          advice: [
            'Is the engine installed and running? Start it (systemctl start docker).',
            `In a container, mount the socket: -v /var/run/docker.sock:${path}`,
            POINT_ELSEWHERE,
          ],
        };
      case 'EACCES':
        return {
          detail: `cannot reach ${at}: permission denied (EACCES)`,
          advice: [whoMayUse(facts), POINT_ELSEWHERE],
        };
      case 'ECONNREFUSED':
        return {
          detail: `cannot reach ${at}: it exists but no engine answers (ECONNREFUSED)`,
          advice: [
            'The engine has stopped or is starting: start it (systemctl start docker) and dwi connects by itself.',
            POINT_ELSEWHERE,
          ],
        };
      case 'ENOTDIR':
      case 'ENOTSOCK':
        return {
          detail: `cannot reach ${at}: it is not a socket (${code})`,
          advice: ['Check the path.', POINT_ELSEWHERE],
        };
    }
    return { detail: `cannot reach ${at} (${code})`, advice: [POINT_ELSEWHERE] };
  }
  const at = `the Docker engine at ${url.host || dockerHost}`;
  switch (code) {
    case 'ECONNREFUSED':
      return {
        detail: `cannot reach ${at}: connection refused (ECONNREFUSED)`,
        advice: [
          `No engine listens there: is it running, and started with -H tcp://${url.host}?`,
          POINT_ELSEWHERE,
        ],
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        detail: `cannot reach ${at}: the host name does not resolve (${code})`,
        advice: ['Check the host name.', POINT_ELSEWHERE],
      };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        detail: `cannot reach ${at}: no route or no answer (${code})`,
        advice: [
          'Check the address, and that no firewall stops this host reaching that port.',
          POINT_ELSEWHERE,
        ],
      };
  }
  return { detail: `cannot reach ${at} (${code})`, advice: [POINT_ELSEWHERE] };
}

/** Who may use a socket that refused us, and how to become one of them. */
function whoMayUse({ owner, uid }: { owner?: SocketOwner | undefined; uid?: number }): string {
  const user = uid === undefined ? 'the user dwi runs as' : `the user dwi runs as (uid ${uid})`;
  if (owner === undefined || (owner.mode & 0o060) === 0)
    return `Give ${user} access to the socket: usually by adding it to the socket's group, docker (usermod -aG docker USER, then log in again; SupplementaryGroups=docker in a systemd unit; --group-add with the group's id in a container).`;
  const group =
    owner.group === undefined ? `group ${owner.gid}` : `group ${owner.group} (${owner.gid})`;
  return `The socket belongs to ${group}: add ${user} to it (usermod -aG ${owner.group ?? owner.gid} USER, then log in again; SupplementaryGroups=${owner.group ?? owner.gid} in a systemd unit; --group-add ${owner.gid} in a container).`;
}

function parseHost(dockerHost: string): URL {
  try {
    return new URL(dockerHost);
  } catch {
    // The setting validates the scheme; an odd rest still gets a plain explanation.
    return new URL('tcp://unknown');
  }
}

/** The owner of a unix socket, read from the file system; undefined when it cannot be read. */
export function socketOwner(path: string): SocketOwner | undefined {
  try {
    const stat = statSync(path);
    return { gid: stat.gid, group: groupName(stat.gid), mode: stat.mode & 0o777 };
  } catch {
    return undefined;
  }
}

function groupName(gid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === gid) return name;
    }
  } catch {
    // No /etc/group (a minimal container): the id alone is said.
  }
  return undefined;
}
