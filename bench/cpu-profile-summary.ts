import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/**
 * Top self-time functions of a V8 `.cpuprofile` (written by `node --cpu-prof`): samples per function
 * (name + file + line), times the mean sampling interval. `(idle)` is left out of the shares.
 */
export function topSelfTime(file: string, limit = 12): { busyMs: number; idleMs: number; top: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };
  const intervalMs = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
  const byKey = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byKey.set(key, (byKey.get(key) ?? 0) + hits);
  }
  const busy = [...byKey.values()].reduce((a, b) => a + b, 0);
  const top = [...byKey]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, hits]) => ({ name, ms: hits * intervalMs, share: hits / busy }));
  return { busyMs: busy * intervalMs, idleMs: idle * intervalMs, top };
}

function shortUrl(url: string): string {
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm + 'node_modules/'.length);
  return clean.includes('/server/src/') ? clean.slice(clean.indexOf('server/src/')) : path.basename(clean);
}
