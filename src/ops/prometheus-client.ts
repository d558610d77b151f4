/** A minimal client of Prometheus's HTTP API (instant queries), for the ops and deploy commands. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusClient {
  url: string;
  query(expr: string, at?: Date): Promise<Sample[]>;
}

export function createPrometheusClient(url: string, timeoutMs = 30_000): PrometheusClient {
  const base = url.replace(/\/+$/, '');
  return {
    url: base,
    async query(expr, at) {
      const params = new URLSearchParams({ query: expr });
      if (at) params.set('time', String(at.getTime() / 1000));
      let res: Response;
      try {
        res = await fetch(`${base}/api/v1/query`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: params,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Error(`Prometheus at ${base} is not reachable: ${(err as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as {
        status?: string;
        error?: string;
        data?: { resultType: string; result: unknown };
      };
      if (!res.ok || body.status !== 'success')
        throw new Error(`Prometheus query failed (${res.status}): ${body.error ?? 'no error text'}: ${expr}`);
      const data = body.data!;
      if (data.resultType === 'scalar') {
        const [, v] = data.result as [number, string];
        return [{ labels: {}, value: Number(v) }];
      }
      if (data.resultType !== 'vector') throw new Error(`unexpected ${data.resultType} result for ${expr}`);
      return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
        labels: r.metric,
        value: Number(r.value[1]),
      }));
    },
  };
}

/** The first sample's value, or undefined (no series, or NaN from 0/0). */
export function scalarOf(samples: Sample[]): number | undefined {
  const v = samples[0]?.value;
  return v === undefined || Number.isNaN(v) ? undefined : v;
}
