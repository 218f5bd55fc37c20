/**
 * A deterministic synthetic population for the registry simulator: structurally valid NIKs (province,
 * regency, district, DDMMYY with +40 on the day for women, serial), about 5% registered outside
 * Karanganyar (some in Papua, whose NIKs exceed 2^53), some deceased. Same seed, same people.
 * Everyone here is invented; no real person's data is in this repository.
 */
import regency from '../../../reference/karanganyar.json';

export interface SimulatedPerson {
  readonly nik: string;
  readonly kk: string;
  readonly name: string;
  readonly female: boolean;
  readonly birthPlace: string;
  readonly birthDate: string;
  readonly occupation: string;
  readonly maritalStatus: string;
  readonly street: string;
  readonly rt: number;
  readonly rw: number;
  readonly village: string;
  readonly district: string;
  readonly regencyName: string;
  readonly provinceName: string;
  readonly deceased: boolean;
  /** Fields the real service sends beyond the agreed nine: the gateway must drop them. */
  readonly extra: Record<string, string | number>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MALE = ['AGUS', 'BUDI', 'DWI', 'EKO', 'HADI', 'JOKO', 'SLAMET', 'SUGENG', 'TRI', 'WAHYU', 'YUDI', 'BAMBANG'];
const FEMALE = ['ANI', 'DEWI', 'ENDANG', 'LESTARI', 'RATNA', 'SITI', 'SRI', 'TUTIK', 'WATI', 'YULI', 'NUR', 'RINI'];
const FAMILY = ['SANTOSO', 'WIBOWO', 'SETIAWAN', 'RAHAYU', 'PURNOMO', 'HANDAYANI', 'SUSANTO', 'WIDODO', 'LESTARI', 'PRASETYO'];
const OCCUPATIONS = [
  'BELUM/TIDAK BEKERJA',
  'MENGURUS RUMAH TANGGA',
  'PELAJAR/MAHASISWA',
  'PETANI/PEKEBUN',
  'WIRASWASTA',
  'KARYAWAN SWASTA',
  'PEDAGANG',
  'BURUH HARIAN LEPAS',
  'GURU',
  'PENSIUNAN',
];
const MARITAL = regency.maritalStatuses;
const RELIGIONS = ['ISLAM', 'KRISTEN', 'KATHOLIK', 'HINDU', 'BUDHA'];
const EDUCATION = ['TIDAK/BELUM SEKOLAH', 'SD/SEDERAJAT', 'SLTP/SEDERAJAT', 'SLTA/SEDERAJAT', 'DIPLOMA IV/STRATA I'];
/** Outside the regency: [province code, regency code, province, regency]. 91/92 give NIKs above 2^53. */
const ELSEWHERE: [string, string, string, string][] = [
  ['33', '72', 'JAWA TENGAH', 'KOTA SURAKARTA'],
  ['33', '11', 'JAWA TENGAH', 'SUKOHARJO'],
  ['35', '78', 'JAWA TIMUR', 'KOTA SURABAYA'],
  ['31', '74', 'DKI JAKARTA', 'KOTA JAKARTA SELATAN'],
  ['91', '71', 'PAPUA', 'KOTA JAYAPURA'],
  ['92', '02', 'PAPUA BARAT', 'MANOKWARI'],
];

const two = (n: number) => String(n).padStart(2, '0');

export function generatePopulation(size = 5000, seed = 20220916): SimulatedPerson[] {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const people: SimulatedPerson[] = [];
  const used = new Set<string>();
  while (people.length < size) {
    const outside = random() < 0.05;
    const district = pick(regency.districts);
    const [provinceCode, regencyCode, provinceName, regencyName] = outside
      ? pick(ELSEWHERE)
      : [regency.province.code, regency.regency.code.slice(2), regency.province.name, regency.regency.name];
    const districtCode = outside ? two(1 + Math.floor(random() * 20)) : district.code.slice(4);
    const female = random() < 0.5;
    const year = 1940 + Math.floor(random() * 84);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const serial = String(1 + Math.floor(random() * 9999)).padStart(4, '0');
    const nik = `${provinceCode}${regencyCode}${districtCode}${two(day + (female ? 40 : 0))}${two(month)}${two(year % 100)}${serial}`;
    if (used.has(nik)) continue;
    used.add(nik);
    const kk = `${provinceCode}${regencyCode}${districtCode}${String(Math.floor(random() * 1e10)).padStart(10, '0')}`;
    const first = pick(female ? FEMALE : MALE);
    people.push({
      nik,
      kk,
      name: `${first} ${pick(FAMILY)}`,
      female,
      birthPlace: outside ? regencyName.replace(/^KOTA /, '') : 'KARANGANYAR',
      birthDate: `${year}-${two(month)}-${two(day)}`,
      occupation: pick(OCCUPATIONS),
      maritalStatus: pick(MARITAL),
      street: `DUSUN ${pick(['KRAJAN', 'NGASEM', 'GONDANG', 'SUMBER', 'TEGALREJO'])}`,
      rt: 1 + Math.floor(random() * 9),
      rw: 1 + Math.floor(random() * 12),
      village: pick(['KARANGANYAR', 'BEJEN', 'TEGALGEDE', 'JATEN', 'NGRINGO', 'PUNDUNGREJO']),
      district: outside ? 'KECAMATAN LAIN' : district.name,
      regencyName,
      provinceName,
      deceased: random() < 0.02,
      extra: {
        AGAMA: pick(RELIGIONS),
        NAMA_LGKP_IBU: `${pick(FEMALE)} ${pick(FAMILY)}`,
        GOL_DARAH: pick(regency.bloodTypes),
        PDDK_AKH: pick(EDUCATION),
        EKTP_STATUS: 'SUDAH REKAM',
        STAT_HBKEL: pick(['KEPALA KELUARGA', 'ISTRI', 'ANAK']),
        NO_PROP: Number(provinceCode),
        NO_KAB: Number(regencyCode),
        NO_KEC: Number(districtCode),
        NAMA_LGKP_AYAH: `${pick(MALE)} ${pick(FAMILY)}`,
        DUSUN: 'KRAJAN',
        KODE_POS: 57700 + Math.floor(random() * 99),
      },
    });
  }
  return people;
}
