// typescript-eslint runs the one rule that needs the compiler's types: promises nobody awaits or handles.
// Biome (biome.jsonc) does every other check; its own floating-promise rule misses those typed by @types/node.
import tseslint from 'typescript-eslint';

export default tseslint.config({
  files: ['**/*.ts'],
  ignores: ['src/client/openapi-types.ts'],
  languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  plugins: { '@typescript-eslint': tseslint.plugin },
  linterOptions: { reportUnusedDisableDirectives: 'error' },
  rules: {
    '@typescript-eslint/no-floating-promises': [
      'error',
      // node:test runs and reports each test() and describe() itself; awaiting them is optional.
      { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
    ],
  },
});
