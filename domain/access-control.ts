/**
 * Who may do what (docs/security.md). Pure: the API's middleware asks `roleAllows`, and a test holds
 * each role to exactly its list.
 */

export const ROLES = ['admin', 'agent_manager', 'agent', 'api_client'] as const;
export type Role = (typeof ROLES)[number];

/** What an `api_client` does: place, schedule and cancel calls, run campaigns, read their status. */
const CALLING_PERMISSIONS = [
  'calls.place',
  'calls.read',
  'calls.cancel',
  'schedules.read',
  'schedules.write',
  'series.read',
  'series.write',
  'campaigns.read',
  'campaigns.write',
] as const;

/**
 * The organization's do-not-call list: any calling key may add a number (an opt-out heard by a client's
 * own system must stop calls at once); reading the list and taking a number off it are for managers.
 */
const DO_NOT_CALL_PERMISSIONS = ['dnc.read', 'dnc.add', 'dnc.remove'] as const;

export const PERMISSIONS = [
  ...CALLING_PERMISSIONS,
  ...DO_NOT_CALL_PERMISSIONS,
  'agents.read',
  'agents.write',
  'analytics.read',
  'keys.manage',
  'audit.read',
  /** Erasing every record of a phone number (DELETE /phone-numbers/:number). */
  'numbers.erase',
  /** Outcome webhooks: reading the settings and delivery attempts; changing the default URL and the signing secret. */
  'webhooks.read',
  'webhooks.manage',
  /**
   * The media servers' pool of provider connections: its status, starting and stopping it, and
   * measuring it against the providers. Operations, not an organization's data: the pool serves
   * every organization's calls.
   */
  'prewarming.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * A route's own authentication instead of a key: `public` answers anyone (`/health`, static dashboard
 * files that hold no data), `signed` checks a per-call HMAC or token itself (Exotel's webhooks and
 * Voicebot URL), `metrics` takes the metrics token, `session` is the dashboard's login and logout.
 */
export const OPEN_ACCESS = ['public', 'signed', 'metrics', 'session'] as const;
export type OpenAccess = (typeof OPEN_ACCESS)[number];
export type RouteAccess = Permission | OpenAccess;

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  agent_manager: [...CALLING_PERMISSIONS, ...DO_NOT_CALL_PERMISSIONS, 'agents.read', 'agents.write', 'analytics.read', 'webhooks.read'],
  // Read-only, and only the calls of the agents its key is bound to (the API narrows every query).
  agent: ['calls.read'],
  // A client that gives its calls callback URLs sees how their deliveries went; the signing secret stays with admins.
  api_client: [...CALLING_PERMISSIONS, 'dnc.add', 'webhooks.read'],
};

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isOpenAccess(access: RouteAccess): access is OpenAccess {
  return (OPEN_ACCESS as readonly string[]).includes(access);
}

/** Keys and sessions are refused once expired, whatever else holds. */
export function keyIsUsable(key: { revokedAt?: Date | null; expiresAt?: Date | null }, now: Date): boolean {
  if (key.revokedAt) return false;
  return !key.expiresAt || key.expiresAt.getTime() > now.getTime();
}

export const DEFAULT_ORG_ID = 'org_default';

/** What an authenticated request acts as. */
export interface Principal {
  keyId: string;
  orgId: string;
  role: Role;
  /** For the `agent` role: the agents whose calls it may read. */
  agentIds: string[];
  via: 'key' | 'session';
}

/** The query narrowing every read and write of a principal's records. */
export function scopeOf(principal: Pick<Principal, 'orgId' | 'role' | 'agentIds'>): { orgId: string; agentId?: { $in: string[] } } {
  return principal.role === 'agent' ? { orgId: principal.orgId, agentId: { $in: principal.agentIds } } : { orgId: principal.orgId };
}
