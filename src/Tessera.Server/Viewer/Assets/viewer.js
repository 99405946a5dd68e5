// An image's page: OpenSeadragon driven by Tessera's own info.json (Image API 3 or 2, switchable), the image's facts, its
// IIIF URLs to copy, and a log of the IIIF requests the page makes. Every value from the server (identifier, URLs) comes
// from data- attributes and is only ever set as text or as a property, never parsed as HTML.
'use strict';
(() => {
  const stage = document.getElementById('viewer');
  const urls = stage.dataset;
  const statusLine = document.getElementById('status');
  const facts = document.getElementById('facts');
  const radios = Array.from(document.querySelectorAll('input[name="version"]'));
  let viewer = null;
  let opening = 0; // the latest open; an older one finishing late must not overwrite its state
  let failedTiles = 0;

  function setState(state, text) {
    document.body.dataset.state = state;
    statusLine.textContent = text;
  }

  // ---- the request log ----------------------------------------------------------------------------------------------
  (() => {
    const body = document.getElementById('requests');
    const summary = document.getElementById('requests-summary');
    const maxRows = 300;
    let count = 0;
    let failed = 0;
    let totalMs = 0;

    function cell(row, text, className) {
      const td = row.insertCell();
      td.textContent = text;
      if (className) td.className = className;
    }

    function add(entry) {
      // responseStatus is 0 when the browser may not tell (another origin without Timing-Allow-Origin).
      const status = entry.responseStatus || 0;
      const bad = status >= 400;
      count += 1;
      failed += bad ? 1 : 0;
      totalMs += entry.duration;
      const row = body.insertRow(0);
      row.dataset.status = String(status);
      cell(row, status ? String(status) : '—', bad ? 'bad' : status ? 'ok' : '');
      cell(row, entry.duration.toFixed(0), 'num');
      const cached = entry.transferSize === 0 && entry.decodedBodySize > 0;
      cell(row, cached ? 'cache' : (entry.transferSize / 1024).toFixed(1), 'num');
      const url = new URL(entry.name);
      cell(row, url.origin === location.origin ? url.pathname + url.search : entry.name);
      while (body.rows.length > maxRows) body.deleteRow(-1);
      summary.textContent = `${count} request${count === 1 ? '' : 's'} · ${failed} failed · mean ${(totalMs / count).toFixed(0)} ms`;
    }

    function clear() {
      body.replaceChildren();
      count = failed = totalMs = 0;
      summary.textContent = '';
    }

    const iiif = [urls.image3, urls.image2].map((u) => new URL(`${u}/`, location.href).href);
    if ('PerformanceObserver' in window) {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (iiif.some((prefix) => entry.name.startsWith(prefix))) add(entry);
        }
      }).observe({ type: 'resource', buffered: true });
      // Observers see every entry; the buffer only needs to stay open for new ones.
      performance.addEventListener?.('resourcetimingbufferfull', () => performance.clearResourceTimings());
    }
    document.getElementById('requests-clear').addEventListener('click', clear);
  })();

  // ---- the image's facts and URLs ---------------------------------------------------------------------------------------
  function showFacts(info, version) {
    const v2Profile = Array.isArray(info.profile) ? info.profile : null;
    // Level 2 of either version means jpg and png; the rest is listed (profile[1].formats in 2.1, extraFormats in 3.0).
    const extra = v2Profile ? v2Profile[1]?.formats : info.extraFormats;
    const formats = ['jpg', 'png', ...(extra ?? [])];
    const rows = [
      ['Size', `${info.width} × ${info.height} px`],
      ['Tiles', (info.tiles ?? []).map((t) => `${t.width}${t.height && t.height !== t.width ? ` × ${t.height}` : ''} px, scale factors ${t.scaleFactors.join(', ')}`).join('; ') || 'none'],
      ['Sizes', (info.sizes ?? []).map((s) => `${s.width} × ${s.height}`).join(', ') || 'none'],
      ['Profile', String(v2Profile ? v2Profile[0] : info.profile).replace(/^.*\//, '').replace(/\.json$/, '')],
      ['Formats', [...new Set(formats)].join(', ')],
      ['Image API', version === '3' ? '3.0' : '2.1'],
    ];
    for (const key of ['maxWidth', 'maxHeight', 'maxArea']) {
      if (info[key]) rows.push([key, String(info[key])]);
    }
    facts.replaceChildren(...rows.flatMap(([term, value]) => {
      const dt = document.createElement('dt');
      const dd = document.createElement('dd');
      dt.textContent = term;
      dd.textContent = value;
      return [dt, dd];
    }));
  }

  // The thumbnail and full-image URLs follow the version shown (both versions' info.json stay listed).
  function showUrls(version) {
    const image = version === '3' ? urls.image3 : urls.image2;
    setUrl('u-thumb', `${image}/full/!200,200/0/default.jpg`);
    setUrl('u-full', `${image}/full/${version === '3' ? 'max' : 'full'}/0/default.jpg`);
  }

  function setUrl(id, url) {
    const input = document.getElementById(id);
    input.value = url;
    input.parentElement.querySelector('a').href = url;
  }

  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.addEventListener('click', async () => {
      const input = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(input.value);
      } catch {
        // No clipboard API outside secure contexts (plain http to another host): copy the selection instead.
        input.select();
        document.execCommand('copy');
      }
      button.textContent = 'Copied';
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });
  }

  // ---- the viewer -------------------------------------------------------------------------------------------------------
  async function open(version) {
    const mine = ++opening;
    document.body.dataset.version = version;
    showUrls(version);
    setState('loading', `Loading Image API ${version === '3' ? '3.0' : '2.1'} information…`);
    let info;
    try {
      const response = await fetch(version === '3' ? urls.info3 : urls.info2, { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`${response.status} ${(await response.text()).trim()}`);
      info = await response.json();
    } catch (e) {
      if (mine === opening) setState('failed', `info.json failed: ${e.message}`);
      return;
    }
    if (mine !== opening) return;
    showFacts(info, version);
    if (typeof OpenSeadragon !== 'function') {
      setState('no-viewer', 'No deep-zoom viewer (OpenSeadragon is not installed); the facts and URLs are still here.');
      return;
    }
    failedTiles = 0;
    if (viewer) {
      // Both versions describe the same pixels: the view stays where it was.
      const bounds = viewer.world.getItemCount() > 0 ? viewer.viewport.getBounds() : null;
      if (bounds) viewer.addOnceHandler('open', () => viewer.viewport.fitBounds(bounds, true));
      viewer.open(info);
    } else {
      viewer = OpenSeadragon({
        id: 'viewer',
        prefixUrl: urls.osdImages,
        tileSources: info,
        crossOriginPolicy: 'Anonymous',
        showNavigator: true,
        navigatorPosition: 'BOTTOM_RIGHT',
        showRotationControl: true,
        autoHideControls: false, // the navigator says where the view is: keep it in sight
        maxZoomPixelRatio: 2,
      });
      viewer.addHandler('open', () => {
        setState('open', `Image API ${document.body.dataset.version === '3' ? '3.0' : '2.1'} · drag to pan, scroll or double-click to zoom`);
      });
      viewer.addHandler('open-failed', (event) => setState('failed', `OpenSeadragon could not open the image: ${event.message}`));
      viewer.addHandler('tile-load-failed', (event) => {
        failedTiles += 1;
        statusLine.textContent = `${failedTiles} tile${failedTiles > 1 ? 's' : ''} failed to load (last: ${event.message})`;
      });
    }
  }

  function chosen() {
    const v = new URLSearchParams(location.search).get('v');
    return v === '2' ? '2' : '3';
  }

  for (const radio of radios) {
    radio.checked = radio.value === chosen();
    radio.addEventListener('change', () => {
      if (!radio.checked) return;
      const url = new URL(location.href);
      url.searchParams.set('v', radio.value);
      history.replaceState(null, '', url);
      open(radio.value);
    });
  }

  // For scripts and tests driving the page: the OpenSeadragon viewer, once made.
  window.tessera = { get viewer() { return viewer; } };
  open(chosen());
})();
