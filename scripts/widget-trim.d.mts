import type { Plugin } from 'rollup';

export function widgetTrim(): Plugin[];
