import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let owner: HttpClient;
let appId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  appId = (await owner.request('POST', '/api/apps', { name: 'Team app' })).json.data.app.id;
});
afterAll(() => server?.close());

describe('team', () => {
  it('invites an agent with a generated password shown once; the agent signs in and sees only its applications', async () => {
    const invite = await owner.request('POST', '/api/team', { email: 'Agent.One@test.local', appIds: [appId] });
    expect(invite.status).toBe(201);
    const { member, password } = invite.json.data;
    expect(member).toMatchObject({ email: 'agent.one@test.local', role: 'agent', appIds: [appId] });
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const list = await owner.request('GET', '/api/team');
    expect(list.text).not.toContain(password);
    expect(list.text).not.toContain('passwordHash');
    expect(list.json.data.members.map((m: { email: string }) => m.email)).toContain('agent.one@test.local');

    const agent = new HttpClient(server.url);
    expect((await agent.signIn('agent.one@test.local', password)).role).toBe('agent');
    const apps = await agent.request('GET', '/api/apps');
    expect(apps.json.data.apps.map((a: { id: string }) => a.id)).toEqual([appId]);

    // Agents cannot manage the team or change settings.
    expect((await agent.request('GET', '/api/team')).status).toBe(403);
    expect((await agent.request('POST', '/api/team', { email: 'x@test.local' })).status).toBe(403);
    expect((await agent.request('PATCH', `/api/apps/${appId}`, { settings: { greeting: 'hacked' } })).status).toBe(403);
  });

  it('accepts a given password, refuses a duplicate email, a short password and an application the owner is not in', async () => {
    const given = await owner.request('POST', '/api/team', { email: 'agent.two@test.local', password: 'a-long-enough-password' });
    expect(given.json.data.password).toBe('a-long-enough-password');
    expect((await new HttpClient(server.url).signIn('agent.two@test.local', 'a-long-enough-password')).email).toBe('agent.two@test.local');

    const duplicate = await owner.request('POST', '/api/team', { email: 'agent.two@test.local' });
    expect([duplicate.status, duplicate.json.error.code]).toEqual([409, 'E_CONFLICT']);
    const short = await owner.request('POST', '/api/team', { email: 'agent.three@test.local', password: 'short' });
    expect([short.status, short.json.error.code]).toEqual([400, 'E_INVALID_PAYLOAD']);
    const foreign = await owner.request('POST', '/api/team', { email: 'agent.four@test.local', appIds: ['0123456789abcdef01234567'] });
    expect(foreign.status).toBe(404);
    expect((await owner.request('GET', '/api/team')).text).not.toContain('agent.four');
  });

  it('gives and takes membership, refuses changes to oneself, and removes an account', async () => {
    const { member } = (await owner.request('POST', '/api/team', { email: 'agent.five@test.local', password: 'another-good-password' })).json.data;
    const agent = new HttpClient(server.url);
    await agent.signIn('agent.five@test.local', 'another-good-password');
    expect((await agent.request('GET', `/api/apps/${appId}/sessions`)).status).toBe(404);

    await owner.request('PUT', `/api/team/${member.id}/apps/${appId}`);
    expect((await agent.request('GET', `/api/apps/${appId}/sessions`)).status).toBe(200);
    await owner.request('DELETE', `/api/team/${member.id}/apps/${appId}`);
    expect((await agent.request('GET', `/api/apps/${appId}/sessions`)).status).toBe(404);

    const me = (await owner.request('GET', '/api/auth/me')).json.data.user;
    expect((await owner.request('DELETE', `/api/team/${me.id}`)).status).toBe(403);
    expect((await owner.request('DELETE', `/api/team/${me.id}/apps/${appId}`)).status).toBe(403);

    expect((await owner.request('DELETE', `/api/team/${member.id}`)).status).toBe(200);
    expect((await owner.request('DELETE', `/api/team/${member.id}`)).status).toBe(404);
    expect((await agent.request('GET', '/api/auth/me')).status).toBe(401);
  });
});
