// Packages the docs' examples import that this repository does not install, reduced to what the examples use
// (each with the signature of its published types).
declare module '@nestjs/config' {
  import type { DynamicModule } from '@nestjs/common';

  export class ConfigModule {
    static forRoot(options?: { isGlobal?: boolean; envFilePath?: string | string[] }): DynamicModule;
  }
  // Its published default is `any`, which the README's forRootAsync example relies on.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  export class ConfigService {
    get<T = any>(propertyPath: string): T | undefined;
    getOrThrow<T = any>(propertyPath: string): T;
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

declare module '@opentelemetry/exporter-trace-otlp-http' {
  import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

  export class OTLPTraceExporter implements SpanExporter {
    constructor(config?: { url?: string; headers?: Record<string, string> });
    export: SpanExporter['export'];
    shutdown(): Promise<void>;
    forceFlush(): Promise<void>;
  }
}
