import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The CLI prints results for a person; the test harness and benches report to the terminal.
    files: ['agent/cli/**', 'test/**', 'bin/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Plain Node scripts the benches run as separate processes (no TypeScript to declare the globals).
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', Buffer: 'readonly', performance: 'readonly', console: 'readonly' },
    },
  },
);
