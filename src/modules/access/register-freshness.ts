import type { RecheckedCacheOptions } from '../../infrastructure/freshness/rechecked-cache';

/**
 * How fresh the register state behind each request must be (REGISTER_RECHECK_MS): agreements, Puskesmas,
 * card readers, operators and sessions are held in memory and rechecked when older than this.
 */
export type RegisterFreshness = Pick<RecheckedCacheOptions<unknown>, 'recheckMs' | 'clock'>;
export const REGISTER_FRESHNESS = Symbol('REGISTER_FRESHNESS');
