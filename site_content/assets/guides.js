// Guides: small progressive enhancements, served from the site itself (no CDN).
(function () {
  // Wide comparison tables become one block per row on a phone: each cell needs its column's name.
  function labelCells(root) {
    root.querySelectorAll(".stack-table table").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (names[i]) cell.setAttribute("data-label", names[i]);
        });
      });
    });
  }
  // Printing shows every worked example in full.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("open", ""); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  } else {
    labelCells(document);
  }
})();
