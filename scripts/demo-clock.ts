/**
 * Preloaded into the demo's gateway only (`node --require dist/scripts/demo-clock.js`), never part of the
 * gateway: the demo moves this process's clock through the semester, so the events it records carry the
 * office days and hours they would have had. DEMO_CLOCK_START is where the clock starts; the demo then sends
 * `{ demoClock: ISO | null }` over IPC (null: the real time again) and waits for the answer before its next
 * request, so each request is dated as the demo meant. The projection worker keeps the real clock.
 */
const start = process.env.DEMO_CLOCK_START;
if (start && process.send && /main\.js$/.test(process.argv[1] ?? '')) {
  const RealDate = Date;
  let offset = RealDate.parse(start) - RealDate.now();
  // A function, not a class: `Date()` without new must still work; instances stay real Dates.
  const DemoDate = function (this: unknown, ...args: any[]) {
    if (!new.target) return new RealDate(RealDate.now() + offset).toString();
    return args.length === 0 ? new RealDate(RealDate.now() + offset) : new (RealDate as any)(...args);
  } as unknown as DateConstructor;
  Object.defineProperty(DemoDate, 'prototype', { value: RealDate.prototype });
  Object.assign(DemoDate, { now: () => RealDate.now() + offset, parse: RealDate.parse, UTC: RealDate.UTC });
  globalThis.Date = DemoDate;
  process.on('message', (message: { demoClock?: string | null }) => {
    if (!message || !('demoClock' in message)) return;
    offset = message.demoClock ? RealDate.parse(message.demoClock) - RealDate.now() : 0;
    process.send!({ demoClockSet: message.demoClock });
  });
  process.channel?.unref(); // the gateway's own work keeps it running, not this channel
}
