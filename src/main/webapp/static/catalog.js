/* Agnes catalog page: filters the tables as you type. Every word must appear somewhere in a table's
   card (name, source, description, tags, column names or types). */
(function () {
  'use strict';
  var input = document.getElementById('catalog-filter');
  if (!input) {
    return;
  }
  var tables = Array.prototype.slice.call(document.querySelectorAll('.catalog-table'));
  var count = document.getElementById('catalog-count');
  var noMatch = document.getElementById('catalog-no-match');
  var texts = tables.map(function (table) {
    return table.textContent.toLowerCase().replace(/\s+/g, ' ');
  });

  function plural(n) {
    return n === 1 ? ' table' : ' tables';
  }

  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    tables.forEach(function (table, i) {
      var match = terms.every(function (term) { return texts[i].indexOf(term) !== -1; });
      table.hidden = !match;
      if (match) {
        shown++;
      }
    });
    if (count) {
      count.textContent = terms.length ? shown + ' of ' + tables.length + plural(tables.length) : tables.length + plural(tables.length);
    }
    if (noMatch) {
      noMatch.hidden = shown > 0 || tables.length === 0;
    }
  }

  input.addEventListener('input', apply);
  // "/" jumps to the filter, as on many catalog and search pages
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
  // a link such as /catalog?q=orders opens the catalog already filtered
  var initial = new URLSearchParams(window.location.search).get('q');
  if (initial) {
    input.value = initial;
  }
  apply();
})();
