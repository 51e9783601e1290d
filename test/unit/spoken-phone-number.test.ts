import { spokenPhoneNumber } from '../../domain/phone-number';

describe('spokenPhoneNumber', () => {
  it.each([
    // stored number, as a voice reads it out (national form, digit by digit, a pause between groups)
    ['+919876543210', '0 9 8 7 6 5, 4 3 2 1 0'],
    ['+918045678901', '0 8 0, 4 5 6 7, 8 9 0 1'],
    ['+9118001234567', '1 8 0 0, 1 2 3, 4 5 6 7'],
    ['+18002752273', '8 0 0, 2 7 5, 2 2 7 3'],
    ['+442079460958', '0 2 0, 7 9 4 6, 0 9 5 8'],
    ['not a number', null],
    ['+91123', null],
    ['', null],
  ])('%s → %s', (e164, spoken) => {
    expect(spokenPhoneNumber(e164)).toBe(spoken);
  });
});
