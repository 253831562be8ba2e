/** A data_dir made ready for a test or benchmark run: user `admin` and an admin API token. */
import { sha256 } from '../src/server/auth/credentials.js';
import { Store } from '../src/server/store/index.js';

export function seedAdmin(dir: string, passwordHash: string, token: string): void {
  const store = Store.open(dir);
  try {
    store.addUser('admin', 'admin', passwordHash);
    store.addToken({
      id: 'seeded',
      name: 'seeded admin token',
      tokenHash: sha256(token),
      userId: store.user('admin')!.id,
      role: 'admin',
      expiresAt: null,
    });
  } finally {
    store.close();
  }
}
