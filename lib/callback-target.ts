import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Config } from '../domain/config';

/**
 * Whether Ringline may post outcome webhooks to a URL: a client's callback URL must not turn the
 * workers into a way into Ringline's own network (the database, Temporal, cloud metadata endpoints).
 * Checked when the URL is configured and again before every delivery, because a name can be pointed
 * at another address in between.
 */

export interface CallbackTargetPolicy {
  /** Loopback, private and link-local addresses allowed (local stacks and tests). */
  allowPrivateTargets: boolean;
  /** Plain http allowed besides https. */
  allowHttp: boolean;
}

export function callbackTargetPolicyOf(config: Pick<Config, 'OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS' | 'OUTCOME_WEBHOOK_ALLOW_HTTP'>): CallbackTargetPolicy {
  return { allowPrivateTargets: config.OUTCOME_WEBHOOK_ALLOW_PRIVATE_TARGETS, allowHttp: config.OUTCOME_WEBHOOK_ALLOW_HTTP };
}

export type CallbackTargetCheck = { ok: true } | { ok: false; reason: string };

/** Addresses nobody outside Ringline's own network should be able to reach through it. IPv4-mapped IPv6 addresses match the IPv4 rules. */
const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // NAT64 and 6to4 carry an IPv4 address inside: refused whole rather than unpacked.
  ['64:ff9b::', 96],
  ['2002::', 16],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL's scheme and form, without resolving its host. */
export function callbackUrlShapeProblem(raw: string, policy: CallbackTargetPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL';
  if (url.protocol === 'http:' && !policy.allowHttp) return 'must be an https URL';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials';
  return null;
}

/** Every address the host resolves to must be public (unless the policy allows private targets). */
export async function checkCallbackTarget(raw: string, policy: CallbackTargetPolicy): Promise<CallbackTargetCheck> {
  const problem = callbackUrlShapeProblem(raw, policy);
  if (problem) return { ok: false, reason: problem };
  if (policy.allowPrivateTargets) return { ok: true };
  const host = new URL(raw).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string }[];
  try {
    addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    return { ok: false, reason: 'its host does not resolve' };
  }
  if (addresses.length === 0) return { ok: false, reason: 'its host does not resolve' };
  if (addresses.some(({ address }) => isPrivateAddress(address))) {
    return { ok: false, reason: 'its host is a loopback, private or link-local address' };
  }
  return { ok: true };
}
