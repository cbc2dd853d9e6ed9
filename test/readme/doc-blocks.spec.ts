// Every TypeScript block of README.md and docs/*.md, compiled as a user's `nest new` project compiles it: with the
// tsconfig.json that `nest new` (Nest CLI 11) writes, untouched (nest-new.tsconfig.json; see README.md here), and
// the package name mapped to src/. How blocks are marked: doc-blocks.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import { DocBlock, docBlocks } from './doc-blocks';

const ROOT = resolve(__dirname, '../..');
// Blocks are compiled as if they were files of this folder, beside the stand-ins they import (./orders.handlers).
const STUBS = join(__dirname, 'stubs');

/** Fragments (a few statements, a class member) are compiled inside one of these, at the BLOCK line. */
const SCOPES: Record<string, string> = {
  // Statements, with the services a user would have injected or got from the app.
  statements: `
import type { INestApplication } from '@nestjs/common';
import { DeadLetterService, KafkaConsumerService, KafkaModule, KafkaProducerService } from 'nestjs-kafka-event-system';
declare const app: INestApplication;
declare const producer: KafkaProducerService;
declare const consumers: KafkaConsumerService;
declare class TokenService { kafkaToken(): Promise<string>; }
export async function example(): Promise<void> {
BLOCK
}`,
  // Members of a controller that injects terminus' HealthCheckService and the library's indicator.
  'health-controller': `
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from 'nestjs-kafka-event-system';
@Controller('health')
export class ExampleController {
  constructor(private readonly health: HealthCheckService, private readonly kafka: KafkaHealthIndicator) {}
BLOCK
}`,
  // The body of a method of a service that injects ConsumerLagService as \`lag\`.
  'lag-service': `
import { ConsumerLagService } from 'nestjs-kafka-event-system';
export class ExampleService {
  constructor(private readonly lag: ConsumerLagService) {}
  async example(): Promise<void> {
BLOCK
  }
}`,
};

const documents = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
];
const blocks = documents.flatMap(docBlocks);
const compiled = blocks.filter((b) => !b.skip);

function sourceOf(block: DocBlock): string {
  if (!block.scope) return block.code;
  const scope = SCOPES[block.scope];
  if (!scope) throw new Error(`${block.where}: no scope "${block.scope}" in doc-blocks.spec.ts`);
  return scope.replace('BLOCK', block.code);
}

function nestNewOptions(): ts.CompilerOptions {
  const file = join(__dirname, 'nest-new.tsconfig.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options, errors } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  if (errors.length) throw new Error(ts.formatDiagnostics(errors, formatHost));
  // The package as an app imports it, resolved to this repository's source. The testing kit's subpath goes to
  // its own entry once it has one.
  const testingEntry = existsSync(join(ROOT, 'src/testing/index.ts'))
    ? 'src/testing/index.ts'
    : 'src/index.ts';
  options.paths = {
    'nestjs-kafka-event-system': [join(ROOT, 'src/index.ts')],
    'nestjs-kafka-event-system/testing': [join(ROOT, testingEntry)],
  };
  return { ...options, noEmit: true, incremental: false };
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

let program: ts.Program;

beforeAll(() => {
  const options = nestNewOptions();
  const files = new Map(compiled.map((b) => [join(STUBS, b.fileName), sourceOf(b)]));
  const names = compiled.map((b) => b.fileName);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`two blocks are compiled as ${twice}: give one another "compile: as" name`);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) =>
    files.has(f)
      ? ts.createSourceFile(f, files.get(f)!, language, true)
      : getSourceFile.call(host, f, language, ...rest);
  const stubs = readdirSync(STUBS).map((f) => join(STUBS, f));
  program = ts.createProgram([...files.keys(), ...stubs], options, host);
}, 120_000);

it('finds the blocks, and skips only the few marked with a reason', () => {
  expect(compiled.length).toBeGreaterThan(15);
  expect(blocks.filter((b) => b.skip).map((b) => `${b.where}: ${b.skip}`)).toEqual([
    expect.stringMatching(/^README\.md:\d+: the handler signature/),
  ]);
});

it.each(compiled.map((b) => [b.where, b] as const))('%s compiles in a nest new project', (_where, block) => {
  const file = program.getSourceFile(join(STUBS, block.fileName))!;
  const diagnostics = [
    ...program.getSyntacticDiagnostics(file),
    ...program.getSemanticDiagnostics(file),
    ...program.getDeclarationDiagnostics(file),
  ];
  expect(diagnostics.map((d) => `${block.where}: ${explain(d, block)}`)).toEqual([]);
});

/** A diagnostic, with its line counted in the Markdown file (the block's own lines, not a scope's). */
function explain(diagnostic: ts.Diagnostic, block: DocBlock): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (diagnostic.start === undefined || !diagnostic.file) return `TS${diagnostic.code} ${text}`;
  const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
  const offset = block.scope ? SCOPES[block.scope].split('\n').findIndex((l) => l === 'BLOCK') : 0;
  const fence = Number(block.where.split(':')[1]);
  return `line ${fence + 1 + line - offset}: TS${diagnostic.code} ${text}`;
}

it('compiles with the tsconfig nest new writes', () => {
  // The options that make the README's first handler fail in a new app when a type is imported as a value.
  const options = JSON.parse(readFileSync(join(__dirname, 'nest-new.tsconfig.json'), 'utf8')).compilerOptions;
  expect(options).toMatchObject({ isolatedModules: true, emitDecoratorMetadata: true, module: 'nodenext' });
});
