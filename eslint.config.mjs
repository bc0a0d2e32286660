// @ts-check
// typescript-eslint, type-checked, on every TypeScript and JavaScript file (JavaScript through its
// JSDoc types and the tsconfig that checks it); the import rules keep the four rooms of STYLE.md apart.
import tseslint from 'typescript-eslint';

const noVscode = { paths: [{ name: 'vscode', message: 'engine/ and server/ never import vscode' }] };

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.code-server/**',
      'test-output/**',
      'examples/**',
      'test/reference/**',
      '.bench/**',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
    },
  },
  {
    // CommonJS on purpose: bin/ has to start on any Node, to run itself again on the project's Node 22;
    // the fault suite's peak.cjs is preloaded with --require; the bench's activation.cjs hooks require().
    files: ['bin/*.js', 'test/faults/*.cjs', 'scripts/bench/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...noVscode,
          patterns: [
            {
              group: [
                'vscode-languageserver*',
                'vscode-languageclient*',
                '**/server/**',
                '**/client/**',
                '**/protocol/**',
              ],
              message: 'engine/ is pure: no editor, no server',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...noVscode,
          patterns: [
            {
              group: ['**/client/**', 'vscode-languageclient*'],
              message: 'server/ does not import the client',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'path',
                'vscode',
                'vscode-*',
                '**/engine/**',
                '**/server/**',
                '**/client/**',
              ],
              message: 'src/shared/ is bundled into the page too: pure code, no Node, no editor',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'path',
                'vscode',
                '**/src/engine/**',
                '**/src/server/**',
                '**/src/client/**',
              ],
              message: 'webview/ runs in the browser sandbox and talks to the client only',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'traces are adversarial text: build the DOM with textContent' },
        { property: 'outerHTML', message: 'traces are adversarial text: build the DOM with textContent' },
        {
          property: 'insertAdjacentHTML',
          message: 'traces are adversarial text: build the DOM with textContent',
        },
      ],
    },
  },
);
