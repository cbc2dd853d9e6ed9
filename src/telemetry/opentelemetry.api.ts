import type * as OpenTelemetryApi from '@opentelemetry/api';

/**
 * `@opentelemetry/api` is an optional peer: an app that has not installed it gets no telemetry and pays nothing.
 * Loaded once with `require` because a static import would make the package mandatory. Types from it must never
 * reach the public declarations (`dist/index.d.ts`), or apps without it would fail to compile.
 */
export const openTelemetry: typeof OpenTelemetryApi | undefined = loadOpenTelemetry();

function loadOpenTelemetry(): typeof OpenTelemetryApi | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@opentelemetry/api') as typeof OpenTelemetryApi;
  } catch {
    return undefined;
  }
}
