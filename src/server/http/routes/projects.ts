import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import type { ProjectGroup } from '../../../shared/api.js';
import { PROJECT_ACTIONS, type Container, type ProjectAction } from '../../../shared/containers.js';
import type { ContainerOperations, ContainerState } from '../../engine/ports.js';
import { EngineError } from '../../engine/errors.js';
import { displayProject } from '../../engine/normalize.js';
import { credited, type ActionLog } from '../credit.js';
import { ApiError } from '../errors.js';
import { withProgress } from '../progress.js';
import { operation } from '../openapi.js';

const BULK_ACTIONS = PROJECT_ACTIONS;
type BulkAction = ProjectAction;

function group(containers: Container[]): ProjectGroup[] {
  const groups = new Map<string | null, Container[]>();
  for (const container of containers) {
    const list = groups.get(container.project) ?? [];
    list.push(container);
    groups.set(container.project, list);
  }
  return [...groups]
    .map(([name, list]) => ({
      name,
      display: displayProject(name),
      counts: {
        total: list.length,
        running: list.filter((c) => c.state === 'running').length,
        paused: list.filter((c) => c.state === 'paused').length,
        stopped: list.filter((c) => c.state === 'stopped').length,
      },
      containers: list.sort((a, b) => a.name.localeCompare(b.name)),
    }))
    .sort((a, b) => (a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name)));
}

/** Compose projects: containers grouped by their project label, with bulk actions. */
export const projectRoutes: FastifyPluginAsync<{
  engine: ContainerState & ContainerOperations;
  /** Where actions are noted for the timeline. */
  actions?: ActionLog;
}> = async (app, { engine, actions }) => {
  app.get(
    '/api/projects',
    { config: { access: 'viewer' }, schema: operation('listProjects') },
    async (): Promise<ApiReply<'listProjects'>> => {
      engine.ensureConnected();
      return { status: 'success', data: group(engine.containers.list()) };
    },
  );

  app.post(
    '/api/projects/:name/:action',
    {
      config: { access: 'operator' },
      schema: {
        ...operation('runProjectAction'),
        params: {
          type: 'object',
          required: ['name', 'action'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 255 },
            action: { type: 'string', maxLength: 64 },
          },
        },
      },
    },
    async (request, reply) => {
      const { name, action } = request.params as { name: string; action: string };
      if (!(BULK_ACTIONS as readonly string[]).includes(action)) {
        throw new ApiError(
          'bad_request',
          `Invalid project action: ${action} (one of ${BULK_ACTIONS.join(', ')})`,
        );
      }
      engine.ensureConnected();
      const members = engine.containers.list().filter((c) => c.project === name);
      if (members.length === 0) throw new ApiError('not_found', `No compose project named ${name}`);
      return withProgress(request, reply, async (progress) => {
        const results = await Promise.all(
          members.map(async (c) => {
            try {
              const message = await credited(actions, request, c, action, () =>
                engine.act(c.id, action as BulkAction),
              );
              progress(message);
              return { id: c.id, name: c.name, ok: true, message };
            } catch (err) {
              const message = err instanceof EngineError ? err.message : String(err);
              progress(`${c.name}: ${message}`);
              return { id: c.id, name: c.name, ok: false, message };
            }
          }),
        );
        const failed = results.filter((r) => !r.ok).length;
        return { project: name, action, succeeded: results.length - failed, failed, results };
      });
    },
  );
};
