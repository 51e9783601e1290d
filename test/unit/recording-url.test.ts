import { isAllowedRecordingUrl } from '../../domain/recording-url';

describe('isAllowedRecordingUrl', () => {
  const prefixes = ['https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/'];
  it.each([
    ['https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/acct/abc.mp3', true],
    ['https://S3-AP-SOUTHEAST-1.amazonaws.com/exotelrecordings/acct/abc.mp3', true],
    ['https://s3-ap-southeast-1.amazonaws.com/exotelrecordings/../evil/abc.mp3', false],
    ['https://s3-ap-southeast-1.amazonaws.com/otherbucket/abc.mp3', false],
    ['http://s3-ap-southeast-1.amazonaws.com/exotelrecordings/acct/abc.mp3', false],
    ['https://s3-ap-southeast-1.amazonaws.com.evil.test/exotelrecordings/abc.mp3', false],
    ['https://user@s3-ap-southeast-1.amazonaws.com/exotelrecordings/abc.mp3', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedRecordingUrl(url, prefixes)).toBe(allowed);
  });
});
