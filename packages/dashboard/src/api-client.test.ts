import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, type Fetch } from './api-client.js';

/** A server that answers by the token sent, as `authorize` does: admin, viewer (403 on /api/tokens) or 401. */
function server(mode: 'token' | 'none'): { fetch: Fetch; calls: string[] } {
  const calls: string[] = [];
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch: Fetch = async (input, init) => {
    const auth = new Headers(init?.headers).get('authorization');
    calls.push(`${init?.method ?? 'GET'} ${input} ${auth ?? '-'}`);
    const role = mode === 'none' ? 'admin' : auth === 'Bearer A' ? 'admin' : auth === 'Bearer V' ? 'viewer' : undefined;
    if (!role) return json(401, { error: 'UNAUTHORIZED', message: 'Missing or unknown API token' });
    if (input.startsWith('/api/tokens') && role !== 'admin') {
      return json(403, { error: 'FORBIDDEN', message: 'Token "v" has the viewer role, which may only read' });
    }
    if (input.startsWith('/api/apps/x/groups/g') && init?.method === 'PUT') {
      return json(400, {
        error: 'INVALID_INPUT',
        message: 'Invalid input',
        fields: [{ path: 'policy_timezone', message: 'Unknown time zone' }],
      });
    }
    return json(200, { totalCount: 0, count: 0, applications: [], tokens: [] });
  };
  return { fetch, calls };
}

describe('API client', () => {
  it('finds --auth none by asking without a token', async () => {
    const { fetch, calls } = server('none');
    expect(await new ApiClient({ fetch }).probe()).toEqual({ ok: true, session: { auth: 'none', role: 'admin' } });
    expect(calls).toEqual(['GET /api/apps?perpage=1 -']);
  });

  it('tells admin and viewer tokens apart by whether they may list tokens, and says when there is none', async () => {
    const { fetch } = server('token');
    expect(await new ApiClient({ fetch, token: 'A' }).probe()).toEqual({
      ok: true,
      session: { auth: 'token', role: 'admin' },
    });
    expect(await new ApiClient({ fetch, token: 'V' }).probe()).toEqual({
      ok: true,
      session: { auth: 'token', role: 'viewer' },
    });
    expect(await new ApiClient({ fetch }).probe()).toMatchObject({ ok: false, reason: 'SIGN_IN' });
    expect(await new ApiClient({ fetch, token: 'nope' }).probe()).toEqual({
      ok: false,
      reason: 'TOKEN_REJECTED',
      message: 'The server did not accept this token: Missing or unknown API token',
    });
  });

  it('rejects with the code and every bad field of an error answer', async () => {
    const { fetch, calls } = server('token');
    const client = new ApiClient({ fetch, token: 'A' });
    const error = await client.updateGroup('x', 'g', { policy_timezone: 'Mars' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: 'Invalid input: policy_timezone: Unknown time zone',
    });
    expect(calls.at(-1)).toBe('PUT /api/apps/x/groups/g Bearer A');
  });

  it('encodes ids in paths and leaves empty query parameters out', async () => {
    const { fetch, calls } = server('none');
    const client = new ApiClient({ fetch });
    await client.instances('{e96}', 'g/1', { status: undefined, version: '', page: 2, searchValue: 'a b' });
    expect(calls).toEqual(['GET /api/apps/%7Be96%7D/groups/g%2F1/instances?page=2&searchValue=a+b -']);
  });
});
