import { sendRequest, type HttpRequest, type HttpResponse } from '../../support/http-client';

export type WebRequest = Omit<HttpRequest, 'path'>;

/** One HTTP or HTTPS request to an absolute URL, over its own connection (no keep-alive). */
export function fetchVia<T = any>(url: string, options: WebRequest = {}): Promise<HttpResponse<T>> {
  return sendRequest<T>(url, { ...options, path: url });
}
