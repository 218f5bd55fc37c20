import type { Projection } from '../../infrastructure/projections/projection';
import { AccessRegistersProjection } from './registers.projection';

/** The access module's read models: the registers behind the GET routes. */
export function accessProjections(): Projection[] {
  return [new AccessRegistersProjection()];
}
