import { validateBoxResponse } from '../openapi-validator.ts';
import { call, type Res, type TestBox } from './helpers.ts';

/** Sends catalogue requests, checks the status and validates each response against the OpenAPI document. */
export function conformance(box: TestBox, token: string) {
  const failures: string[] = [];
  const covered = new Set<string>();
  const check = async (
    method: string,
    path: string,
    expected: number,
    opts: Parameters<typeof call>[3] = {},
  ): Promise<Res> => {
    const res = await call(box, method, path, { token, ...opts });
    const body = typeof res.body === 'string' && res.body === '' ? undefined : res.body;
    const v = validateBoxResponse({ method, path, status: res.status, body });
    covered.add(v.operation);
    if (res.status !== expected)
      failures.push(
        `${method} ${path}: status ${res.status}, expected ${expected}: ${res.text.slice(0, 200)}`,
      );
    for (const e of v.errors) failures.push(`${method} ${path} (${res.status}): ${e}`);
    return res;
  };
  const missing = (operations: string[]): string[] => operations.filter((op) => !covered.has(op));
  return { check, failures, missing };
}
