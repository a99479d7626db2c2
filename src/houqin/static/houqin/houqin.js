// The school switcher submits on change (no inline scripts: the CSP forbids them).
document.addEventListener("change", (e) => {
  if (e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  // A file picker shows the names chosen beside its Chinese button (core/widgets/file.html).
  if (e.target.matches("input[data-file-picker]")) {
    const names = Array.from(e.target.files, (f) => f.name).join("、");
    e.target.closest(".file-picker").querySelector("[data-file-names]").textContent = names || "未选择文件";
  }
});
// Confirm destructive buttons.
document.addEventListener("submit", (e) => {
  const msg = e.target.dataset.confirm;
  if (msg && !window.confirm(msg)) e.preventDefault();
});
// The form's own Chinese errors, with their summary at the top, instead of the browser's
// bubbles (which speak the browser's language and stop at the first field).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach((form) => { form.noValidate = true; });
  // A wide table scrolls sideways on a phone: its frame takes the keyboard focus so that it can
  // be scrolled without a mouse (WCAG 2.1.1).
  document.querySelectorAll(".table-responsive").forEach((frame) => {
    if (frame.scrollWidth > frame.clientWidth) frame.tabIndex = 0;
  });
  const summary = document.querySelector(".form-error-summary");
  if (summary) summary.focus();
});
