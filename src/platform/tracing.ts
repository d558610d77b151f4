/**
 * OpenTelemetry tracing. A tracer provider always exists, so every request has a trace id that logs
 * can carry; spans are exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * W3C `traceparent` is read from incoming requests and written on every service-to-service call.
 */
import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

let provider: NodeTracerProvider | undefined;

export interface TracingOptions {
  serviceName: string;
  otlpEndpoint?: string | undefined;
}

export function initTracing(options: TracingOptions): void {
  if (provider) return;
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    spanProcessors.push(
      new BatchSpanProcessor(
        new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
      ),
    );
  }
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.namespace': 'auditor-for-box',
    }),
    spanProcessors,
  });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new W3CTraceContextPropagator(),
  });
}

export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown().catch(() => {});
  provider = undefined;
}

export function tracer(): Tracer {
  return trace.getTracer('auditor-for-box');
}

/** Runs `fn` inside a new active span, recording errors. */
export async function withSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes, kind }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Headers carrying the active trace context (traceparent/tracestate) for an outgoing call. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

export function extractContext(headers: Record<string, string | string[] | undefined>) {
  return propagation.extract(context.active(), headers);
}

export function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
