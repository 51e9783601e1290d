import { analyticsQuerySchema, trendsQuerySchema } from '../../domain/api-schemas/analytics';

const now = new Date('2026-11-23T10:30:00.000Z');

describe('analyticsQuerySchema', () => {
  it('fills in the last seven days', () => {
    expect(analyticsQuerySchema(now, 'UTC').parse({})).toEqual({
      from: new Date('2026-11-16T10:30:00.000Z'),
      to: now,
      agentId: undefined,
      campaignId: undefined,
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['from after to', { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 'from'],
    ['from in the future with to defaulting to now', { from: '2026-11-24T00:00:00Z' }, 'from'],
    ['not an instant', { from: 'yesterday' }, 'from'],
    ['no offset', { to: '2026-11-01T00:00:00' }, 'to'],
    ['bad agent id', { agentId: 'a b' }, 'agentId'],
    ['bad campaign id', { campaignId: '../x' }, 'campaignId'],
  ])('refuses %s', (_name, query, path) => {
    const result = analyticsQuerySchema(now, 'UTC').safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([path]);
  });

  it('accepts an empty period', () => {
    const query = analyticsQuerySchema(now, 'UTC').parse({ from: '2026-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z', agentId: 'agent_a' });
    expect(query.from).toEqual(query.to);
    expect(query.agentId).toBe('agent_a');
  });
});

describe('trendsQuerySchema', () => {
  it.each<[string, Record<string, string>, string]>([
    ['default range → day', {}, 'day'],
    ['one day → hour', { from: '2026-11-22T00:00:00Z', to: '2026-11-23T00:00:00Z' }, 'hour'],
    ['a year → week', { from: '2025-11-23T00:00:00Z', to: '2026-11-23T00:00:00Z' }, 'week'],
    ['explicit bucket wins', { bucket: 'week' }, 'week'],
  ])('%s', (_name, query, bucket) => {
    expect(trendsQuerySchema(now, 'UTC').parse(query).bucket).toBe(bucket);
  });

  it.each<[string, Record<string, string>]>([
    ['an unknown bucket', { bucket: 'minute' }],
    ['a year by hours', { from: '2025-11-23T00:00:00Z', to: '2026-11-23T00:00:00Z', bucket: 'hour' }],
    ['a thousand and one hours', { from: '2026-11-01T00:00:00Z', to: '2026-12-12T17:00:00Z', bucket: 'hour' }],
    ['twenty years by the default week', { from: '2006-11-23T00:00:00Z', to: '2026-11-23T00:00:00Z' }],
  ])('refuses %s', (_name, query) => {
    const result = trendsQuerySchema(now, 'UTC').safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['bucket']);
  });

  it('accepts exactly a thousand buckets', () => {
    expect(trendsQuerySchema(now, 'UTC').parse({ from: '2026-11-01T00:00:00Z', to: '2026-12-12T16:00:00Z', bucket: 'hour' }).bucket).toBe('hour');
  });
});
