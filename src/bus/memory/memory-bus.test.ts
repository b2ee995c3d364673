import { busConformance } from '../bus-conformance.js';
import { MemoryBus } from './memory-bus.js';

busConformance('memory', async () => new MemoryBus({ onError: () => {} }));
