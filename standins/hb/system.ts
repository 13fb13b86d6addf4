/**
 * HB's system as its own process (npm start runs it; HB's data itself is files):
 *   node --import tsx standins/hb/system.ts --data DIR [--every-seconds N]
 * runs HB's 協查 intake every N seconds (intake-loop.ts). Prints `HB intake running` when
 * ready; SIGTERM/SIGINT let a turn in progress finish its export, then exit.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runHbIntake } from './intake-loop.ts';
import { hbExportsDir } from './writer.ts';

function fail(message: string): never {
  process.stderr.write(`hb system: ${message}\n`);
  process.exit(2);
}

function options() {
  const { values } = parseArgs({
    options: { data: { type: 'string', default: '.data' }, 'every-seconds': { type: 'string', default: '5' } },
  });
  const every = Number(values['every-seconds']);
  if (!Number.isFinite(every) || every < 1 || every > 3600)
    fail(`--every-seconds "${values['every-seconds']}": expected a number of seconds from 1 to 3600`);
  if (!existsSync(hbExportsDir(values.data!)))
    fail(`--data "${values.data}": no HB exports at ${hbExportsDir(values.data!)}; run the generator first`);
  return { dataDir: values.data!, everyMs: every * 1000 };
}

const { dataDir, everyMs } = options();
const intake = runHbIntake({ dataDir, everyMs, log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write(`HB intake running (every ${everyMs / 1000} s, drop folder under ${dataDir})\n`);
const stop = () => void intake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
