/**
 * `npm run docs`: writes the generated reference documents of the checkout it runs in:
 * docs/settings.md, docs/api.md, docs/events.md and SECURITY.md's role matrix.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderSettingsDoc } from '../../config/help.js';
import { renderApiDoc } from './api-doc.js';
import { renderEventsDoc } from './events-doc.js';
import { openApiDocument } from './openapi-document.js';
import { renderRoleMatrix, spliceRoleMatrix } from './roles-doc.js';

const root = new URL('../../../../', import.meta.url);
const write = (path: string, text: string) => {
  writeFileSync(new URL(path, root), text);
  process.stdout.write(`wrote ${path}\n`);
};

const doc = await openApiDocument();
write('docs/settings.md', renderSettingsDoc());
write('docs/api.md', renderApiDoc(doc));
write('docs/events.md', renderEventsDoc());
const security = readFileSync(new URL('SECURITY.md', root), 'utf8');
write('SECURITY.md', spliceRoleMatrix(security, renderRoleMatrix(doc)));
