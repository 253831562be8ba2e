/**
 * Roles, weakest first: each may do what the ones before it may (README, Security). Plain
 * values, no schema library: the primary and the command line load this at every start.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** Whether `role` may do what `needed` allows. */
export const allows = (role: Role, needed: Role) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

/** A user name, as the command line and the users route take it. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const USERNAME_RULE =
  'a user name is 1-64 letters, digits, _ . @ -, starting with a letter or digit';

export const MIN_PASSWORD_LENGTH = 12;
