import fc from 'fast-check';

/** Province codes that exist (BPS); NIKs from 91/92 (Papua) exceed 2^53 as numbers. */
const PROVINCES = [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 94];

const two = (n: number) => String(n).padStart(2, '0');

/** A structurally valid NIK: province, regency, district, DDMMYY (+40 on the day for women), serial. */
export const nik = fc
  .record({
    province: fc.constantFrom(...PROVINCES),
    regency: fc.integer({ min: 1, max: 79 }),
    district: fc.integer({ min: 1, max: 40 }),
    day: fc.integer({ min: 1, max: 28 }),
    month: fc.integer({ min: 1, max: 12 }),
    year: fc.integer({ min: 0, max: 99 }),
    female: fc.boolean(),
    serial: fc.integer({ min: 1, max: 9999 }),
  })
  .map(
    (p) =>
      `${two(p.province)}${two(p.regency)}${two(p.district)}${two(p.day + (p.female ? 40 : 0))}${two(p.month)}${two(p.year)}${String(p.serial).padStart(4, '0')}`,
  );

/** A KK (family card) number has the same 16-digit shape. */
export const kk = nik;

/** Separators people (and scripts) put between digit groups, visible or not. */
const separator = fc.constantFrom(' ', '.', '-', '/', '_', ', ', '  ', ' - ', '\u00a0', '\u2013', '\t', '\n', '\u200b', '');

/** A NIK cut into groups at random places, joined by random separators. */
const separated = fc
  .tuple(nik, fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { maxLength: 5 }), fc.array(separator, { minLength: 5, maxLength: 5 }))
  .map(([n, cuts, seps]) => {
    const points = [...cuts].sort((a, b) => a - b);
    let out = '';
    let from = 0;
    points.forEach((p, i) => {
      out += n.slice(from, p) + seps[i];
      from = p;
    });
    return out + n.slice(from);
  });

const FULL_WIDTH_ZERO = 0xff10;

/** Every way a NIK or KK might be written into a field. */
export const personalValue: fc.Arbitrary<unknown> = fc.oneof(
  nik,
  separated,
  nik.map((n) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}.${n.slice(6, 12)}.${n.slice(12)}`),
  nik.map((n) => [...n].map((d) => String.fromCharCode(FULL_WIDTH_ZERO + Number(d))).join('')), // full-width digits
  nik.map((n) => `${n.slice(0, 8)}-${n.slice(8, 12)}-${n.slice(12)}-4000-800000000000`), // laid out like a UUID
  nik.map((n) => Number(n)),
  nik.map((n) => BigInt(n)),
  fc.tuple(fc.constantFrom('NIK ', 'KK: ', 'no ', ''), separated, fc.constantFrom('', ' ok', '/x')).map(([a, n, b]) => `${a}${n}${b}`),
);
