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
document.getElementById('checkout')?.addEventListener('submit', (event) => {
  event.preventDefault();
  document.getElementById('result').textContent = 'Thanks! This is a demo, so nothing was ordered.';
});
