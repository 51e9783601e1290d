/**
 * Exotel's API takes form bodies (urlencoded or multipart) and its callbacks send them. Both
 * directions go through the platform's own Request/Response form-data codec, so the simulator needs
 * no multipart package and produces exactly what a standards-following client expects.
 */
export type FormFields = Record<string, string>;

/**
 * Parameters of a request body as name → values, names kept exactly as sent (`StatusCallbackEvents[0]`
 * stays one name, it is not turned into an array). Undefined when the content type is not a form.
 */
export async function parseFormBody(contentType: string | undefined, body: Buffer): Promise<URLSearchParams | undefined> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(body.toString('utf8'));
  if (type !== 'multipart/form-data') return undefined;
  const form = await new Response(body, { headers: { 'content-type': contentType as string } }).formData();
  const params = new URLSearchParams();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') params.append(name, value);
  }
  return params;
}

export async function encodeMultipart(fields: FormFields): Promise<{ contentType: string; body: Buffer }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const request = new Request('http://multipart.invalid/', { method: 'POST', body: form });
  return { contentType: request.headers.get('content-type') as string, body: Buffer.from(await request.arrayBuffer()) };
}
