import { Closed, DateTime, Int, List, Pattern, Uuid, defineEvent } from '../../../infrastructure/event-store/typed-events';

/** Distinct routes kept per source network; past it, further routes are counted under ROUTES_OTHER. */
export const MAX_ROUTES = 16;
/** A route template as counted, e.g. "GET /v1/agreements". */
export const COUNTED_ROUTE = '^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|OTHER) /[A-Za-z0-9/:_.-]{0,120}$';

const Count = () => Int(1, 1_000_000_000);

export const NetworkRefusalsCounted = defineEvent(
  'NetworkRefusalsCounted',
  Closed({
    tallyId: Uuid(),
    sourceNetwork: Pattern('^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}0/24$|^[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/48$|^OTHER$|^UNKNOWN$'),
    from: DateTime(),
    until: DateTime(),
    count: Count(),
    routes: List(Closed({ route: Pattern(COUNTED_ROUTE), count: Count() }), { maxItems: MAX_ROUTES + 1 }),
  }),
  {
    version: 1,
    description: 'Requests from outside the closed network refused in one interval from one source network (/24 or /48), counted. Never a full address.',
  },
);

export const networkRefusalEvents = [NetworkRefusalsCounted] as const;
