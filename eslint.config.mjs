// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, top to bottom (docs/architecture.md). A file imports only from layers below its own;
 * folders on one layer (producer, consumer, dead-letter, admin) do not import each other.
 */
const LAYERS = [
  ['src/cli'],
  // The two entries: the main one for apps, `/testing` for tests; neither imports the other.
  ['src/index.ts', 'src/testing'],
  ['src/kafka.module.ts'],
  ['src/kafka-module-definition.ts', 'src/kafka.orchestrator.ts'],
  ['src/discovery', 'src/health', 'src/decorators'],
  ['src/consumer', 'src/producer', 'src/dead-letter', 'src/admin'],
  ['src/telemetry'],
  ['src/routing', 'src/config', 'src/context', 'src/validation'],
  ['src/client'],
  // Helpers several layers use (a throttled logger, a timeout, record sizes, the backoff): below all of them.
  ['src/common'],
  ['src/errors', 'src/interfaces', 'src/kafka.constants.ts', 'src/kafka.messages.ts'],
];
const asZonePath = (path) => (path.endsWith('.ts') ? `./${path}` : `./${path}/**`);
const zones = LAYERS.flatMap((layer, level) =>
  layer.flatMap((target) =>
    [
      ...LAYERS.slice(0, level).flat(),
      ...(level === LAYERS.length - 1 ? [] : layer.filter((sibling) => sibling !== target)),
    ].map((from) => ({
      target: asZonePath(target),
      from: asZonePath(from),
      message: 'imports run down the layers of docs/architecture.md, never up or across one layer',
    })),
  ),
);

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.kafka/', 'bench/results/', '.cache/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })] },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      // kafkajs lives behind the client port: only its adapter imports it.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kafkajs', message: 'only src/client/kafkajs/ imports kafkajs (the client port)' },
            {
              name: '@confluentinc/kafka-javascript',
              message: 'only src/client/confluent/ loads @confluentinc/kafka-javascript (the client port)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/client/kafkajs/**/*.ts', 'src/client/confluent/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The reference design's examples, kept verbatim: they prove its code works unchanged.
    files: ['test/reference/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-vars': 'off' },
  },
);
