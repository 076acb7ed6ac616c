/** The kinds of frustration signal a session's insights name (insights.ts), without their schemas. */
export const SIGNAL_TYPES = ['rage_click', 'dead_click', 'error_click', 'js_error', 'hesitation',
  'form_abandonment', 'handoff_requested'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];
