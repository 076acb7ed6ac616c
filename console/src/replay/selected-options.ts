import { MAX_NODE_ID } from '../../../server/src/protocol/limits.js';

/** What `chatreel/options` says: a multiple select's rrweb id and the ids of its selected options. */
export interface SelectedOptionsState {
  id: number;
  selected: number[];
}

/** Options of one select, and selects of one page, followed at most (a hostile recording may name any number). */
const MAX_OPTIONS = 1_000;
const MAX_SELECTS = 200;

const isNodeId = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0 && (value as number) <= MAX_NODE_ID;

/** A recorded `chatreel/options` payload, or null when it is anything else. */
export function readSelectedOptions(payload: unknown): SelectedOptionsState | null {
  const { id, selected } = (payload ?? {}) as { id?: unknown; selected?: unknown };
  if (!isNodeId(id) || !Array.isArray(selected) || selected.length > MAX_OPTIONS || !selected.every(isNodeId)) return null;
  return { id, selected };
}

/**
 * Shows the options the visitor chose in a `<select multiple>`: rrweb replays a select's value, which
 * keeps one option selected only.
 */
export class SelectedOptionsDisplay {
  private readonly chosen = new Map<number, Set<number>>();

  constructor(private readonly mirror: () => { getNode(id: number): Node | null; getId(node: Node): number }) {}

  set({ id, selected }: SelectedOptionsState): void {
    this.chosen.delete(id);
    this.chosen.set(id, new Set(selected));
    if (this.chosen.size > MAX_SELECTS) this.chosen.delete(this.chosen.keys().next().value!);
  }

  /** The page was rebuilt from a snapshot, which has the selections of that moment. */
  reset(): void {
    this.chosen.clear();
  }

  apply(): void {
    const mirror = this.mirror();
    for (const [id, selected] of this.chosen) {
      const select = mirror.getNode(id) as HTMLSelectElement | null;
      if (select?.nodeName !== 'SELECT') continue;
      for (const option of Array.from(select.options)) option.selected = selected.has(mirror.getId(option));
    }
  }
}
