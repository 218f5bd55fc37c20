import type { TProperties } from '@sinclair/typebox';
import type { EventData } from '../../../infrastructure/event-store/event-store.port';
import { Closed, Pattern, defineEvent, type TClosed, type TypedEventDefinition } from '../../../infrastructure/event-store/typed-events';

/**
 * Who did an administrative act: an operator's id, or one of three non-person actors:
 * SEED (the first start's registers, the 2022 agreement signed by both parties that year, the first
 * accounts), OFFLINE_RECOVERY (`npm run cli -- admin:reset` on the host), UNRECORDED (an event stored
 * before actors were recorded).
 */
export const SEED_ACTOR = 'SEED';
export const OFFLINE_RECOVERY_ACTOR = 'OFFLINE_RECOVERY';
export const UNRECORDED_ACTOR = 'UNRECORDED';

/** An actor's id in events: a canonical UUID (version and variant set), as operator ids are (the privacy guard treats only those as opaque ids), or a non-person actor. */
export const ActorId = () =>
  Pattern(`^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|${SEED_ACTOR}|${OFFLINE_RECOVERY_ACTOR}|${UNRECORDED_ACTOR})$`);

/** The two parties of the agreement, and who administers whose accounts. */
export const PARTIES = ['DINKES', 'DISDUKCAPIL'] as const;
export type Party = (typeof PARTIES)[number];

const PARTY_OF_ROLE: Record<string, Party> = {
  DINKES_ADMIN: 'DINKES',
  PUSKESMAS_OPERATOR: 'DINKES',
  DUKCAPIL_AUDITOR: 'DISDUKCAPIL',
  // Disdukcapil reports to the Bupati (Pasal 9(4)): it administers the Bupati's office accounts.
  BUPATI_OFFICE: 'DISDUKCAPIL',
};
export const partyOfRole = (role: string): Party => PARTY_OF_ROLE[role]!;

/** The role that administers a party's accounts and signs for it. */
export const ADMINISTRATOR_ROLE: Record<Party, 'DINKES_ADMIN' | 'DUKCAPIL_AUDITOR'> = { DINKES: 'DINKES_ADMIN', DISDUKCAPIL: 'DUKCAPIL_AUDITOR' };
export const isAdministrator = (role: string) => role === 'DINKES_ADMIN' || role === 'DUKCAPIL_AUDITOR';

/** The acting party and person of a command. */
export interface Actor {
  readonly actorId: string;
  readonly role: string;
}

/**
 * The next schema version of an administrative event: the same fields plus a required `actorId`.
 * Events stored at the previous version read as acted by UNRECORDED.
 */
export function withActor<T extends string, P extends TProperties>(definition: TypedEventDefinition<T, TClosed<P>>) {
  const previous = definition.version;
  return defineEvent(definition.type, Closed({ ...definition.schema.properties, actorId: ActorId() }), {
    version: previous + 1,
    upcasters: { ...definition.upcasters, [previous]: (data: EventData) => ({ ...data, actorId: UNRECORDED_ACTOR }) },
    description: definition.description,
  });
}
