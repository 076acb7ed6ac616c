import { isIgnored } from './ignored-fields.js';
import type { NodeIds } from './focus-tracker.js';

/** The `chatreel/options` payload: a multiple select's rrweb id and the ids of its selected options. */
export interface SelectedOptionsState {
  id: number;
  selected: number[];
}

/** Options of one select reported at most (a select listing thousands is cut there). */
const MAX_REPORTED_OPTIONS = 1_000;

/**
 * Records which options of a `<select multiple>` the visitor has chosen. rrweb records a select's
 * value, which names its first selected option only, so the replay showed one choice where the
 * visitor made several. Only where inputs are recorded unmasked, and never for an rr-ignore field.
 */
export class SelectedOptions {
  constructor(
    private readonly nodes: NodeIds,
    private readonly report: (state: SelectedOptionsState) => void,
  ) {
    document.addEventListener('input', this.changed, true);
    document.addEventListener('change', this.changed, true);
  }

  stop(): void {
    document.removeEventListener('input', this.changed, true);
    document.removeEventListener('change', this.changed, true);
  }

  private readonly pending = new Set<HTMLSelectElement>();

  private readonly changed = (event: Event) => {
    const select = event.composedPath()[0];
    if (!(select instanceof HTMLSelectElement) || !select.multiple || isIgnored(select)) return;
    // A task later: after rrweb's own input event, which sets the select's value (one option) in the replay.
    if (this.pending.size === 0) setTimeout(this.flush, 0);
    this.pending.add(select);
  };

  private readonly flush = () => {
    for (const select of this.pending) {
      const id = this.nodes.getId(select);
      if (id <= 0) continue;
      const selected = Array.from(select.selectedOptions)
        .slice(0, MAX_REPORTED_OPTIONS)
        .map((option) => this.nodes.getId(option))
        .filter((optionId) => optionId > 0);
      this.report({ id, selected });
    }
    this.pending.clear();
  };
}
