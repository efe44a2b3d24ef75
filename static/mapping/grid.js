// The mapping grid: move between rows with Ctrl+Arrow keys, and suggest Ed-Fi properties of
// the plan's Data Standard version while a target is typed. The grid works without it.
(function () {
  "use strict";
  const grid = document.getElementById("mapping-grid");
  if (!grid) return;
  const list = document.getElementById("grid-properties");
  const searchUrl = grid.dataset.searchUrl;

  function columnOf(control) {
    const cell = control.closest("td, th");
    return Array.prototype.indexOf.call(cell.parentElement.children, cell);
  }

  grid.addEventListener("keydown", function (event) {
    if (!event.ctrlKey || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    const control = event.target;
    const row = control.closest("tr[data-row]");
    if (!row) return;
    event.preventDefault();
    let next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    while (next && !next.hasAttribute("data-row")) {
      next = event.key === "ArrowDown" ? next.nextElementSibling : next.previousElementSibling;
    }
    if (!next) return;
    const cell = next.children[columnOf(control)];
    const target = cell && cell.querySelector("input:not([type=hidden]), select, textarea, a");
    if (target) target.focus();
  });

  let timer = null;
  let asked = "";
  grid.addEventListener("input", function (event) {
    const field = event.target;
    if (!field.hasAttribute("data-targets")) return;
    const parts = field.value.split(";");
    const typed = parts[parts.length - 1].trim();
    const kept = parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean);
    window.clearTimeout(timer);
    if (typed.length < 2 || typed === asked) return;
    timer = window.setTimeout(function () {
      asked = typed;
      fetch(searchUrl + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.replaceChildren();
          data.results.forEach(function (result) {
            const option = document.createElement("option");
            option.value = kept.concat([result.path]).join("; ");
            option.label = result.path + " (" + result.data_type + ")";
            list.appendChild(option);
          });
        });
    }, 200);
  });
})();
