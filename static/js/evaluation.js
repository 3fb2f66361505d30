// Evaluation pages. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // The KPI scheme form: keep the total of the weights in view while HR types (the server checks it too).
  const form = document.querySelector("[data-scheme-form]");
  if (!form) return;
  const output = form.querySelector("[data-weight-total]");
  const update = () => {
    let total = 0;
    form.querySelectorAll("input[data-weight]").forEach((input) => {
      total += parseInt(input.value || "0", 10) || 0;
    });
    output.textContent = total;
    output.classList.toggle("exact", total === 100);
    output.classList.toggle("over", total > 100);
    output.classList.toggle("under", total < 100);
  };
  form.addEventListener("input", update);
  update();
});
