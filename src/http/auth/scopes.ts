/**
 * What a caller may do. Every route that is not public declares the one scope it needs in its
 * route config, so the permission sits beside the route and one hook checks them all.
 */

/** Every scope a caller can hold, in the order the README's table lists them. */
export const SCOPES = [
  'integrations:write',
  'integrations:read',
  'audit:read',
  'metrics:read',
] as const;

/** A permission: a caller needs the route's scope to call it. */
export type Scope = (typeof SCOPES)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a caller needs for this route; public routes declare none. */
    scope?: Scope;
  }
}

/** True for the names of scopes this service knows. */
export function isScope(name: string): name is Scope {
  return (SCOPES as readonly string[]).includes(name);
}
