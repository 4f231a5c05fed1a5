(function () {
  "use strict";
  var root = document.documentElement;
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(String(e.message || e.type));
    root.setAttribute("data-errors", errors.join(" | "));
  });
  var box = document.querySelector("[data-filters]");
  var table = document.getElementById("findings-table");
  var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  var selects = box ? Array.prototype.slice.call(box.querySelectorAll("select")) : [];
  var count = document.getElementById("findings-count");
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = selects.every(function (s) {
        return !s.value || row.getAttribute("data-" + s.getAttribute("data-filter")) === s.value;
      });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (count) { count.textContent = "Showing " + shown + " of " + rows.length + " findings"; }
  }
  if (box) {
    selects.forEach(function (s) { s.addEventListener("change", apply); });
    var reset = box.querySelector("button");
    if (reset) {
      reset.addEventListener("click", function () {
        selects.forEach(function (s) { s.value = ""; });
        apply();
      });
    }
    box.hidden = false;
    apply();
  }
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
  root.setAttribute("data-ok", "1");
})();
