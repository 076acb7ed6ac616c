import { HttpClient } from './http-client.js';
import type { TestServer } from './test-server.js';

/** Signs in as the owner and creates an application for `origins`: its widget key and id, and the signed-in owner. */
export async function createSiteApp(server: TestServer, origins: string[], name = 'Shop'): Promise<{ owner: HttpClient; key: string; appId: string }> {
  const owner = new HttpClient(server.url);
  await owner.signIn();
  const created = await owner.request('POST', '/api/apps', { name, allowedOrigins: origins });
  if (created.status !== 201) throw new Error(`could not create the application: ${created.status} ${created.text}`);
  return { owner, key: created.json.data.app.publicKey, appId: created.json.data.app.id };
}
