/**
 * The bus seam's public surface. Capabilities import the port types and `createBus` from here,
 * never an adapter file, so they run unchanged on the memory bus and on NATS.
 */
export { busDefaults } from './bus.js';
export type { Bus, BusMessage, ConsumeOptions, Consumer, StreamDef, Subscription } from './bus.js';
export { createBus, type CreateBusOptions } from './create-bus.js';
export { JsonText } from './json-payload.js';
export { MemoryBus, type MemoryBusOptions } from './memory/memory-bus.js';
export { NatsBus, type NatsBusOptions } from './nats/nats-bus.js';
export { subjectMatches } from './subject-pattern.js';
