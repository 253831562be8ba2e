import { z } from 'zod';
import { ROLES } from './auth.js';

export const RoleSchema = z.enum(ROLES);

/** Who is asking, as routes and socket handlers see it. */
export const PrincipalSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  via: z
    .enum(['session', 'token', 'none'])
    .describe('How they proved it: a session cookie, an API token, or nothing (`auth none`).'),
});
export type Principal = z.infer<typeof PrincipalSchema>;
