/**
 * The generated reference documents are in step with their sources (regenerate with
 * `npm run docs`), and say what the sources say.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderApiDoc } from '../../src/server/app/reference/api-doc.js';
import { renderEventsDoc } from '../../src/server/app/reference/events-doc.js';
import {
  openApiDocument,
  type OpenApiDocument,
} from '../../src/server/app/reference/openapi-document.js';
import { renderRoleMatrix, roleMatrixIn } from '../../src/server/app/reference/roles-doc.js';
import { API } from '../../src/shared/api.js';
import { CLIENT_EVENT_DOCS, SERVER_EVENT_DOCS } from '../../src/shared/events.js';

let doc: OpenApiDocument;
beforeAll(async () => {
  doc = await openApiDocument();
});

describe('docs/api.md', () => {
  it('matches the OpenAPI document (regenerate with npm run docs)', () => {
    expect(readFileSync('docs/api.md', 'utf8')).toBe(renderApiDoc(doc));
  });

  it('has every operation of the API table, with its role and its own errors', () => {
    const text = renderApiDoc(doc);
    for (const [id, { method, path }] of Object.entries(API)) {
      expect(text).toContain(`### \`${method} ${path}\``);
      expect(text).toContain(`operationId \`${id}\``);
    }
    expect(text).toMatch(/operationId `deleteImage` · role \*\*admin\*\*/);
    expect(text).toMatch(/operationId `listContainers` · role \*\*viewer\*\*/);
    expect(text).toContain('`409` `conflict`: a container uses it');
  });
});

describe('docs/events.md', () => {
  it('matches the event table (regenerate with npm run docs)', () => {
    expect(readFileSync('docs/events.md', 'utf8')).toBe(renderEventsDoc());
  });

  it('has every event, each direction', () => {
    const text = renderEventsDoc();
    for (const event of [...Object.keys(CLIENT_EVENT_DOCS), ...Object.keys(SERVER_EVENT_DOCS)])
      expect(text).toContain(`### ${event}\n`);
    // A container payload is described field by field from the container schema.
    expect(text).toMatch(/### container_state_changed[\s\S]*\| `compose_project` /);
  });
});

describe("SECURITY.md's role matrix", () => {
  it('matches the route and event tables (regenerate with npm run docs)', () => {
    expect(roleMatrixIn(readFileSync('SECURITY.md', 'utf8'))).toBe(renderRoleMatrix(doc));
  });

  it('gives each request the role the server enforces', () => {
    const rows = renderRoleMatrix(doc)
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    // Requests: | request | what | least role | ...; events: | event | least role | ...
    const roleOf = (what: string) => {
      const row = rows.find((cells) => cells[1] === `\`${what}\``);
      return row?.[what.includes(' ') ? 3 : 2];
    };
    expect(roleOf('GET /api/health')).toBe('public');
    expect(roleOf('GET /api/containers')).toBe('viewer');
    expect(roleOf('POST /api/containers/{id}/stop')).toBe('operator');
    expect(roleOf('POST /api/containers/{id}/delete')).toBe('admin');
    expect(roleOf('GET /api/containers/{id}?secrets=show')).toBe('admin');
    expect(roleOf('POST /api/docker/prune/{kind}')).toBe('admin');
    expect(roleOf('exec_start')).toBe('admin');
    expect(roleOf('start_log_stream')).toBe('viewer');
  });
});
