// The intake grid (templates/jinja2/orders/_line_grid.html). Without this file it is a plain formset with
// empty rows to spare. With it: Enter in a row's last cell moves to the next row, adding one (and counting
// it in the management form's TOTAL_FORMS) when there is none; "Add a line" does the same; a style number
// fills the row's description and unit, when they are empty, from the product master; a filled description
// the user is already in is selected, so typing replaces it rather than running on from it.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table[data-grid]").forEach((table) => {
    const prefix = table.dataset.grid;
    const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
    const most = document.getElementById(`id_${prefix}-MAX_NUM_FORMS`);
    const template = document.getElementById(`${prefix}-empty`);
    const rows = table.tBodies[0];

    const addRow = () => {
      const index = parseInt(total.value, 10);
      if (most && index >= parseInt(most.value, 10)) return null;
      const markup = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", markup);
      total.value = String(index + 1);
      return rows.lastElementChild;
    };
    const firstCell = (row) => row && row.querySelector("input:not([type=hidden]), select");
    const nextRow = (row) => {
      let next = row.nextElementSibling;
      while (next && !next.classList.contains("line-row")) next = next.nextElementSibling;
      return next;
    };

    table.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || !event.target.matches("[data-grid-last]")) return;
      event.preventDefault(); // not a submit: the order is saved with its button
      const cell = firstCell(nextRow(event.target.closest("tr")) || addRow());
      if (cell) cell.focus();
    });
    document.querySelectorAll(`[data-grid-add="${prefix}"]`).forEach((button) => {
      button.addEventListener("click", () => {
        const cell = firstCell(addRow());
        if (cell) cell.focus();
      });
    });

    table.addEventListener("change", (event) => {
      const input = event.target;
      if (!input.matches("[data-style-lookup]") || !input.value.trim()) return;
      const style = input.value.trim();
      const url = new URL(table.dataset.lookupUrl, window.location.href);
      url.searchParams.set("style_no", style);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : { found: false }))
        .then((product) => {
          if (!product.found || input.value.trim() !== style) return; // unknown, or changed meanwhile
          const row = input.closest("tr");
          const description = row.querySelector("[name$='-description']");
          const unit = row.querySelector("select[name$='-unit']");
          input.value = product.style_no;
          if (description && !description.value.trim()) {
            description.value = product.description;
            // Already in the cell (Tab is quicker than the lookup): what they type next replaces the suggestion.
            if (document.activeElement === description) description.select();
          }
          if (unit && !unit.value) unit.value = String(product.unit);
        })
        .catch(() => {}); // offline: the server fills them on saving
    });
  });
});
