/**
 * What a client (the gateway) sees when something goes wrong, in one place.
 *
 * Resolvers throw what they naturally throw — NormalisationError from the shared
 * normalisers, AdapterError from the adapter, GraphQLError for argument checks — and
 * Apollo Server's `formatError` hook maps each to a stable `extensions.code` here.
 * Anything unexpected becomes INTERNAL_SERVER_ERROR with a fixed message: the original
 * text may hold SQL, file paths or upstream addresses, so it goes to the log only.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AdapterError } from '../adapters/adapter.ts';
import { NormalisationError } from '../common/normalise/index.ts';
import type { Logger } from './logger.ts';

/** Stable `extensions.code` values this subgraph sends. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  REGION_UNAVAILABLE: 'REGION_UNAVAILABLE',
  REGION_BAD_DATA: 'REGION_BAD_DATA',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** An argument the caller got wrong; `field` names the argument, `reason` the kind of problem. */
export function badUserInput(field: string, reason: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, field, reason } });
}

interface ClientError {
  message: string;
  extensions: Record<string, unknown>;
}

function fromAdapterError(error: AdapterError): ClientError {
  const region = error.region;
  switch (error.kind) {
    case 'BAD_INPUT':
      // The adapter's message is about the caller's own input: safe and useful to show.
      return { message: error.message, extensions: { code: ErrorCode.BAD_USER_INPUT, region } };
    case 'UNAVAILABLE':
      return { message: `Region ${region} is unavailable`, extensions: { code: ErrorCode.REGION_UNAVAILABLE, region } };
    case 'BAD_SOURCE_DATA':
      return { message: `Region ${region} answered with malformed data`, extensions: { code: ErrorCode.REGION_BAD_DATA, region } };
    // A write's refusal by the regional system itself, about the caller's own request: safe to show.
    case 'NOT_FOUND':
      return { message: error.message, extensions: { code: 'NOT_FOUND', region } };
    case 'CONFLICT':
      return { message: error.message, extensions: { code: 'CONFLICT', region } };
  }
}

/**
 * The client-facing form of a non-GraphQL error, or null when it is unexpected.
 * Exported so plugins (disclosure log, metrics) classify errors exactly as clients see them.
 */
export function classifyError(error: unknown): ClientError | null {
  if (error instanceof NormalisationError) {
    return { message: error.message, extensions: { code: ErrorCode.BAD_USER_INPUT, field: error.field, reason: error.kind } };
  }
  if (error instanceof AdapterError) return fromAdapterError(error);
  return null;
}

/** Apollo Server's `formatError`: GraphQLErrors pass unchanged, known errors are mapped, the rest hidden and logged. */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof GraphQLError) return formatted;
    const { locations, path } = formatted;
    if (original instanceof AdapterError && original.kind !== 'BAD_INPUT') {
      logger.warn({ err: original, path }, 'adapter failure');
    }
    const known = classifyError(original);
    if (known) return { message: known.message, locations, path, extensions: known.extensions };
    logger.error({ err: original, path }, 'unexpected error while resolving');
    return { message: 'Internal server error', locations, path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
