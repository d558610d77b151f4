/** Long-by-design routes, excluded from latency judgements (deploy/prometheus/metrics.json "streamingRoutes"). */
export const STREAMING_ROUTES = [
  '/api/v1/events/export',
  '/api/v1/files/:id/content',
  '/api/v1/files/:id/preview',
  '/api/v1/audit-sets/:id/verifications/:verificationId/progress',
  '/api/v1/verifications/:id/bundle',
] as const;
