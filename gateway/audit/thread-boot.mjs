// Worker-thread entry for TypeScript modules: Node does not hand a worker the parent's
// `--import tsx` loader, so the worker loads tsx's API and imports `workerData.module`.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.module, import.meta.url);
