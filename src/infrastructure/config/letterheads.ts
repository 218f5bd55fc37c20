import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import PDFDocument from 'pdfkit';

/**
 * The kop surat of the two offices that sign the documents (the semester report: Dinas Kesehatan; the
 * Bupati summary: Disdukcapil), and the regency's coat of arms beside it. Read from the environment in
 * loadConfig, once, at start-up.
 */

export interface Letterhead {
  /** Second line of the kop, in capitals, e.g. "DINAS KESEHATAN". */
  readonly office: string;
  /** Street, town and postcode, e.g. "Jalan Lawu Nomor 168, Karanganyar, Jawa Tengah 57712". */
  readonly address: string;
  readonly phone: string;
  readonly email: string;
  readonly website: string;
}

export interface Letterheads {
  readonly dinkes: Letterhead;
  readonly disdukcapil: Letterhead;
  /** The coat of arms (PNG or JPEG bytes), drawn left of the kop; absent: no image, the kop stays centred. */
  readonly logo?: { readonly file: string; readonly image: Buffer };
}

/*
 * Defaults: the addresses and telephone numbers are those the parties gave in the agreement itself (2022,
 * "berkedudukan di ..."); postcodes, e-mail addresses and websites follow the regency's domain but could not
 * be verified: docs/configuration.md asks for them to be set.
 */
export const DEFAULT_LETTERHEADS: Letterheads = {
  dinkes: {
    office: 'DINAS KESEHATAN',
    address: 'Jalan Lawu Nomor 168, Karanganyar, Jawa Tengah 57712',
    phone: '(0271) 495059',
    email: 'dinkes@karanganyarkab.go.id',
    website: 'dinkes.karanganyarkab.go.id',
  },
  disdukcapil: {
    office: 'DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL',
    address: 'Jalan Kapten Mulyadi, Cangkalan, Karanganyar, Jawa Tengah 57712',
    phone: '(0271) 495035',
    email: 'disdukcapil@karanganyarkab.go.id',
    website: 'disdukcapil.karanganyarkab.go.id',
  },
};

/** Thrown with the setting's name; config.ts turns it into its ConfigError. */
export class LetterheadSettingError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(problem);
  }
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/** One printable line: no control characters, at most `max` characters. */
function text(env: NodeJS.ProcessEnv, name: string, fallback: string, max = 120): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || value.length > max) throw new LetterheadSettingError(name, `must be one line of at most ${max} characters`);
  return value;
}

function logo(file: string | undefined): Letterheads['logo'] {
  if (!file) return undefined;
  let image: Buffer;
  try {
    if (!statSync(file).isFile()) throw new LetterheadSettingError('LETTERHEAD_LOGO_FILE', `${file} is not a file`);
    image = readFileSync(file);
  } catch (error) {
    if (error instanceof LetterheadSettingError) throw error;
    throw new LetterheadSettingError('LETTERHEAD_LOGO_FILE', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const is = (magic: Buffer) => image.subarray(0, magic.length).equals(magic);
  if (!is(PNG) && !is(JPEG)) throw new LetterheadSettingError('LETTERHEAD_LOGO_FILE', `${file} is not a PNG or JPEG image`);
  if (image.length > 2 * 1024 * 1024) throw new LetterheadSettingError('LETTERHEAD_LOGO_FILE', `${file} is larger than 2 MB`);
  try {
    // Decoded once here, as the renderers will: a damaged image stops the start, not every document.
    (new PDFDocument({ autoFirstPage: false }) as unknown as { openImage(src: Buffer): unknown }).openImage(image);
  } catch (error) {
    throw new LetterheadSettingError('LETTERHEAD_LOGO_FILE', `${file} cannot be read as an image (${(error as Error).message})`);
  }
  return { file: resolve(file), image };
}

export function loadLetterheads(env: NodeJS.ProcessEnv): Letterheads {
  const d = DEFAULT_LETTERHEADS;
  const logoImage = logo(env.LETTERHEAD_LOGO_FILE || undefined);
  return {
    dinkes: {
      office: text(env, 'LETTERHEAD_DINKES_OFFICE', d.dinkes.office),
      address: text(env, 'LETTERHEAD_DINKES_ADDRESS', d.dinkes.address),
      phone: text(env, 'LETTERHEAD_DINKES_PHONE', d.dinkes.phone, 60),
      email: text(env, 'LETTERHEAD_DINKES_EMAIL', d.dinkes.email, 80),
      website: text(env, 'LETTERHEAD_DINKES_WEBSITE', d.dinkes.website, 80),
    },
    disdukcapil: {
      office: text(env, 'LETTERHEAD_DUKCAPIL_OFFICE', d.disdukcapil.office),
      address: text(env, 'LETTERHEAD_DUKCAPIL_ADDRESS', d.disdukcapil.address),
      phone: text(env, 'LETTERHEAD_DUKCAPIL_PHONE', d.disdukcapil.phone, 60),
      email: text(env, 'LETTERHEAD_DUKCAPIL_EMAIL', d.disdukcapil.email, 80),
      website: text(env, 'LETTERHEAD_DUKCAPIL_WEBSITE', d.disdukcapil.website, 80),
    },
    ...(logoImage ? { logo: logoImage } : {}),
  };
}
