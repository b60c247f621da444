// Type-aware linting for src and test; formatting is prettier's job, not eslint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/simulator/**', 'src/demo/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/simulator/**'], message: 'The service never imports the simulator.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      // The domain is pure: no web framework, HTTP client or database driver.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', '@fastify/*', 'undici', 'better-sqlite3', 'kysely', 'pg'],
              message: 'The domain layer takes values and returns values.',
            },
            {
              group: [
                '**/http/**',
                '**/tsm/**',
                '**/storage/**',
                '**/orchestration/**',
                '**/simulator/**',
              ],
              message: 'The domain layer depends on nothing of the service.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      // The command-line client is a caller of the API: it may disagree with an older or newer
      // service, so it reads answers itself instead of sharing the service's types.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/domain/**',
                '**/http/**',
                '**/tsm/**',
                '**/storage/**',
                '**/orchestration/**',
                '**/simulator/**',
                '**/errors.js',
                '**/config.js',
              ],
              message: 'The command-line client knows the API, not the service.',
            },
          ],
        },
      ],
    },
  },
);
