/**
 * The enterprise event streams (`admin_logs_streaming` for live tailing, `admin_logs` for back-fill).
 * We read the raw body the SDK keeps and parse it ourselves without losing integers beyond 2^53: the
 * stored event must be exactly what Box sent (its canonical text is the ledger leaf), and the typed
 * SDK model would drop `ip_address` and `action_by`. Positions stay opaque strings.
 */
import type { BoxClient } from 'box-node-sdk';
import { LosslessNumber, parseLossless } from '../ledger/index.ts';
import type { EventsPage, RawBoxEvent } from './box-model.ts';

export interface EnterpriseEventsQuery {
  streamType: 'admin_logs' | 'admin_logs_streaming';
  streamPosition?: string | undefined;
  limit: number;
  eventTypes?: string[] | undefined;
  /** RFC 3339; admin_logs only. */
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function fetchEnterpriseEvents(
  client: BoxClient,
  q: EnterpriseEventsQuery,
): Promise<EventsPage> {
  const params: Record<string, string> = { stream_type: q.streamType, limit: String(q.limit) };
  if (q.streamPosition !== undefined) params.stream_position = q.streamPosition;
  if (q.eventTypes?.length) params.event_type = q.eventTypes.join(',');
  if (q.streamType === 'admin_logs') {
    if (q.createdAfter) params.created_after = q.createdAfter;
    if (q.createdBefore) params.created_before = q.createdBefore;
  }
  // 'json', not 'binary': only then does the SDK read an error's body (code, context_info) into the
  // BoxApiError, which is how an expired stream position is told from other 400s. The SDK's own parse
  // of a success loses big integers, so we parse the raw bytes it keeps in `content`.
  const res = await client.makeRequest({
    method: 'GET',
    url: `${client.networkSession.baseUrls.baseUrl}/2.0/events`,
    params,
    responseFormat: 'json',
  });
  const body = parseLossless(await readAll(res.content as unknown as NodeJS.ReadableStream)) as Record<
    string,
    unknown
  >;
  const position = body.next_stream_position;
  const entries = Array.isArray(body.entries) ? (body.entries as RawBoxEvent[]) : [];
  return {
    entries,
    nextStreamPosition:
      position instanceof LosslessNumber
        ? position.text
        : typeof position === 'number' || typeof position === 'string'
          ? String(position)
          : (q.streamPosition ?? '0'),
    chunkSize: typeof body.chunk_size === 'number' ? body.chunk_size : entries.length,
  };
}
