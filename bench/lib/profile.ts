/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function,
 * grouped by function name and source location, largest first, as shares of the
 * sampled time. Node_modules paths are shortened to the package, so the report says
 * which library the time went to. Shares are of busy time: `(idle)` samples (the
 * process waiting for I/O) are left out, so the figures say where the CPU went; so are
 * the first `skipMs` of the profile (start-up: loading modules, composing the supergraph).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Frames with no script: GC, the VM itself, native bindings such as writev. */
const NATIVE = '(native)';

export interface HotFunction {
  fn: string;
  where: string;
  selfMs: number;
  share: number;
}

export function where(url: string, line: number): string {
  if (!url) return NATIVE;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0)
    return url
      .slice(nm + 'node_modules/'.length)
      .split('/')
      .slice(0, 3)
      .join('/');
  const work = url.indexOf('/main/');
  return `${work >= 0 ? url.slice(work + 6) : url}:${line + 1}`;
}

export function hotFunctions(file: string, top = 15, skipMs = 0): HotFunction[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  let clock = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    clock += us;
    if (clock < skipMs * 1000) return;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    const key = `${functionName || '(anonymous)'}\t${where(url, lineNumber)}`;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn, at] = key.split('\t');
      return { fn, where: at, selfMs: us / 1000, share: us / total };
    });
}

/** Self time per package / source folder: which layer the gateway's CPU goes to. */
export function hotPackages(file: string, top = 12, skipMs = 0): { where: string; share: number }[] {
  const fns = hotFunctions(file, Number.MAX_SAFE_INTEGER, skipMs);
  const by = new Map<string, number>();
  for (const f of fns) {
    // Native frames are grouped by what they are (GC, program, writev…), code by package or folder.
    const key = f.where === NATIVE ? f.fn : f.where.replace(/:\d+$/, '').split('/').slice(0, 2).join('/');
    by.set(key, (by.get(key) ?? 0) + f.share);
  }
  return [...by.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([w, share]) => ({ where: w, share }));
}

export function profilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f));
}
