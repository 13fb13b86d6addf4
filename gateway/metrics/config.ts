/**
 * The `metrics` section of config/gateway.json, with its defaults.
 *
 * ```json
 * "metrics": {
 *   "operationNames": ["CrossRegionPerson", "PatrolCheck"],
 *   "operationNameOfficers": 3,
 *   "maxOperationNames": 200
 * }
 * ```
 * `operationNames` are the client apps' registered operations: labelled from the first
 * request. Any other name gets a label of its own once `operationNameOfficers` distinct
 * officers have sent it, up to `maxOperationNames` such names; until then it is counted
 * as `other` (why: operation-labels.ts).
 */
import { ConfigPath, array, integer, object, onlyKeys, optional, string } from '../config/check.ts';
import { section } from '../config/section.ts';
import { OPERATION_LABEL_DEFAULTS } from './operation-labels.ts';

export interface MetricsConfig {
  operationNames: string[];
  operationNameOfficers: number;
  maxOperationNames: number;
}

const GRAPHQL_NAME = { re: /^[_A-Za-z][_0-9A-Za-z]{0,63}$/, what: 'a GraphQL operation name of at most 64 characters' };

export function validateMetricsConfig(raw: unknown, at: ConfigPath = new ConfigPath('config/gateway.json').key('metrics')): MetricsConfig {
  const obj = raw === undefined ? {} : object(raw, at);
  onlyKeys(obj, ['operationNames', 'operationNameOfficers', 'maxOperationNames'], at);
  return {
    operationNames: optional(obj.operationNames, [], (v) =>
      array(v, at.key('operationNames')).map((name, i) => string(name, at.key('operationNames').index(i), GRAPHQL_NAME)),
    ),
    operationNameOfficers: optional(obj.operationNameOfficers, OPERATION_LABEL_DEFAULTS.minOfficers, (v) =>
      integer(v, at.key('operationNameOfficers'), { min: 1, max: 1000 }),
    ),
    maxOperationNames: optional(obj.maxOperationNames, OPERATION_LABEL_DEFAULTS.maxNames, (v) =>
      integer(v, at.key('maxOperationNames'), { min: 1, max: 10_000 }),
    ),
  };
}

export const metricsSection = section({
  key: 'metrics',
  validate: (raw, at) => validateMetricsConfig(raw, at),
});
