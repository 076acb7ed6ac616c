import { ChatreelWidget } from './chatreel-widget.js';

/**
 * The one-line embed: `<script type="module" src="https://HOST/widget.js" data-key="pk_…"></script>`.
 * Adds a <chatreel-widget> to the page unless the site placed one by hand.
 */
function mount(): void {
  const script = document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
  const key = script?.dataset.key;
  if (!key || document.querySelector(ChatreelWidget.tagName)) return;
  const element = document.createElement(ChatreelWidget.tagName) as ChatreelWidget;
  element.key = key;
  element.server = new URL(script!.src, location.href).origin;
  document.body.append(element);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
else mount();

export { ChatreelWidget };
