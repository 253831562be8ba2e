import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSettingsDoc } from '../../src/server/config/help.js';
import { SETTINGS } from '../../src/server/config/settings.js';
import { codeForStatus, ERROR_CODES } from '../../src/shared/errors.js';

describe('error codes', () => {
  it('map statuses back to a code of that status', () => {
    for (const { status } of Object.values(ERROR_CODES)) {
      expect(ERROR_CODES[codeForStatus(status)].status).toBe(status);
    }
  });

  it('are all documented in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(readme).toContain(`\`${code}\``);
  });
});

describe('settings', () => {
  it('have unique names, flags and env names', () => {
    const flags = SETTINGS.flatMap((s) => s.flags);
    const envs = SETTINGS.flatMap((s) => s.env);
    expect(new Set(SETTINGS.map((s) => s.name)).size).toBe(SETTINGS.length);
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(envs).size).toBe(envs.length);
  });

  it('accept their own defaults', () => {
    for (const setting of SETTINGS) {
      expect(() => (setting.convert as (v: unknown) => unknown)(setting.default)).not.toThrow();
    }
  });

  it('match docs/settings.md (regenerate with npm run docs:settings)', () => {
    expect(readFileSync('docs/settings.md', 'utf8')).toBe(renderSettingsDoc());
  });
});
