// Print views: a report opened with ?print=1 opens the print dialog; a print page's toolbar
// button (#print) does it on demand.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print");
  if (button) button.addEventListener("click", () => window.print());
  if (document.querySelector(".report-print")) window.print();
});
