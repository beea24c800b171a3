(function () {
  var box = document.querySelector('#search input'), list = document.querySelector('#search ol');
  var items = window.SCHEMADOC_INDEX || [], root = document.body.getAttribute('data-root') || '';
  function show(q) {
    list.innerHTML = '';
    q = q.trim().toLowerCase();
    if (!q) return;
    var words = q.split(/\s+/), hits = [];
    for (var i = 0; i < items.length && hits.length < 30; i++) {
      var hay = (items[i].name + ' ' + items[i].kind + ' ' + (items[i].detail || '')).toLowerCase();
      if (words.every(function (w) { return hay.indexOf(w) >= 0; })) hits.push(items[i]);
    }
    hits.sort(function (a, b) { return (a.name.toLowerCase().indexOf(q) === 0 ? 0 : 1) - (b.name.toLowerCase().indexOf(q) === 0 ? 0 : 1); });
    hits.forEach(function (h, n) {
      var li = document.createElement('li'), a = document.createElement('a'), small = document.createElement('small');
      a.href = root + h.url; a.textContent = h.name; if (n === 0) a.className = 'on';
      small.textContent = h.kind + (h.detail ? ' · ' + h.detail : '');
      a.appendChild(small); li.appendChild(a); list.appendChild(li);
    });
  }
  var diagram = document.querySelector('.diagram'), size = document.querySelector('#diagram-size');
  var svg = diagram && diagram.querySelector('svg'), scale = null;
  function zoom(factor) {  // from what is shown now; the diagram then scrolls inside its box
    var natural = parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width;
    scale = (scale || svg.getBoundingClientRect().width / natural) * factor;
    diagram.classList.add('actual');
    svg.style.width = Math.round(natural * scale) + 'px'; svg.style.height = 'auto';
    size.textContent = 'Fit to page';
  }
  if (diagram && size && svg) {
    size.addEventListener('click', function () {
      var actual = diagram.classList.toggle('actual');
      svg.style.width = ''; svg.style.height = ''; scale = actual ? 1 : null;
      size.textContent = actual ? 'Fit to page' : 'Actual size';
    });
    document.querySelector('#zoom-in').addEventListener('click', function () { zoom(1.25); });
    document.querySelector('#zoom-out').addEventListener('click', function () { zoom(0.8); });
  }
  // the findings filter: a checkbox per severity, rows of unchecked ones hidden
  document.querySelectorAll('.filters input[data-sev]').forEach(function (cb) {
    function apply() {
      document.querySelectorAll('tr[data-sev="' + cb.getAttribute('data-sev') + '"]').forEach(function (tr) {
        tr.classList.toggle('hidden', !cb.checked);
      });
    }
    cb.addEventListener('change', apply); apply();
  });
  if (!box) return;
  box.addEventListener('input', function () { show(box.value); });
  box.addEventListener('keydown', function (e) {
    var first = list.querySelector('a');
    if (e.key === 'Enter' && first) { window.location.href = first.href; }
    if (e.key === 'Escape') { box.value = ''; show(''); }
  });
})();
