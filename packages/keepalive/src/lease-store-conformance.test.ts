/** The shared fencing suite (lease-store-conformance.ts) against the memory store. */

import { createMemoryLeaseStore } from './lease-store.js';
import { describeLeaseStoreFencing } from './lease-store-conformance.js';

describeLeaseStoreFencing('memory', (clock) => createMemoryLeaseStore({ clock }));
