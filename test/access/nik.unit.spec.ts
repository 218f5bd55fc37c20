import fc from 'fast-check';
import { checkNik, holderOrigin } from '../../src/modules/access/lookups/nik';
import { nik as validNik } from '../support/personal-data.arbitraries';

describe('Checking a NIK before asking the registry', () => {
  const now = new Date('2026-11-27T03:00:00Z'); // 27 November 2026, 10:00 WIB

  it('accepts every structurally valid NIK, men and women (+40) alike, reading the year as the latest past one', () => {
    fc.assert(
      fc.property(validNik, (nik) => {
        expect(checkNik(nik, now)).toBeNull();
      }),
    );
  });

  it.each([
    ['3313', 'NIK_NOT_16_DIGITS'],
    ['33130901019000011', 'NIK_NOT_16_DIGITS'],
    ['33130901019O0001', 'NIK_NOT_16_DIGITS'],
    ['9913090101900001', 'NIK_UNKNOWN_PROVINCE'],
    ['3313093002900001', 'NIK_INVALID_DATE'], // 30 February
    ['3313097002900001', 'NIK_INVALID_DATE'], // a woman born on 30 February
    ['3313090013900001', 'NIK_INVALID_DATE'], // day 0
    ['3313093112260001', null], // 31 December: 1926, a 99-year-old, not a birth next month
    ['3313090512260001', null], // 5 December 1926
    ['3313092711260001', null], // born today
    ['3313092902000001', null], // 29 February 2000 (a leap year)
    ['3313092902010001', 'NIK_INVALID_DATE'], // 29 February 2001 / 1901: neither exists
  ])('answers %s with %s', (nik, expected) => {
    expect(checkNik(nik, now)?.problem ?? null).toBe(expected);
  });

  it('counts holders registered in Karanganyar (33.13) as IN_REGENCY, everyone else as OUT_OF_REGENCY', () => {
    expect(holderOrigin('3313095512900002')).toBe('IN_REGENCY');
    expect(holderOrigin('3372015512900002')).toBe('OUT_OF_REGENCY');
    expect(holderOrigin('9171015512900002')).toBe('OUT_OF_REGENCY');
  });
});
