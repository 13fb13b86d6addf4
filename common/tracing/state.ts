/**
 * Whether this process traces. Instrumented code tests `tracingState.on` before doing
 * any span or context work, so tracing that is off costs one property read: no spans,
 * no closures, no context switches on the hot path.
 */
export const tracingState = { on: false };
