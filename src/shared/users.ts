/**
 * Users and API tokens over REST (admins only): the request and reply schemas the server
 * validates and serializes with and the web app types its calls from. Secrets (a generated
 * password, a new token) are in a reply once and never again: they are stored only as hashes.
 */
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN, USERNAME_RULE } from './auth.js';
import { RoleSchema } from './principal.js';

export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_TOKEN_DAYS = 3650;

const PasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH)
  .max(MAX_PASSWORD_LENGTH)
  .describe(
    `At least ${MIN_PASSWORD_LENGTH} characters; omitted: one is generated and answered once.`,
  );

export const UserSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  created_at: z.string(),
  tokens: z.int().describe('Live API tokens (neither revoked nor expired).'),
});
export type User = z.infer<typeof UserSchema>;

export const AddUserRequestSchema = z.strictObject({
  username: z.string().regex(USERNAME_PATTERN).describe(USERNAME_RULE),
  role: RoleSchema.default('viewer'),
  password: PasswordSchema.optional(),
});
export type AddUserRequest = z.input<typeof AddUserRequestSchema>;

export const AddedUserSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  password: z
    .string()
    .optional()
    .describe('The generated password, present only when none was given: shown this once.'),
});

export const SetRoleRequestSchema = z.strictObject({ role: RoleSchema });

export const RoleChangedSchema = z.object({ username: z.string(), role: RoleSchema });

export const ResetPasswordRequestSchema = z.strictObject({
  password: PasswordSchema.optional(),
  keep_tokens: z
    .boolean()
    .default(false)
    .describe(
      "Keep the user's API tokens (a routine change). By default they are revoked: a password is changed when someone else may know it, and could have made tokens with it.",
    ),
});
export type ResetPasswordRequest = z.input<typeof ResetPasswordRequestSchema>;

export const PasswordResetSchema = z.object({
  username: z.string(),
  tokens_revoked: z.boolean().describe("Whether the user's API tokens were revoked."),
  password: z
    .string()
    .optional()
    .describe('The generated password, present only when none was given: shown this once.'),
});

export const UserDeletedSchema = z.object({ username: z.string(), message: z.string() });

export const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string().describe('The user the token acts as.'),
  role: RoleSchema.describe("Its role; it acts with at most its user's current role."),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable().describe('To the minute.'),
});
export type Token = z.infer<typeof TokenSchema>;

export const CreateTokenRequestSchema = z.strictObject({
  name: z.string().min(1).max(100).optional().describe('Default: "<user> token".'),
  username: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('Whose token it is; default: the caller.'),
  role: RoleSchema.optional().describe("At most the user's role; default: the user's role."),
  expires_in_days: z
    .number()
    .positive()
    .max(MAX_TOKEN_DAYS)
    .nullable()
    .default(null)
    .describe('Days until it expires; null: never.'),
});
export type CreateTokenRequest = z.input<typeof CreateTokenRequestSchema>;

export const CreatedTokenSchema = TokenSchema.extend({
  token: z.string().describe('The secret (`dwi_...`): shown this once, stored only as a hash.'),
});

export const TokenRevokedSchema = z.object({ id: z.string(), message: z.string() });
