// Supervision pages. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // The fine amount only matters when the sanction is a fine: show it then, hide it otherwise.
  document.querySelectorAll("[data-fine-toggle]").forEach((select) => {
    const input = document.getElementById(select.dataset.fineToggle);
    const field = input && input.closest(".field");
    if (!field) return;
    const sync = () => { field.hidden = select.value !== "fine"; };
    select.addEventListener("change", sync);
    sync();
  });
  // "Fail" on a spot-check item: put the cursor in its note, where QA says what was wrong.
  document.querySelectorAll(".score-table input[type=radio][value=fail]").forEach((radio) => {
    radio.addEventListener("change", () => {
      const note = radio.closest("tr")?.querySelector("input[type=text]");
      if (note && radio.checked) note.focus();
    });
  });
});
