import { Closed, Int, OneOf, defineEvent } from '../../../infrastructure/event-store/typed-events';

/** The marker a finished first-start seed leaves (stream seed-karanganyar). */
export const RegistersSeeded = defineEvent('RegistersSeeded', Closed({ source: OneOf(['karanganyar.json']), facilities: Int(0, 100) }), { version: 1 });

export const seedEvents = [RegistersSeeded] as const;
