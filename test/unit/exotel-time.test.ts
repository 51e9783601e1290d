import { exotelTimeToIso } from '../../domain/exotel-time';

describe('exotelTimeToIso', () => {
  it.each([
    ['2026-12-06 09:18:36', '2026-12-06T03:48:36.000Z'],
    ['2026-12-06 00:10:00', '2026-12-05T18:40:00.000Z'],
    ['2026-12-06T09:18:36+05:30', '2026-12-06T03:48:36.000Z'],
    ['2026-12-06T03:48:36Z', '2026-12-06T03:48:36.000Z'],
    ['', null],
    ['yesterday', null],
  ])('reads %j as %j', (exotelTime, iso) => {
    expect(exotelTimeToIso(exotelTime)).toBe(iso);
  });
});
