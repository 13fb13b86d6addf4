/**
 * The `executor` section of `config/gateway.json`: which query-plan executor runs the
 * plans @apollo/gateway's planner makes.
 *
 *   "executor": {
 *     "engine": "liandong"   // the compiled executor (default); "apollo": @apollo/gateway's own
 *   }
 *
 * Both give the same response byte for byte (executor.test.ts runs them side by side);
 * "apollo" is there to rule the executor out when chasing a problem.
 */
import { object, oneOf, onlyKeys, optional } from '../../config/check.ts';
import { section } from '../../config/section.ts';

export const ENGINES = ['liandong', 'apollo'] as const;
export type Engine = (typeof ENGINES)[number];

export interface ExecutorConfig {
  engine: Engine;
}

export const executorSection = section({
  key: 'executor',
  validate(raw, at): ExecutorConfig {
    const obj = raw === undefined ? {} : object(raw, at);
    onlyKeys(obj, ['engine'], at);
    return { engine: optional(obj.engine, 'liandong' as Engine, (v) => oneOf(v, ENGINES, at.key('engine'))) };
  },
});
