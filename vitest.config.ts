import { defineConfig } from 'vitest/config';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships both index.js and index.mjs. @apollo/gateway and friends
    // require() the CJS build; if vite resolved our imports to the ESM build we
    // would get two graphql realms ("Cannot use GraphQLSchema from another module").
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    server: { deps: { inline: [] } },
  },
});
