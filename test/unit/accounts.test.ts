import { describe, expect, it } from 'vitest';
import { parseAccountArgs } from '../../src/server/auth/accounts.js';

describe('dwi user/token arguments', () => {
  it('keep server flags apart from the command', () => {
    const { command, serverArgs } = parseAccountArgs([
      'token',
      'create',
      '--user',
      'alice',
      '--data-dir',
      '/srv/dwi',
    ]);
    expect(command.words).toEqual(['token', 'create']);
    expect(command.options.user).toBe('alice');
    expect(serverArgs).toEqual(['--data-dir', '/srv/dwi']);
  });

  it('read everything after -- as words, even what starts with "-"', () => {
    const { command, serverArgs } = parseAccountArgs(['token', 'revoke', '--', '-jKwIOZ3']);
    expect(command.words).toEqual(['token', 'revoke', '-jKwIOZ3']);
    expect(serverArgs).toEqual([]);
  });
});
