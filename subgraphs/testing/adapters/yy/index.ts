/** A broken test adapter module: it forgets to export createAdapter. */
export const makeAdapter = () => null;
