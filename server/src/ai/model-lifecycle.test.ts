import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { DEFAULT_AI_MODEL, DEPRECATED_MODELS, modelLifecycle } from './model-lifecycle.js';

/** The installed SDK's own files (read as text: the tables are not exported). */
const SDK_DIR = path.dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sdk'));
const sdkFile = (file: string) => readFileSync(path.join(SDK_DIR, file), 'utf8');

/** `'claude-x': 'November 30th, 2026'` entries of every DEPRECATED_MODELS literal in a file → model → UTC day. */
function deprecationTables(source: string): Record<string, string> {
  const table: Record<string, string> = {};
  for (const [, body] of source.matchAll(/DEPRECATED_MODELS = \{([^}]*)\}/g)) {
    for (const [, model, date] of body.matchAll(/'([^']+)':\s*'([^']+)'/g)) {
      table[model] = new Date(`${date.replace(/(\d+)(st|nd|rd|th)/, '$1')} UTC`).toISOString().slice(0, 10);
    }
  }
  return table;
}

describe('the AI model', () => {
  it("knows every deprecation of the installed SDK, with the SDK's end-of-life dates", () => {
    const sdk = {
      ...deprecationTables(sdkFile('internal/data/deprecated-models.js')),
      ...deprecationTables(sdkFile('resources/messages/messages.js')),
    };
    // The SDK's warning table is the one it prints from on every request; both must be here.
    expect(Object.keys(sdk)).toContain('claude-sonnet-4-5');
    for (const [model, endOfLife] of Object.entries(sdk)) expect(DEPRECATED_MODELS[model], model).toBe(endOfLife);
  });

  it("defaults to a model of the installed SDK's own list that is not deprecated", () => {
    const listed = /export type Model = ([^;]+);/.exec(sdkFile('resources/messages/messages.d.ts'))![1];
    const models = [...listed.matchAll(/'([^']+)'/g)].map(([, model]) => model);
    expect(models).toContain(DEFAULT_AI_MODEL);
    expect(Object.keys(DEPRECATED_MODELS)).not.toContain(DEFAULT_AI_MODEL);
    expect(modelLifecycle(DEFAULT_AI_MODEL, new Date('2030-01-01T00:00:00Z'))).toEqual({ state: 'current' });
    expect(loadConfig({}).anthropic.model).toBe(DEFAULT_AI_MODEL);
  });

  it('is deprecated until its end-of-life day, and retired from that day on', () => {
    expect(modelLifecycle('claude-sonnet-4-5', new Date('2026-11-29T23:59:59Z'))).toEqual({ state: 'deprecated', endOfLife: '2026-11-30' });
    expect(modelLifecycle('claude-sonnet-4-5', new Date('2026-11-30T00:00:00Z'))).toEqual({ state: 'retired', endOfLife: '2026-11-30' });
    expect(modelLifecycle('claude-mythos-preview', new Date('2026-11-30T12:00:00Z'))).toEqual({ state: 'retired', endOfLife: '2026-06-30' });
    // Names that only look like table keys are ordinary (current) models.
    expect(modelLifecycle('toString', new Date())).toEqual({ state: 'current' });
  });
});
