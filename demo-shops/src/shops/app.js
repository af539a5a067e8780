// Canal Street Office storefront. Renders every page from /api JSON.
(function () {
  'use strict';
  var app = document.getElementById('app');

  // "1299.95" -> "€ 1.299,95" (with a no-break space), as Dutch shops write it.
  function money(raw) {
    var parts = String(raw).split('.');
    var units = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    var cents = ((parts[1] || '') + '00').slice(0, 2);
    return '\u20ac\u00a0' + units + ',' + cents;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function priceBox(p, cls) {
    var box = el('div', { 'class': cls }, [el('span', { 'class': 'current' }, [money(p.price)])]);
    if (p.list_price) {
      box.appendChild(document.createTextNode(' '));
      box.appendChild(el('del', { 'class': 'previous' }, [money(p.list_price)]));
    }
    if (p.unit_label) {
      box.appendChild(document.createTextNode(' '));
      box.appendChild(el('span', { 'class': 'unit' }, [p.unit_label]));
    }
    return box;
  }

  function stock(p) {
    return el('div', { 'class': p.in_stock ? 'in-stock' : 'sold-out' }, [p.stock_label]);
  }

  function searchHref(q, page) {
    return '/search?q=' + encodeURIComponent(q) + (page > 1 ? '&page=' + page : '');
  }

  function renderSearch(data, showPager) {
    app.textContent = '';
    var title = data.query ? 'Results for \u201c' + data.query + '\u201d' : 'All products';
    app.appendChild(el('h1', {}, [showPager ? title : 'New this week']));
    if (!data.results.length) {
      app.appendChild(el('p', { 'class': 'empty' }, ['No products match your search.']));
      return;
    }
    if (showPager) app.appendChild(el('p', { 'class': 'count' }, [data.total + ' products']));
    var grid = el('div', { 'class': 'tiles' }, []);
    data.results.forEach(function (p) {
      grid.appendChild(el('div', { 'class': 'tile', 'data-product-id': String(p.id) }, [
        el('a', { 'class': 'tile-link', href: p.url }, [
          el('img', { src: p.image, alt: p.name, width: '200', height: '150' }, []),
          el('h3', { 'class': 'tile-name' }, [p.name])
        ]),
        priceBox(p, 'tile-price'),
        stock(p)
      ]));
    });
    app.appendChild(grid);
    if (!showPager) return;
    var nav = el('nav', { 'class': 'pager' }, []);
    if (data.page > 1) {
      nav.appendChild(el('a', { rel: 'prev', href: searchHref(data.query, data.page - 1) }, ['Previous']));
      nav.appendChild(document.createTextNode(' '));
    }
    nav.appendChild(el('span', {}, ['Page ' + data.page + ' of ' + data.total_pages]));
    if (data.page < data.total_pages) {
      nav.appendChild(document.createTextNode(' '));
      nav.appendChild(el('a', { rel: 'next', href: searchHref(data.query, data.page + 1) }, ['Next']));
    }
    app.appendChild(nav);
    document.title = title + ' \u2013 Canal Street Office';
  }

  function renderProduct(p) {
    app.textContent = '';
    var specs = el('dl', { 'class': 'product-view__specs' }, []);
    p.specs.forEach(function (s) {
      specs.appendChild(el('dt', {}, [s.label]));
      specs.appendChild(el('dd', {}, [s.value]));
    });
    app.appendChild(el('article', { 'class': 'product-view', 'data-product-id': String(p.id) }, [
      el('img', { 'class': 'product-view__image', src: p.image, alt: p.name, width: '400', height: '300' }, []),
      el('h1', { 'class': 'product-view__name' }, [p.name]),
      el('div', { 'class': 'product-view__brand' }, [p.brand]),
      el('ul', { 'class': 'product-view__ids' }, [
        el('li', {}, ['SKU: ', el('span', { 'class': 'sku' }, [p.sku])]),
        el('li', {}, ['EAN: ', el('span', { 'class': 'ean' }, [p.gtin])]),
        el('li', {}, ['MPN: ', el('span', { 'class': 'mpn' }, [p.mpn])])
      ]),
      priceBox(p, 'product-view__price'),
      stock(p),
      el('p', { 'class': 'product-view__description' }, [p.description]),
      el('h2', {}, ['Specifications']),
      specs
    ]));
    document.title = p.name + ' \u2013 Canal Street Office';
  }

  function fail(message) {
    app.textContent = '';
    app.appendChild(el('p', { 'class': 'error' }, [message]));
  }

  function load(url, render) {
    fetch(url).then(function (r) {
      if (!r.ok) throw new Error(r.status === 404 ? 'Product not found.' : 'Something went wrong.');
      return r.json();
    }).then(function (data) {
      // Real storefronts render a beat after their data arrives; so does this one.
      setTimeout(function () { render(data); }, 50);
    }).catch(function (e) { fail(e.message); });
  }

  var path = location.pathname;
  var params = new URLSearchParams(location.search);
  var m = path.match(/^\/p\/(\d+)$/);
  if (m) {
    load('/api/products/' + m[1], renderProduct);
  } else if (path === '/search') {
    var q = params.get('q') || '';
    var page = parseInt(params.get('page') || '1', 10) || 1;
    load('/api/search?q=' + encodeURIComponent(q) + '&page=' + page, function (d) { renderSearch(d, true); });
  } else {
    load('/api/search?q=&page=1', function (d) { renderSearch(d, false); });
  }
})();
