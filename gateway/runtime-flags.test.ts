import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_NODE_FLAGS } from './runtime-flags.ts';

const ROOT = new URL('../', import.meta.url);

/** The node command line of the gateway in a Docker file: the JSON array after `key`, on the line that starts gateway/main.ts. */
function gatewayCommand(file: string, key: RegExp): string[] {
  const line = readFileSync(new URL(file, ROOT), 'utf8')
    .split('\n')
    .find((l) => key.test(l) && l.includes('"gateway/main.ts"'));
  if (!line) throw new Error(`${file}: no line starting gateway/main.ts after ${key}`);
  return JSON.parse(line.slice(line.indexOf('[')));
}

describe('the gateway is started with its node flags everywhere', () => {
  it('names only flags node accepts before the entry point', () => {
    for (const flag of GATEWAY_NODE_FLAGS) expect(flag).toMatch(/^--[a-z-]+(=\S+)?$/);
  });

  it.each([
    ['docker-compose.yml', /^\s*command:/],
    ['docker/Dockerfile', /^CMD /],
  ])('%s starts gateway/main.ts with GATEWAY_NODE_FLAGS before tsx', (file, key) => {
    const command = gatewayCommand(file, key);
    expect(command[0]).toBe('node');
    const entry = command.indexOf('--import');
    expect(entry).toBeGreaterThan(0);
    expect(command.slice(1, entry)).toEqual([...GATEWAY_NODE_FLAGS]);
  });
});
