import { afterEach, describe, expect, it, vi } from 'vitest';
import { insightsApi } from './insights-api.js';

afterEach(() => vi.unstubAllGlobals());

const answer = (status: number, body: unknown) => vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status })));

describe('insightsApi.get', () => {
  it('shows a recording the server could not analyse within its limits as failed, with the server’s reason', async () => {
    answer(422, { error: { code: 'E_ANALYSIS_FAILED', message: 'The analysis was stopped: the recording took longer than 20 s to read.' } });
    expect(await insightsApi.get('a', 's')).toEqual({
      status: 'failed',
      computedAt: null,
      signals: [],
      summary: null,
      timeline: [],
      note: 'The analysis was stopped: the recording took longer than 20 s to read.',
    });
  });

  it('still throws other errors (a busy server, a missing session)', async () => {
    answer(503, { error: { code: 'E_UNAVAILABLE', message: 'The server was too busy to analyse this session; try again later.' } });
    await expect(insightsApi.get('a', 's')).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });
  });
});
