import { callbackUrlShapeProblem, checkCallbackTarget, isPrivateAddress } from '../../lib/callback-target';

const strict = { allowPrivateTargets: false, allowHttp: false };

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::7f00:1', true],
    ['2002:7f00:1::', true],
    ['2606:4700:4700::1111', false],
    ['not an address', true],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('callbackUrlShapeProblem', () => {
  it.each([
    ['https://hooks.example.com/ringline', strict, null],
    ['http://hooks.example.com/ringline', strict, 'must be an https URL'],
    ['http://hooks.example.com/ringline', { ...strict, allowHttp: true }, null],
    ['ftp://hooks.example.com/x', { ...strict, allowHttp: true }, 'must be an https URL'],
    ['https://user:pw@hooks.example.com/', strict, 'must not carry credentials'],
    ['not a url', strict, 'is not a URL'],
  ])('%s', (url, policy, problem) => {
    expect(callbackUrlShapeProblem(url, policy)).toBe(problem);
  });
});

describe('checkCallbackTarget', () => {
  it.each(['https://127.0.0.1/hook', 'https://[::1]/hook', 'https://localhost/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::ffff:7f00:1]/x'])(
    'refuses %s by default',
    async (url) => {
      expect(await checkCallbackTarget(url, strict)).toEqual({ ok: false, reason: 'its host is a loopback, private or link-local address' });
    },
  );

  it('allows a public address, and private ones when the policy says so', async () => {
    expect(await checkCallbackTarget('https://93.184.216.34/hook', strict)).toEqual({ ok: true });
    expect(await checkCallbackTarget('http://127.0.0.1:9/hook', { allowPrivateTargets: true, allowHttp: true })).toEqual({ ok: true });
  });

  it('refuses a host that does not resolve', async () => {
    expect(await checkCallbackTarget('https://no-such-host.invalid/hook', strict)).toEqual({ ok: false, reason: 'its host does not resolve' });
  });
});
