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
  // A violation found not upheld has no sanction, only the reasons: hide the sanction and its amount.
  const sanction = document.getElementById("id_sanction");
  const upheld = document.querySelectorAll("input[type=radio][name=upheld]");
  if (sanction && upheld.length) {
    const field = sanction.closest(".field");
    const amount = document.getElementById("id_amount")?.closest(".field");
    const sync = () => {
      const notUpheld = [...upheld].some((radio) => radio.checked && radio.value === "no");
      if (field) field.hidden = notUpheld;
      if (amount) amount.hidden = notUpheld || !["fine", "deduction"].includes(sanction.value);
    };
    upheld.forEach((radio) => radio.addEventListener("change", sync));
    sanction.addEventListener("change", sync);
    sync();
  }
  // "Fail" on a spot-check item: put the cursor in its note, where QA says what was wrong.
  document.querySelectorAll(".score-table input[type=radio][value=fail]").forEach((radio) => {
    radio.addEventListener("change", () => {
      const note = radio.closest("tr")?.querySelector("input[type=text]");
      if (note && radio.checked) note.focus();
    });
  });
});
