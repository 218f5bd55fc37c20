import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * What a new password must not be (NIST SP 800-63B 3.1.1.2): 12 to 128 characters, not one of the
 * commonly used passwords, not the user id nor containing it, not one character repeated. No rules on
 * character classes (NIST advises against them). Checked on every password set: enrolment, a change of
 * one's own, an administrator's reset, and INITIAL_ADMIN_PASSWORD.
 *
 * The common passwords are zxcvbn-ts's list (@zxcvbn-ts/language-common, MIT, ~49,000 passwords ranked by
 * frequency in leaked password sets): a data-only package, well kept and widely used.
 */
export type PasswordProblem = 'PASSWORD_LENGTH' | 'PASSWORD_TOO_COMMON' | 'PASSWORD_CONTAINS_USER_ID' | 'PASSWORD_REPEATED_CHARACTER';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export const PASSWORD_PROBLEMS: Record<PasswordProblem, string> = {
  PASSWORD_LENGTH: `A password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
  PASSWORD_TOO_COMMON: 'This password is one of the most commonly used ones; choose another.',
  PASSWORD_CONTAINS_USER_ID: 'A password must not contain the user id.',
  PASSWORD_REPEATED_CHARACTER: 'A password must not be one character repeated.',
};

/** The first rule a password breaks, or null when it may be used. */
export function passwordProblem(password: string, userId: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) return 'PASSWORD_LENGTH';
  const graphemes = [...segmenter.segment(password)].map((g) => g.segment);
  if (graphemes.every((g) => g === graphemes[0])) return 'PASSWORD_REPEATED_CHARACTER';
  const lower = password.toLowerCase();
  if (userId && lower.includes(userId.toLowerCase())) return 'PASSWORD_CONTAINS_USER_ID';
  // A common password with digits or symbols added at its end ("leavemealone2024!") is still that password.
  for (let candidate = lower; ; candidate = candidate.slice(0, -1)) {
    if (COMMON.has(candidate)) return 'PASSWORD_TOO_COMMON';
    if (candidate.length <= 4 || /\p{L}$/u.test(candidate)) break;
  }
  return null;
}
