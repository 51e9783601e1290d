import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, keyIsUsable, roleAllows, scopeOf, type Permission, type Role } from '../../domain/access-control';

/** The seeds' security design, written out permission by permission: each role exactly its list. */
const EXPECTED: Record<Role, Permission[]> = {
  admin: [...PERMISSIONS],
  agent_manager: [
    'calls.place', 'calls.read', 'calls.cancel', 'schedules.read', 'schedules.write', 'series.read', 'series.write',
    'campaigns.read', 'campaigns.write', 'dnc.read', 'dnc.add', 'dnc.remove', 'agents.read', 'agents.write', 'analytics.read', 'webhooks.read',
  ],
  agent: ['calls.read'],
  api_client: [
    'calls.place', 'calls.read', 'calls.cancel', 'schedules.read', 'schedules.write', 'series.read', 'series.write',
    'campaigns.read', 'campaigns.write', 'dnc.add', 'webhooks.read',
  ],
};

describe('roleAllows', () => {
  const cases = ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission, EXPECTED[role].includes(permission)] as const));
  it.each(cases)('%s may %s: %s', (role, permission, allowed) => {
    expect(roleAllows(role, permission)).toBe(allowed);
  });

  it('lists each role with exactly its permissions', () => {
    for (const role of ROLES) expect([...ROLE_PERMISSIONS[role]].sort()).toEqual([...EXPECTED[role]].sort());
  });

  it('keeps keys, the audit trail and the connection pool to admins', () => {
    expect(ROLES.filter((role) => roleAllows(role, 'keys.manage'))).toEqual(['admin']);
    expect(ROLES.filter((role) => roleAllows(role, 'audit.read'))).toEqual(['admin']);
    expect(ROLES.filter((role) => roleAllows(role, 'numbers.erase'))).toEqual(['admin']);
    expect(ROLES.filter((role) => roleAllows(role, 'webhooks.manage'))).toEqual(['admin']);
    expect(ROLES.filter((role) => roleAllows(role, 'prewarming.manage'))).toEqual(['admin']);
  });
});

describe('keyIsUsable', () => {
  const now = new Date('2026-12-04T12:00:00Z');
  it.each([
    ['no expiry, not revoked', {}, true],
    ['expires later', { expiresAt: new Date('2026-12-05T00:00:00Z') }, true],
    ['expired', { expiresAt: new Date('2026-12-04T11:59:59Z') }, false],
    ['expires this instant', { expiresAt: now }, false],
    ['revoked', { revokedAt: new Date('2026-12-01T00:00:00Z') }, false],
    ['revoked, expiry later', { revokedAt: new Date('2026-12-01T00:00:00Z'), expiresAt: new Date('2027-01-01T00:00:00Z') }, false],
  ])('%s → %s', (_label, key, usable) => {
    expect(keyIsUsable(key, now)).toBe(usable);
  });
});

describe('scopeOf', () => {
  it('narrows an agent key to its agents, every other role to its organization', () => {
    expect(scopeOf({ orgId: 'org_a', role: 'agent', agentIds: ['agent_x'] })).toEqual({ orgId: 'org_a', agentId: { $in: ['agent_x'] } });
    expect(scopeOf({ orgId: 'org_a', role: 'agent', agentIds: [] })).toEqual({ orgId: 'org_a', agentId: { $in: [] } });
    for (const role of ['admin', 'agent_manager', 'api_client'] as const) expect(scopeOf({ orgId: 'org_b', role, agentIds: ['agent_x'] })).toEqual({ orgId: 'org_b' });
  });
});
