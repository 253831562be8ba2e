/** Pure parts of the web app and of how dwi serves it. */
import { describe, expect, it } from 'vitest';
import { isNavigation, prefersHtml } from '../../src/server/http/webapp.js';
import type { Role } from '../../src/shared/auth.js';
import type { Container } from '../../src/shared/containers.js';
import {
  actionEntries,
  namedBy,
  projectPath,
  projectsOf,
} from '../../src/web/app/palette/entries.js';
import { actionsFor } from '../../src/web/lib/container-actions.js';
import {
  buildGroups,
  flatten,
  STANDALONE_KEY,
  type ViewOptions,
} from '../../src/web/features/containers/lib/view.js';
import { pathOf } from '../../src/web/lib/api.js';
import { applyChange } from '../../src/web/lib/container-state.js';
import { shortDuration } from '../../src/web/lib/format.js';

describe('serving the app', () => {
  it('knows a browser page load from an API call by its Accept header', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('text/html, application/json')).toBe(false);
    expect(prefersHtml('text/html;q=0, */*')).toBe(false);
    // The most specific match counts: JSON named at 0.5 beats */* at 1.
    expect(prefersHtml('text/html;q=0.8, application/json;q=0.5, */*')).toBe(true);
  });

  it('never takes an API path for a page', () => {
    const nav = (url: string, method = 'GET') =>
      isNavigation({ method, url, headers: { accept: 'text/html' } });
    expect(nav('/')).toBe(true);
    expect(nav('/containers/web?tab=logs')).toBe(true);
    expect(nav('/apis')).toBe(true);
    expect(nav('/api')).toBe(false);
    expect(nav('/api/containers')).toBe(false);
    expect(nav('/socket.io/?EIO=4')).toBe(false);
    expect(nav('/metrics')).toBe(false);
    expect(nav('/', 'POST')).toBe(false);
    expect(nav('/', 'HEAD')).toBe(true);
  });
});

const container = (name: string, fields: Partial<Container> = {}): Container => ({
  id: `${name}-id`.padEnd(64, '0'),
  name,
  image: 'busybox:1',
  image_id: 'sha256:1',
  status: 'running',
  state: 'running',
  created: '2026-11-29T10:00:00.000Z',
  ports: '',
  compose_project: 'Standalone Containers',
  compose_service: 'unknown',
  project: null,
  service: null,
  labels: {},
  started_at: '2026-11-29T10:00:01.000Z',
  finished_at: null,
  exit_code: null,
  health: null,
  ...fields,
});

describe('the container list view', () => {
  const shop = { project: 'shop', compose_project: 'Docker Compose: Shop' };
  const list = [
    container('solo'),
    container('shop-web', { ...shop, service: 'web', image: 'nginx:1' }),
    container('shop-db', { ...shop, service: 'db', state: 'stopped', status: 'exited' }),
    container('blog-app', { project: 'blog', service: 'app' }),
  ];
  const options: ViewOptions = { text: '', states: [], sort: { key: 'name', descending: false } };

  it('groups by project, standalone last, each group sorted', () => {
    const groups = buildGroups(list, options);
    expect(groups.map((g) => g.project)).toEqual(['blog', 'shop', null]);
    expect(groups[1]!.containers.map((c) => c.name)).toEqual(['shop-db', 'shop-web']);
    expect(groups[1]!.counts).toEqual({ running: 1, paused: 0, restarting: 0, stopped: 1 });
    const byState = buildGroups(list, { ...options, sort: { key: 'state', descending: false } });
    expect(byState[1]!.containers.map((c) => c.name)).toEqual(['shop-web', 'shop-db']);
    const descending = buildGroups(list, { ...options, sort: { key: 'name', descending: true } });
    expect(descending[1]!.containers.map((c) => c.name)).toEqual(['shop-web', 'shop-db']);
  });

  it('filters by every word in name, image, project or service, and by state', () => {
    const names = (text: string, states: ViewOptions['states'] = []) =>
      buildGroups(list, { ...options, text, states }).flatMap((g) =>
        g.containers.map((c) => c.name),
      );
    expect(names('shop')).toEqual(['shop-db', 'shop-web']);
    expect(names('NGINX')).toEqual(['shop-web']);
    expect(names('shop db')).toEqual(['shop-db']);
    expect(names('zzz')).toEqual([]);
    expect(names('', ['stopped'])).toEqual(['shop-db']);
    // Counts stay those of the whole group.
    expect(buildGroups(list, { ...options, text: 'web' })[0]!.total).toBe(2);
  });

  it('flattens groups into rows, collapsed groups without theirs', () => {
    const rows = flatten(buildGroups(list, options), new Set(['shop', STANDALONE_KEY]));
    expect(
      rows.map((r) => (r.kind === 'group' ? `[${r.group.project}]` : r.container.name)),
    ).toEqual(['[blog]', 'blog-app', '[shop]', '[null]']);
  });

  it('applies socket changes: add, replace, remove', () => {
    const added = applyChange(list, container('new'))!;
    expect(added.map((c) => c.name)).toContain('new');
    const stopped = applyChange(added, {
      ...container('new'),
      state: 'stopped',
      status: 'exited',
    })!;
    expect(stopped.find((c) => c.name === 'new')!.state).toBe('stopped');
    expect(stopped).toHaveLength(5);
    const removed = applyChange(stopped, { ...container('new'), state: 'deleted' })!;
    expect(removed.map((c) => c.name)).not.toContain('new');
    expect(applyChange(undefined, container('x'))).toBeUndefined();
  });

  it('offers the actions that fit the state, the main one first', () => {
    expect(actionsFor({ state: 'running' })[0]).toBe('stop');
    expect(actionsFor({ state: 'stopped' })[0]).toBe('start');
    expect(actionsFor({ state: 'paused' })[0]).toBe('unpause');
    expect(actionsFor({ state: 'stopped' })).not.toContain('pause');
  });
});

describe('web helpers', () => {
  it('fills path parameters, encoded', () => {
    expect(pathOf('/api/containers/{id}/{action}', { id: 'a/b', action: 'stop' })).toBe(
      '/api/containers/a%2Fb/stop',
    );
    expect(() => pathOf('/api/containers/{id}', {})).toThrow(/missing path parameter id/);
  });

  it('says durations in their largest unit', () => {
    expect(shortDuration(42_000)).toBe('42 s');
    expect(shortDuration(5 * 60_000 + 59_000)).toBe('5 min');
    expect(shortDuration(3 * 3_600_000)).toBe('3 h');
    expect(shortDuration(12 * 86_400_000)).toBe('12 d');
    expect(shortDuration(-5)).toBe('0 s');
  });
});

describe('the command palette', () => {
  const list = [
    container('web-1', { state: 'running', project: 'shop' }),
    container('db-1', { state: 'stopped', project: 'shop' }),
    container('myweb', { state: 'paused' }),
    ...Array.from({ length: 8 }, (_, i) => container(`webworker-${i}`, { state: 'running' })),
  ];

  it('offers the actions of the containers a search names, names starting with it first', () => {
    expect(namedBy(list, 'w')).toEqual([]); // one letter names too many
    expect(namedBy(list, 'WEB').map((c) => c.name)).toEqual([
      'web-1',
      'webworker-0',
      'webworker-1',
      'webworker-2',
      'webworker-3',
    ]);
    expect(namedBy(list, 'yweb').map((c) => c.name)).toEqual(['myweb']);
    const what = (search: string, role: Role) =>
      actionEntries(list, search, role).map((e) => `${e.action} ${e.container.name}`);
    expect(what('db-1', 'operator')).toEqual(['start db-1', 'restart db-1']);
    expect(what('myweb', 'admin')).toEqual(['unpause myweb', 'stop myweb']);
    // Nothing that loses anything: kill, rebuild and delete ask first, elsewhere.
    expect(what('web-1', 'admin')).toEqual(['restart web-1', 'stop web-1', 'pause web-1']);
    expect(what('web-1', 'viewer')).toEqual([]);
  });

  it('lists each compose project once, sorted', () => {
    expect(projectsOf([...list, container('api-1', { project: 'api' })])).toEqual(['api', 'shop']);
  });

  it("opens a project's own page, its label kept whole in the address", () => {
    expect(projectPath('shop')).toBe('/projects/shop');
    expect(projectPath('my shop/v2')).toBe('/projects/my%20shop%2Fv2');
  });
});
