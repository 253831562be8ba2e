import { z } from 'zod';

/** Roles, weakest first: each may do what the ones before it may (README, Security). */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);

export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** Whether `role` may do what `needed` allows. */
export const allows = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** Who is asking, as routes and socket handlers see it. */
export const PrincipalSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  via: z
    .enum(['session', 'token', 'none'])
    .describe('How they proved it: a session cookie, an API token, or nothing (`auth none`).'),
});
export type Principal = z.infer<typeof PrincipalSchema>;
