/**
 * The audit query index's own thread (see index-thread.ts): one AuditIndex (SQLite)
 * that takes durable batches and answers the auditors' queries, in the order they were
 * posted — so a query always sees every batch posted before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AuditIndex } from './index-store.ts';
import type { IndexReply, IndexRequest } from './index-thread.ts';

const port = parentPort!;
const index = new AuditIndex((workerData as { path: string }).path);

port.on('message', (request: IndexRequest) => {
  if (request.op === 'addLines') {
    try {
      index.add(request.lines.map((line) => JSON.parse(line)));
    } catch (error) {
      port.postMessage({ kind: 'add-failed', message: (error as Error).message } satisfies IndexReply);
    }
    return;
  }
  try {
    port.postMessage({ kind: 'reply', id: request.id, ok: true, value: run(request) } satisfies IndexReply);
  } catch (error) {
    const { name, message } = error as Error;
    port.postMessage({ kind: 'reply', id: request.id, ok: false, error: { name, message } } satisfies IndexReply);
  }
  if (request.op === 'close') process.exit(0);
});

function run(request: Exclude<IndexRequest, { op: 'addLines' }>): unknown {
  switch (request.op) {
    case 'add':
      return index.add(request.entries);
    case 'lastSeq':
      return index.lastSeq(request.instance);
    case 'find':
      return index.find(request.query, request.first, request.after);
    case 'officers':
      return index.officers(request.query);
    case 'byAuditId':
      return index.byAuditId(request.auditId);
    case 'clear':
      return index.clear();
    case 'close':
      return index.close();
  }
}
