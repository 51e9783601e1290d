import { isAllowedControlUrl } from '../../domain/media-control-url';

describe('isAllowedControlUrl', () => {
  const bases = ['http://127.0.0.1:3001', 'https://media-2.internal:8443/'];
  it.each([
    ['http://127.0.0.1:3001/control/end', true],
    ['https://media-2.internal:8443/control/end', true],
    ['http://127.0.0.1:3002/control/end', false],
    ['http://169.254.169.254/control/end', false],
    ['http://127.0.0.1:3001/greetings/prewarm', false],
    ['http://127.0.0.1:3001/control/end?x=1', false],
    ['http://user:pw@127.0.0.1:3001/control/end', false],
    ['https://127.0.0.1:3001/control/end', false],
    ['http://media-2.internal:8443/control/end', false],
    ['http://127.0.0.1:3001.evil.test/control/end', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedControlUrl(url, bases)).toBe(allowed);
  });
});
