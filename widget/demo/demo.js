// Dynamic content for the demo pages, so recordings have mutations to show.
document.addEventListener('click', (event) => {
  const add = event.target.closest('[data-add]');
  const basket = document.getElementById('basket');
  if (add && basket) {
    basket.querySelector('.empty')?.remove();
    const item = document.createElement('li');
    item.textContent = `${add.dataset.add} — added ${new Date().toLocaleTimeString()}`;
    basket.append(item);
    console.log('Added to basket:', add.dataset.add, { items: basket.children.length });
    // A request for the replay's network tab (its query value is masked in the recording by default).
    fetch(`/demo/api/stock?plant=${encodeURIComponent(add.dataset.add)}`)
      .then((response) => response.json())
      .then((stock) => console.info(`${stock.plant}: ${stock.inStock ? 'in stock' : 'sold out'}`))
      .catch(() => console.warn('Could not check the stock'));
  }
  if (event.target.id === 'clear-basket' && basket) {
    basket.innerHTML = '<li class="empty">Nothing yet.</li>';
    const request = new XMLHttpRequest();
    request.open('DELETE', '/demo/api/basket');
    request.send();
  }
});
console.info('Greenleaf demo shop ready on', location.pathname);
// Another deliberate bug: the delivery service is down (503), which the page reports in its console.
document.getElementById('check-delivery')?.addEventListener('click', async () => {
  const status = document.getElementById('delivery-status');
  const response = await fetch('/demo/api/delivery', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"postcode":"demo"}' });
  if (!response.ok) {
    console.error(`Delivery check failed: ${response.status} ${response.statusText}`);
    status.textContent = 'Delivery dates are not available right now.';
  }
});
// A deliberate bug for the demo: there is no stored order, so `order` is null and this throws.
document.getElementById('track-order')?.addEventListener('click', (event) => {
  event.preventDefault();
  const order = JSON.parse(localStorage.getItem('greenleaf-last-order'));
  document.getElementById('order-status').textContent = `Order ${order.number} is on its way.`;
});
document.getElementById('checkout')?.addEventListener('submit', (event) => {
  event.preventDefault();
  document.getElementById('result').textContent = 'Thanks! This is a demo, so nothing was ordered.';
});
