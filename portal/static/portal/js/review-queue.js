// The review queue: a "select all" checkbox in the header of the select column, which ticks
// or clears every row's checkbox for "Approve selected". Added by this script, so a browser
// without JavaScript never shows a box that does nothing: rows are then ticked one by one.
// A static file, loaded with `defer`: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("input.portal-select-row"));
  if (!rows.length) return;
  var table = rows[0].closest("table");
  var column = rows[0].closest("td").cellIndex;
  var header = table && table.tHead && table.tHead.rows[0].cells[column];
  if (!header) return;

  var all = document.createElement("input");
  all.type = "checkbox";
  all.className = "portal-select-all";
  all.setAttribute("aria-label", "Select all " + rows.length + " figures on this page");
  header.appendChild(all);

  // The header box shows the rows' state: ticked when all are, mixed when some are.
  function reflect() {
    var ticked = rows.filter(function (row) { return row.checked; }).length;
    all.checked = ticked === rows.length;
    all.indeterminate = ticked > 0 && ticked < rows.length;
  }

  all.addEventListener("change", function () {
    rows.forEach(function (row) { row.checked = all.checked; });
    all.indeterminate = false;
  });
  rows.forEach(function (row) { row.addEventListener("change", reflect); });
  reflect();
})();
