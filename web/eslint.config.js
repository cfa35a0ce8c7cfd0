// `npm run lint`: ESLint's recommended rules, typescript-eslint's type-checked recommended rules and
// the React hooks rules, over the UI, its browser tests and the build scripts; no warnings allowed.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'screenshots/', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // The UI's own project, and the one of the browser tests, benchmarks and Playwright configs (Node types).
      parserOptions: { project: ['./tsconfig.json', './e2e/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
  },
  { files: ['src/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  { files: ['scripts/**', 'e2e/**', 'bench/**', '*.config.{js,ts}'], languageOptions: { globals: { ...globals.node } } },
  { files: ['**/*.{js,mjs}'], ...tseslint.configs.disableTypeChecked },
);
