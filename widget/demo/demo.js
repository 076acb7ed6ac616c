// Dynamic content for the demo pages, so recordings have mutations to show.
document.addEventListener('click', (event) => {
  const add = event.target.closest('[data-add]');
  const basket = document.getElementById('basket');
  if (add && basket) {
    basket.querySelector('.empty')?.remove();
    const item = document.createElement('li');
    item.textContent = `${add.dataset.add} — added ${new Date().toLocaleTimeString()}`;
    basket.append(item);
  }
  if (event.target.id === 'clear-basket' && basket) {
    basket.innerHTML = '<li class="empty">Nothing yet.</li>';
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
