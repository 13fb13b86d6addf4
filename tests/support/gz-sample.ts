/** Test support: the GZ sample data in a temp dir, served by a real stand-in process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGzStandin, type GzStandin } from '../../standins/gz/process.ts';
import { writeGzSample, type SampleSizes } from '../../standins/gz/sample.ts';

export interface GzSampleService {
  dataDir: string;
  sizes: SampleSizes;
  standin: GzStandin;
  /** POST to the stand-in's /admin surface; returns `data` of its envelope. */
  admin(name: string, body: unknown): Promise<unknown>;
  /** Stop the stand-in (if still running) and delete the data. */
  close(): Promise<void>;
}

export async function startGzSample(persons: number, latencyMs = 0): Promise<GzSampleService> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'liandong-gz-'));
  const sizes = await writeGzSample(dataDir, persons);
  const service: GzSampleService = {
    dataDir,
    sizes,
    standin: await startGzStandin({ dataDir, latencyMs }),
    async admin(name, body) {
      const response = await fetch(`${service.standin.url}/admin/${name}`, { method: 'POST', body: JSON.stringify(body) });
      const envelope = (await response.json()) as { code: number; msg: string; data: unknown };
      if (envelope.code !== 0) throw new Error(`GZ admin ${name}: ${envelope.msg}`);
      return envelope.data;
    },
    async close() {
      await service.standin.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return service;
}
