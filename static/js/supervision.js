// Supervision pages. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // The amount only matters when the sanction takes money (a fine or a performance-pay deduction).
  document.querySelectorAll("[data-fine-toggle]").forEach((select) => {
    const input = document.getElementById(select.dataset.fineToggle);
    const field = input && input.closest(".field");
    if (!field) return;
    const sync = () => { field.hidden = !["fine", "deduction"].includes(select.value); };
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
