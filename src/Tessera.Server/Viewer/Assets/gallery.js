// The gallery: each card's dimensions come from its info.json, fetched only when the card comes into view (the server
// describes no image to draw the page), and a filter by name. Names are only ever set as text, never as HTML.
'use strict';
(() => {
  const cards = Array.from(document.querySelectorAll('.card'));

  async function describe(card) {
    const dims = card.querySelector('.dims');
    try {
      const response = await fetch(card.dataset.info, { headers: { Accept: 'application/json' } });
      if (!response.ok) {
        throw new Error(`${response.status} ${(await response.text()).trim()}`);
      }
      const info = await response.json();
      dims.textContent = `${info.width} × ${info.height}`;
      card.dataset.described = 'true';
    } catch (e) {
      dims.textContent = `info.json failed: ${e.message}`;
      dims.classList.add('failed');
      card.dataset.described = 'failed';
    }
  }

  if ('IntersectionObserver' in window) {
    const seen = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          seen.unobserve(entry.target);
          describe(entry.target);
        }
      }
    }, { rootMargin: '200px' });
    cards.forEach((card) => seen.observe(card));
  } else {
    cards.forEach(describe);
  }

  const filter = document.getElementById('filter');
  const none = document.getElementById('none');
  filter?.addEventListener('input', () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const card of cards) {
      const name = card.dataset.name.toLowerCase();
      card.hidden = !words.every((w) => name.includes(w));
      shown += card.hidden ? 0 : 1;
    }
    none.hidden = shown > 0 || cards.length === 0;
  });
})();
