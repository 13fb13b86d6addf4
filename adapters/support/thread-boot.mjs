// Worker-thread entry for an adapter's TypeScript module: Node does not hand a worker
// the parent's `--import tsx` loader (nor does vitest), so the worker loads tsx's API
// and imports `workerData.module`, which then reads the rest of `workerData`.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.module, import.meta.url);
