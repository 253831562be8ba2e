/**
 * Secrets: passwords hashed with argon2id (slow on purpose: a stolen database does not give
 * them away), and session ids and API tokens as random strings stored only as their SHA-256
 * (they are long and random, so a fast hash is enough, and lookups stay cheap).
 */
import { createHash, randomBytes } from 'node:crypto';

/** OWASP's minimum parameters for argon2id (the library's default algorithm): 19 MiB, 2 passes. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Loaded on first use: it costs each process about 6 MB, and only logins need it. */
const argon2 = () => import('@node-rs/argon2');

export const hashPassword = async (password: string): Promise<string> =>
  (await argon2()).hash(password, ARGON2);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  const { verify } = await argon2();
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed hash verifies nothing
  }
}

/** A hash to verify against when the user does not exist: the answer takes as long. */
let decoy: Promise<string> | undefined;
export const decoyHash = () => (decoy ??= hashPassword(randomBytes(16).toString('hex')));

export const randomSecret = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A password people can type: 20 characters from an unambiguous alphabet (about 100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

/** An API token: `dwi_` and 43 random characters; shown once, stored as its hash. */
export const newApiToken = () => `dwi_${randomSecret()}`;

export { MIN_PASSWORD_LENGTH } from '../../shared/auth.js';
