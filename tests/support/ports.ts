/** Free loopback ports: shared with `npm start` and the benchmark (scripts/lib/ports.ts). */
export { freePort } from '../../scripts/lib/ports.ts';
